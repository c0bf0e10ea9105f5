"""Vision encoders: a small ResNet for 64-128 px frames on CPUs, and a ViT for GPUs.

Both take float images (B, 3, H, W) in [0, 1] and return unnormalised features (B, width_out);
`devlearn.models.learner.Learner` projects them into the shared embedding space. The ResNet runs
channels-last, which on CPUs was about 1.7x faster than the default layout for this size.
"""

from __future__ import annotations

import torch
from torch import nn

# Centre and scale inputs once, inside the model, so callers pass plain [0, 1] images.
_MEAN, _STD = 0.45, 0.25


class BasicBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.skip = None
        if stride != 1 or c_in != c_out:
            self.skip = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (x if self.skip is None else self.skip(x)))


class ResNetEncoder(nn.Module):
    """Strided stem + 4 stages (width, 2w, 4w, 8w), then global pooling.

    The stem halves the resolution and stages 2-4 halve it again (64 px -> 4 x 4): on CPUs the
    full-resolution activations, not the weights, dominate the cost, batch norm included."""

    def __init__(self, width: int = 32, blocks_per_stage: int = 1):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, width, 3, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        )
        layers, c_in = [], width
        for stage in range(4):
            c_out = width * 2**stage
            for b in range(blocks_per_stage):
                layers.append(BasicBlock(c_in, c_out, 2 if b == 0 and stage > 0 else 1))
                c_in = c_out
        self.stages = nn.Sequential(*layers)
        self.out_dim = c_in
        self.to(memory_format=torch.channels_last)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # images: (B, 3, H, W) in [0, 1] -> (B, out_dim)
        x = ((images - _MEAN) / _STD).contiguous(memory_format=torch.channels_last)
        x = self.stages(self.stem(x))
        return x.mean(dim=(2, 3))


class ViTEncoder(nn.Module):
    """A plain ViT (patch embedding, pre-norm transformer, mean pooling) for GPU runs."""

    def __init__(self, image_size: int = 64, patch: int = 8, width: int = 192, depth: int = 6):
        super().__init__()
        if image_size % patch:
            raise ValueError(f"image_size {image_size} is not a multiple of the patch size {patch}")
        self.patch_embed = nn.Conv2d(3, width, patch, patch)
        self.pos = nn.Parameter(torch.zeros(1, (image_size // patch) ** 2, width))
        nn.init.normal_(self.pos, std=0.02)
        layer = nn.TransformerEncoderLayer(
            width, max(1, width // 64), 4 * width, dropout=0.0, batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.out_dim = width

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # images: (B, 3, H, W) -> patches (B, N, width) -> (B, width)
        x = self.patch_embed((images - _MEAN) / _STD).flatten(2).transpose(1, 2)
        x = self.blocks(x + self.pos)
        return self.norm(x.mean(dim=1))


def build_vision(arch: str, width: int, image_size: int) -> nn.Module:
    """The vision trunk named by ``arch`` ("resnet" or "vit")."""
    if arch == "resnet":
        return ResNetEncoder(width)
    if arch == "vit":
        return ViTEncoder(image_size=image_size, width=width)
    raise ValueError(f"unknown vision architecture {arch!r} (choose 'resnet' or 'vit')")
