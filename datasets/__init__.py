"""The devlearn dataset format: one on-disk layout that every source writes and every trainer
and analysis reads (see datasets/README.md)."""

from __future__ import annotations

from devlearn.datasets.format import FORMAT_VERSION, SCHEMAS, tokenize
from devlearn.datasets.reader import Dataset, Utterance, open_dataset
from devlearn.datasets.session_writer import SessionWriter
from devlearn.datasets.writer import DatasetWriter

__all__ = [
    "FORMAT_VERSION",
    "SCHEMAS",
    "Dataset",
    "DatasetWriter",
    "SessionWriter",
    "Utterance",
    "open_dataset",
    "tokenize",
]
