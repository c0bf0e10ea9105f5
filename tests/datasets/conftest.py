"""Fixtures of the dataset tests (the media writers live in dataset_media.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # so tests can import dataset_media

from dataset_media import video_folder  # noqa: E402, F401
