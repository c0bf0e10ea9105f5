"""Import head-camera videos with their transcripts and the children's ages.

VIDEOS/            one file per recording, any container FFmpeg reads
  S_20130512.mp4
  S_20130512.wav   optional separate audio (used instead of the video's audio track)
TRANSCRIPTS/       optional: STEM.csv per video (start, [end], speaker, utterance)
AGES.csv           video, child_id, age_days | age_months | birth_date + recording_date
"""

from __future__ import annotations

from pathlib import Path

from devlearn.datasets.format import safe_session_id
from devlearn.datasets.importers.ages import AgeRow, read_age_table
from devlearn.datasets.importers.common import check_input, check_target, import_each, provenance
from devlearn.datasets.importers.media import (
    DecodedVideo,
    FrameSpec,
    decode_audio_track,
    read_audio_file,
    sample_video,
)
from devlearn.datasets.importers.transcripts import read_transcript, timed_utterances
from devlearn.datasets.writer import DatasetWriter
from devlearn.errors import UserError

VIDEO_SUFFIXES = {
    ".mp4",
    ".mov",
    ".m4v",
    ".avi",
    ".mkv",
    ".webm",
    ".mpg",
    ".mpeg",
    ".wmv",
    ".flv",
    ".3gp",
    ".ts",
    ".mts",
}
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def find_videos(videos: Path) -> list[Path]:
    """A single video file, or the video files of a folder (sorted)."""
    if videos.is_file():
        return [videos]
    found = sorted(p for p in videos.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    if not found:
        raise UserError(f"no video files ({', '.join(sorted(VIDEO_SUFFIXES))})", path=videos)
    return found


def unmatched_ages(videos: list[Path], ages: dict[str, AgeRow]) -> list[tuple[str, AgeRow]]:
    """Age-table rows that name no video (videos missing from the table fail on import)."""
    stems = {v.stem for v in videos}
    return [(stem, row) for stem, row in ages.items() if stem not in stems]


def import_video(
    videos: str | Path,
    out: str | Path,
    ages: str | Path,
    transcripts: str | Path | None = None,
    spec: FrameSpec | None = None,
    caregivers: list[str] | None = None,
    max_utterance_s: float = 10.0,
    seed: int = 0,
    skip_bad: bool = False,
    options: dict | None = None,
) -> Path:
    """Import videos into a dataset at `out` (see the module docstring for the layout)."""
    out = check_target(out)
    spec = spec or FrameSpec()
    videos = check_input(videos, "video folder")
    ages = check_input(ages, "age table")
    transcript_dir = None if transcripts is None else check_input(transcripts, "transcripts")
    if max_utterance_s <= 0:
        raise UserError(f"--max_utterance_s {max_utterance_s} must be > 0")
    files = find_videos(videos)
    age_rows = read_age_table(ages)
    unmatched = unmatched_ages(files, age_rows)
    if unmatched and not skip_bad:
        stem, row = unmatched[0]
        raise UserError(f"no video named {stem!r} in {videos}", path=ages, line=row.line)
    keep = None if caregivers is None else {c.strip().lower() for c in caregivers}
    session_ids: dict[str, Path] = {}

    def one_video(path: Path) -> None:
        row = age_rows.get(path.stem)
        if row is None:
            raise UserError(f"video {path.name!r} has no row in the age table", path=ages)
        session_id = safe_session_id(path.stem)
        if session_id in session_ids:
            raise UserError(f"same session id as {session_ids[session_id].name}", path=path)
        session_ids[session_id] = path
        rows = []
        transcript = None
        if transcript_dir is not None:
            transcript = transcript_dir / f"{path.stem}.csv"
            if transcript_dir.is_file() and len(files) == 1:  # one video, one transcript file
                transcript = transcript_dir
            if not transcript.exists():
                raise UserError(f"no transcript for {path.name}", path=transcript)
            rows = read_transcript(transcript)  # syntax first: fail before decoding
        with writer.session(
            session_id, row.child_id, row.age_days, extra={"source_file": path.name}
        ) as session:
            decoded = None
            for item in sample_video(path, spec):
                if isinstance(item, DecodedVideo):
                    decoded = item
                else:
                    session.add_frames(*item)
            audio_file = next(
                (path.with_suffix(s) for s in AUDIO_SUFFIXES if path.with_suffix(s).exists()), None
            )
            if audio_file is not None:
                session.set_audio(*read_audio_file(audio_file))
            else:
                track = decode_audio_track(path)
                if track is not None:
                    session.set_audio(track, 16_000)
            session.duration_s = decoded.duration_s
            dropped = 0
            for utt in timed_utterances(rows, transcript, decoded.duration_s, max_utterance_s):
                if keep is not None and utt.speaker.strip().lower() not in keep:
                    dropped += 1
                    continue
                session.add_utterance(utt.speaker, utt.text, utt.start, utt.end)
            if dropped:
                writer.warn(f"{path.name}: {dropped} utterances by non-caregiver speakers left out")

    writer = DatasetWriter(
        out,
        fps=spec.fps,
        frame_size=(spec.size, spec.size),
        source="video",
        provenance=provenance("import video", options or {}, seed),
    )
    with writer:
        for stem, row in unmatched:
            writer.warn(f"{ages}:{row.line}: no video named {stem!r}")
        import_each(writer, files, one_video, skip_bad, name=str, desc="videos")
    return out
