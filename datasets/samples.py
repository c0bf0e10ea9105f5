"""Small generated inputs for every importer: a demo without downloads, and the tests' media.

`write_sample_inputs(folder)` writes
    videos/*.mp4        H.264 videos with a coloured toy moving over a plain room, AAC audio
    ages.csv            video, child_id, age_months / birth_date + recording_date
    transcripts/*.csv   start, speaker, utterance (starts only, as SAYCam's)
    chat/*.cha          CHAT transcripts with @ID ages and time bullets
    scenes.txt, gold.txt  a scene corpus in the block format and its gold lexicon
    labeled/CATEGORY/*.png  labelled images
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

TOYS = {"ball": (230, 40, 40), "duck": (240, 210, 40), "car": (40, 90, 230)}


def tone(seconds: float, rate: int, at: tuple[float, float], hz: float = 1000.0) -> np.ndarray:
    """Silence with a sine tone between at[0] and at[1] seconds (float32 mono)."""
    t = np.arange(int(seconds * rate)) / rate
    on = (t >= at[0]) & (t < at[1])
    return (0.5 * np.sin(2 * np.pi * hz * t) * on).astype(np.float32)


def write_video(
    path: Path,
    images: np.ndarray,
    fps: int = 10,
    audio: np.ndarray | None = None,
    audio_rate: int = 44_100,
    display_rotation: int = 0,
) -> Path:
    """Encode RGB images (n, H, W, 3) as H.264 (and optional mono AAC audio) with PyAV.
    ``display_rotation``: degrees counter-clockwise that a player should turn the picture, as
    phones store portrait video (the container's display matrix)."""
    import av

    height, width = images.shape[1:3]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "10", "preset": "ultrafast"}
        if display_rotation:
            stream.set_display_rotation(display_rotation)
        astream = None
        if audio is not None:  # every stream is added before the first packet is written
            astream = container.add_stream("aac", rate=audio_rate)
            astream.layout = "mono"
        for image in images:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
        if astream is not None:
            block = 1024
            for i in range(0, len(audio), block):
                chunk = np.ascontiguousarray(audio[i : i + block].reshape(1, -1), np.float32)
                frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
                frame.sample_rate, frame.pts = audio_rate, i
                frame.time_base = Fraction(1, audio_rate)
                container.mux(astream.encode(frame))
            container.mux(astream.encode(None))
    return path


def toy_scene(
    n: int, toy: str, rng: np.random.Generator, size: tuple[int, int] = (96, 128)
) -> np.ndarray:
    """Frames of a toy (a coloured square) drifting over a wall and a floor."""
    height, width = size
    frames = np.empty((n, height, width, 3), np.uint8)
    frames[:, : height // 2] = rng.integers(150, 220, 3)
    frames[:, height // 2 :] = rng.integers(60, 120, 3)
    x, y = rng.uniform(0, width - 24), rng.uniform(height // 3, height - 24)
    vx, vy = rng.uniform(-3, 3, 2)
    for i in range(n):
        x, y = np.clip(x + vx, 0, width - 24), np.clip(y + vy, 0, height - 24)
        frames[i, int(y) : int(y) + 24, int(x) : int(x) + 24] = TOYS[toy]
    return frames


CHAT_TEMPLATE = (
    "@UTF8\n@Begin\n@Languages:\teng\n@Participants:\tCHI {name} Target_Child, MOT Mother\n"
    "@ID:\teng|sample|CHI|{age}|female|||Target_Child|||\n@ID:\teng|sample|MOT|||||Mother|||\n"
    "*MOT:\tlook at the {toy} ! \x15500_1500\x15\n*CHI:\t{toy} . \x152000_2600\x15\n"
    "*MOT:\tyes that is a {toy} . \x153000_4200\x15\n@End\n"
)


def write_sample_inputs(folder: str | Path, seed: int = 0, seconds: float = 4.0) -> Path:
    """Write a small input of every kind the importers read into `folder` (see module doc)."""
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    fps = 10
    (folder / "videos").mkdir(parents=True, exist_ok=True)
    (folder / "transcripts").mkdir(exist_ok=True)
    ages = ["video,child_id,age_months,birth_date,recording_date"]
    for i, toy in enumerate(TOYS):
        stem = f"S_{i + 1:03d}"
        starts = [0.5, 1.5, 2.8]
        speech = sum(tone(seconds, 16_000, (s, s + 0.6), hz=300 + 100 * i) for s in starts)
        write_video(
            folder / "videos" / f"{stem}.mp4",
            toy_scene(int(seconds * fps), toy, rng),
            fps,
            audio=speech,
            audio_rate=16_000,
        )
        lines = [
            f"{starts[0]},MOT,look at the {toy}",
            f"{starts[1]},CHI,{toy}",
            f"{starts[2]},MOT,yes you have the {toy}",
        ]
        (folder / "transcripts" / f"{stem}.csv").write_text(
            "start,speaker,utterance\n" + "\n".join(lines) + "\n"
        )
        ages.append(f"{stem},S,{6 + 3 * i},," if i < 2 else f"{stem},S,,2020-01-01,2020-12-01")
    (folder / "ages.csv").write_text("\n".join(ages) + "\n")
    (folder / "chat").mkdir(exist_ok=True)
    for i, toy in enumerate(TOYS):
        text = CHAT_TEMPLATE.format(name="Sam", age=f"1;0{i}.10", toy=toy)
        (folder / "chat" / f"sam{i + 1:02d}.cha").write_text(text)
    blocks = [f"look at the {toy}\n{toy.upper()}\n" for toy in TOYS]
    blocks.append("where is the ball and the duck\nBALL DUCK CAR\n")
    (folder / "scenes.txt").write_text("\n".join(blocks))
    (folder / "gold.txt").write_text("".join(f"{t} {t.upper()}\n" for t in TOYS))
    from PIL import Image

    for toy in TOYS:
        (folder / "labeled" / toy).mkdir(parents=True, exist_ok=True)
        for k in range(3):
            Image.fromarray(toy_scene(1, toy, rng)[0]).save(folder / "labeled" / toy / f"{k}.png")
    return folder
