"""Log-mel features of every training utterance, computed once and memory-mapped.

The log-mel front end has no learned weights, so computing it per step would only repeat work;
each session's audio is decoded once and its utterance windows (the first ``max_speech_s``
seconds) are stored as float16 in ``CACHE/speech-KEY.npy`` with their frame counts.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np


def cache_key(dataset_path: Path, utt_ids: list[str], n_mels: int, max_speech_s: float) -> str:
    digest = hashlib.sha256()
    meta = (dataset_path / "dataset.json").read_bytes()
    digest.update(meta)
    digest.update(json.dumps([n_mels, max_speech_s]).encode())
    digest.update("\n".join(utt_ids).encode())
    return digest.hexdigest()[:16]


def build_speech_cache(
    dataset,  # devlearn.datasets.Dataset  # noqa: ANN001
    sessions: np.ndarray,
    t_start: np.ndarray,
    t_end: np.ndarray,
    has_audio: np.ndarray,
    n_mels: int,
    max_speech_s: float,
    out: Path,
    progress: bool = False,
) -> None:
    """Write (feats float16 (n, n_mels, F), n_frames int32 (n,)) for utterance windows."""
    import torch
    from tqdm import tqdm

    from devlearn.models.speech import HOP, SAMPLE_RATE, LogMel

    max_samples = int(round(max_speech_s * SAMPLE_RATE))
    n_feat = max_samples // HOP + 1
    n = len(sessions)
    out.parent.mkdir(parents=True, exist_ok=True)
    # unique per process: on several nodes sharing a file system each may build the cache
    tmp = out.with_suffix(f".{os.getpid()}.partial.npy")
    feats = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16, shape=(n, n_mels, n_feat))
    n_frames = np.zeros(n, dtype=np.int32)
    log_mel = LogMel(n_mels)
    todo = [s for s in dict.fromkeys(sessions[has_audio].tolist())]
    for session in tqdm(todo, desc="speech features", unit="session", disable=not progress):
        rows = np.flatnonzero((sessions == session) & has_audio)
        audio = dataset.read_audio(session)
        for chunk in np.array_split(rows, max(1, len(rows) // 256)):
            waves = torch.zeros(len(chunk), max_samples)
            lengths = torch.zeros(len(chunk), dtype=torch.long)
            for j, i in enumerate(chunk):
                a = int(round(t_start[i] * SAMPLE_RATE))
                b = min(int(round(t_end[i] * SAMPLE_RATE)), a + max_samples, len(audio))
                if b > a:
                    waves[j, : b - a] = torch.from_numpy(audio[a:b])
                    lengths[j] = b - a
            with torch.no_grad():
                mel, frames = log_mel(waves, lengths)
            frames = torch.where(lengths > 0, frames, torch.zeros_like(frames))
            feats[chunk] = mel.numpy().astype(np.float16)
            n_frames[chunk] = frames.numpy()
    feats.flush()
    del feats
    frames_tmp = out.with_suffix(f".{os.getpid()}.frames.npy")
    np.save(frames_tmp, n_frames)
    os.replace(frames_tmp, out.with_suffix(".frames.npy"))
    os.replace(tmp, out)


def open_speech_cache(out: Path) -> tuple[np.ndarray, np.ndarray]:
    return np.load(out, mmap_mode="r"), np.load(out.with_suffix(".frames.npy"))
