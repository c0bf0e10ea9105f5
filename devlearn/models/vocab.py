"""Word vocabulary for the text encoder.

Tokens are lower-cased words (the dataset's ``words`` column). Index 0 pads, index 1 stands for
any word the learner never heard often enough. The vocabulary is a plain list of strings so a
checkpoint can hold it and still load with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

PAD, UNK = "<pad>", "<unk>"


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of free text, split as the dataset's ``words`` column is."""
    from devlearn.datasets.format import tokenize as dataset_tokenize

    return dataset_tokenize(text)


class Vocab:
    """Maps words to indices; built from the training utterances."""

    def __init__(self, words: Sequence[str]):
        words = list(words)
        if words[:2] != [PAD, UNK]:
            raise ValueError(f"a vocabulary must start with {PAD!r}, {UNK!r}; got {words[:2]!r}")
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}

    @classmethod
    def build(cls, utterances: Iterable[Sequence[str]], min_count: int = 1) -> Vocab:
        """Words heard at least ``min_count`` times, most frequent first (ties alphabetical)."""
        if min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count}")
        counts = Counter(w for words in utterances for w in words)
        kept = sorted(
            (w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w)
        )
        return cls([PAD, UNK, *kept])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def encode(self, words: Sequence[str], max_len: int) -> list[int]:
        """Indices of ``words`` (unknown -> 1), cut to ``max_len`` and padded with 0."""
        ids = [self.index.get(w, 1) for w in words[:max_len]]
        return ids + [0] * (max_len - len(ids))

    def encode_batch(self, utterances: Sequence[Sequence[str]], max_len: int):  # noqa: ANN201
        """LongTensor (n, max_len) of token indices."""
        import torch

        return torch.tensor([self.encode(u, max_len) for u in utterances], dtype=torch.long).view(
            len(utterances), max_len
        )
