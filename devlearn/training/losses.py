"""Contrastive objectives.

All are symmetric InfoNCE over a batch: row i of ``a`` and row i of ``b`` are a positive pair,
every other row a negative. Embeddings arrive L2-normalised; ``scale`` is 1 / temperature.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def info_nce(
    a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor, same: torch.Tensor | None = None
) -> torch.Tensor:
    """Symmetric InfoNCE between (B, D) embeddings.

    ``same`` (B, B) bool, optional, marks pairs that are positives too (e.g. two samples whose
    utterances are the same words): the target spreads evenly over them instead of punishing
    the model for matching a frame to an identical "look at the ball" from another moment.
    """
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(
            f"info_nce needs two (B, D) tensors of one shape, got {a.shape}, {b.shape}"
        )
    logits = scale * a @ b.T
    if same is None:
        target = torch.arange(a.shape[0], device=a.device)
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
    same = same | torch.eye(a.shape[0], dtype=torch.bool, device=a.device)
    soft = same.float() / same.sum(1, keepdim=True)
    soft_t = same.T.float() / same.T.sum(1, keepdim=True)
    return 0.5 * (
        -(soft * logits.log_softmax(1)).sum(1).mean()
        - (soft_t * logits.T.log_softmax(1)).sum(1).mean()
    )


def same_tokens(tokens: torch.Tensor) -> torch.Tensor:
    """(B, L) token ids -> (B, B) bool, True where two rows hold the same token sequence."""
    return (tokens[:, None, :] == tokens[None, :, :]).all(-1)


def shared_words(tokens: torch.Tensor, counted: torch.Tensor) -> torch.Tensor:
    """(B, L) token ids -> (B, B) bool, True where two rows share a token that ``counted``
    (a bool per vocabulary entry) marks, e.g. the words rarer than "the" and "look"."""
    marked = counted[tokens]  # (B, L)
    bags = torch.zeros(tokens.shape[0], counted.shape[0], device=tokens.device)
    bags.scatter_(1, tokens, marked.float())  # duplicates within a row overwrite: 0/1 bags
    return (bags @ bags.T) > 0


def masked_info_nce(
    a: torch.Tensor,
    b: torch.Tensor,
    scale: torch.Tensor,
    keep: torch.Tensor,
    same: torch.Tensor | None = None,
) -> torch.Tensor:
    """InfoNCE over the rows where ``keep`` is True (e.g. samples that have audio).

    Returns 0 (still attached to the graph) when fewer than two rows remain.
    """
    if int(keep.sum()) < 2:
        return (a.sum() + b.sum()) * 0.0
    if same is not None:
        same = same[keep][:, keep]
    return info_nce(a[keep], b[keep], scale, same)
