"""Utterance text encoder: token embeddings mean-pooled (as CVCL), or a small transformer."""

from __future__ import annotations

import torch
from torch import nn


class TextEncoder(nn.Module):
    """Token ids (B, L), 0 = padding -> (B, width)."""

    def __init__(self, vocab_size: int, width: int = 128, arch: str = "mean", max_len: int = 32):
        super().__init__()
        if arch not in ("mean", "transformer"):
            raise ValueError(f"unknown text architecture {arch!r} (choose 'mean' or 'transformer')")
        self.arch = arch
        self.embed = nn.Embedding(vocab_size, width, padding_idx=0)
        self.out_dim = width
        if arch == "transformer":
            self.pos = nn.Parameter(torch.zeros(1, max_len, width))
            nn.init.normal_(self.pos, std=0.02)
            layer = nn.TransformerEncoderLayer(
                width,
                max(1, width // 64),
                4 * width,
                dropout=0.0,
                batch_first=True,
                norm_first=True,
            )
            self.blocks = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # tokens: (B, L) -> embeddings (B, L, width) -> mean over non-padding (B, width)
        mask = tokens != 0
        x = self.embed(tokens)
        if self.arch == "transformer":
            x = self.blocks(x + self.pos[:, : x.shape[1]], src_key_padding_mask=~mask)
            x = torch.nan_to_num(x)  # rows that are all padding
        mask = mask.unsqueeze(-1).to(x.dtype)
        return (x * mask).sum(1) / mask.sum(1).clamp(min=1.0)
