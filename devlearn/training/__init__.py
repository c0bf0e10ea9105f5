"""Training the learner over developmental time (Lightning lives only in this package)."""
