"""`simulate --preview` and writing frames through the age vision transform."""

from __future__ import annotations

import numpy as np

from devlearn.datasets import open_dataset
from devlearn.environments.commands import simulate
from devlearn.environments.plan import SimulateOptions
from devlearn.environments.preview import write_preview


def test_preview_writes_a_contact_sheet_and_a_video_with_sound(tmp_path):
    import av
    from PIL import Image

    out = tmp_path / "preview"
    write_preview(
        out, SimulateOptions(ages=[6.0, 18.0], size=48, seed=1, words_per_hour=6000.0), seconds=6.0
    )
    sheet = np.asarray(Image.open(out / "contact_sheet.png"))
    assert sheet.shape[0] == 2 * (128 + 16) and sheet.shape[1] == 8 * 128
    assert sheet[16:144].std() > 10  # frames, not blank tiles
    with av.open(str(out / "preview.mp4")) as container:
        kinds = sorted(s.type for s in container.streams)
        assert kinds == ["audio", "video"]
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        n_frames = sum(1 for _ in container.decode(video=0))
    assert n_frames == 2 * 30  # 6 s at 5 fps per age
    with av.open(str(out / "preview.mp4")) as container:
        sound = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
    assert np.sqrt(np.mean(sound**2)) > 0.01  # the caregiver speaks


def test_vision_transform_at_write_time_changes_young_frames(tmp_path):
    common = dict(ages="3", hours_per_age=10 / 3600, size=32, seed=4, audio=False)
    simulate(str(tmp_path / "plain"), **common)
    simulate(str(tmp_path / "seen"), **common, vision_transform=True)
    plain, seen = open_dataset(tmp_path / "plain"), open_dataset(tmp_path / "seen")
    session = plain.sessions.collect()["session_id"][0]
    a = plain.read_frames(session, np.arange(50)).astype(float)
    b = seen.read_frames(session, np.arange(50)).astype(float)
    # a 3-month-old sees little colour: channels move toward each other
    spread_plain = a.std(axis=3).mean()
    spread_seen = b.std(axis=3).mean()
    assert spread_seen < 0.8 * spread_plain
