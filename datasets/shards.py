"""Frame shards: plain .npy files of uint8 RGB frames (n, H, W, 3) that memory-map.

A session's frames arrive a few at a time (hours of video do not fit in memory), so the
writer appends raw bytes after a fixed-size .npy header and rewrites the header with the final
frame count when the session closes. The result is an ordinary .npy file.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

_MAGIC = b"\x93NUMPY\x01\x00"
_HEADER_BYTES = 128  # magic (8) + length (2) + padded dict; a multiple of 64 keeps rows aligned


def _header(n: int, height: int, width: int) -> bytes:
    text = f"{{'descr': '|u1', 'fortran_order': False, 'shape': ({n}, {height}, {width}, 3), }}"
    body_len = _HEADER_BYTES - len(_MAGIC) - 2
    if len(text) + 1 > body_len:
        raise ValueError(f"shard shape ({n}, {height}, {width}, 3) is too large for the header")
    body = text.ljust(body_len - 1) + "\n"
    return _MAGIC + struct.pack("<H", body_len) + body.encode("latin1")


class ShardAppender:
    """Appends frames to a .npy file; `close()` writes the final shape into the header."""

    def __init__(self, path: Path, height: int, width: int):
        self.path = Path(path)
        self.height, self.width = height, width
        self.n = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - kept open while frames arrive
        self._file.write(_header(0, height, width))

    def append(self, frames: np.ndarray) -> None:
        expected = (self.height, self.width, 3)
        if frames.ndim != 4 or frames.shape[1:] != expected:
            raise ValueError(f"frames of shape {frames.shape} do not match (n, {expected})")
        if frames.dtype != np.uint8:
            raise ValueError(f"frames must be uint8, got {frames.dtype}")
        self._file.write(np.ascontiguousarray(frames).tobytes())
        self.n += len(frames)

    def close(self) -> None:
        if self._file.closed:
            return
        self._file.seek(0)
        self._file.write(_header(self.n, self.height, self.width))
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def open_shard(path: Path) -> np.ndarray:
    """A read-only memory map of a shard."""
    return np.load(path, mmap_mode="r")
