"""Speech encoder: log-mel features, 1-D convolutions, attention pooling.

Works on whole utterances and on single words cut by word timings: inputs are padded batches
with their lengths, and padding never reaches the pooled vector. The log-mel front end has no
learned parameters, so the trainer may compute it once and cache it (`log_mel`).
"""

from __future__ import annotations

import torch
from torch import nn

SAMPLE_RATE = 16_000
HOP = 160  # 10 ms frames
N_FFT = 400  # 25 ms windows


class LogMel(nn.Module):
    """Waveforms (B, T) at 16 kHz -> log-mel (B, n_mels, frames), normalised per utterance."""

    def __init__(self, n_mels: int = 40):
        super().__init__()
        import torchaudio

        self.n_mels = n_mels
        self.mel = torchaudio.transforms.MelSpectrogram(
            SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP, n_mels=n_mels, center=True
        )

    @staticmethod
    def frames_for(n_samples: torch.Tensor) -> torch.Tensor:
        """Feature frames whose window lies inside a waveform of ``n_samples`` (at least 1).

        Frames whose window reaches past the end would see padding, and a waveform padded in
        a batch would then encode differently from the same waveform alone."""
        return ((n_samples - N_FFT // 2) // HOP + 1).clamp(min=1)

    def forward(
        self, waves: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        n_frames = self.frames_for(lengths)
        feats = torch.log(self.mel(waves.float()) + 1e-5)  # (B, n_mels, F)
        return normalise(feats, n_frames), n_frames


def normalise(feats: torch.Tensor, n_frames: torch.Tensor) -> torch.Tensor:
    """Zero mean, unit variance per mel band over each utterance's valid frames; padding -> 0."""
    mask = (torch.arange(feats.shape[-1], device=feats.device)[None] < n_frames[:, None])[:, None]
    count = mask.sum(-1, keepdim=True).clamp(min=1)
    mean = (feats * mask).sum(-1, keepdim=True) / count
    var = (((feats - mean) * mask) ** 2).sum(-1, keepdim=True) / count
    # The variance floor keeps near-silent bands from being blown up into noise.
    return ((feats - mean) / (var + 1e-2).sqrt()) * mask


class SpeechEncoder(nn.Module):
    """Log-mel (B, n_mels, F) -> conv stack (8x downsampling) -> attention pooling (B, width).

    Activations past each utterance's end are zeroed after every layer (biases would otherwise
    make padding non-zero), so an utterance encodes the same alone or padded in a batch."""

    def __init__(self, n_mels: int = 40, width: int = 128):
        super().__init__()
        chans = [n_mels, width, width, width]
        self.convs = nn.ModuleList(
            [nn.Conv1d(chans[i], chans[i + 1], 5, stride=2, padding=2) for i in range(3)]
            + [nn.Conv1d(width, width, 3, padding=1)]
        )
        self.score = nn.Linear(width, 1)
        self.out_dim = width

    def forward(self, feats: torch.Tensor, n_frames: torch.Tensor) -> torch.Tensor:
        # feats: (B, n_mels, F); n_frames: (B,) valid frames -> (B, width)
        x, valid = feats, n_frames.clamp(min=1)
        for conv in self.convs:
            x = nn.functional.gelu(conv(x))
            if conv.stride[0] == 2:
                valid = (valid + 1) // 2
            mask = torch.arange(x.shape[-1], device=x.device)[None] < valid[:, None]
            x = x * mask[:, None]
        x = x.transpose(1, 2)  # (B, F/8, width)
        scores = self.score(x).squeeze(-1).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return (weights.unsqueeze(-1) * x).sum(1)
