"""`devlearn import ...` and `devlearn data ...` commands (signatures are the CLI)."""

from __future__ import annotations

from typing import Any


def _options(local: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in local.items() if not k.startswith("_")}


def import_video(
    videos: str,
    *,
    out: str,
    ages: str,
    transcripts: str | None = None,
    fps: float = 5.0,
    size: int = 224,
    resize: int | None = None,
    rotate: int = 0,
    caregivers: list[str] | None = None,
    max_utterance_s: float = 10.0,
    seed: int = 0,
    skip_bad: bool = False,
) -> None:
    """Import head-camera videos (any container FFmpeg reads) with transcripts and ages.

    Args:
        videos: A video file or a folder of videos (a STEM.wav/.flac beside a video replaces
            its audio track).
        out: Folder to create for the dataset (must not exist).
        ages: CSV with columns video, child_id and age_days, age_months, or birth_date and
            recording_date (YYYY-MM-DD).
        transcripts: Folder of STEM.csv transcripts (start, optional end, speaker, utterance;
            times in seconds or [h:]mm:ss).
        fps: Frames kept per second of video.
        size: Frames are size x size pixels (centre crop).
        resize: Short side before the crop (default: size; CVCL used 256 with size 224).
        rotate: Clockwise rotation of the frames in degrees: 0, 90, 180 or 270 (SAYCam: 180),
            after the turn the file's own display rotation asks for.
        caregivers: Keep only these speakers' utterances (e.g. [MOT, FAT]); default all.
        max_utterance_s: Utterances with only a start end at the next start, at most this long.
        seed: Seed of the session split.
        skip_bad: Skip unreadable or inconsistent videos (recorded in dataset.json) instead
            of stopping.
    """
    from devlearn.datasets.importers.media import FrameSpec
    from devlearn.datasets.importers.video import import_video as run
    from devlearn.errors import UserError

    options = _options(locals())
    try:
        spec = FrameSpec(fps=fps, size=size, resize=resize, rotate=rotate)
    except ValueError as error:
        raise UserError(str(error)) from error
    path = run(
        videos, out, ages, transcripts, spec, caregivers, max_utterance_s, seed, skip_bad, options
    )
    print(f"wrote {path}")


def import_chat(
    source: str,
    *,
    out: str,
    speakers: list[str] | None = None,
    child_id: str | None = None,
    default_age_months: float | None = None,
    seed: int = 0,
    skip_bad: bool = False,
) -> None:
    """Import CHILDES CHAT transcripts: a .cha file, a folder of them, or a .zip.

    Args:
        source: A .cha file, a folder (searched recursively) or a .zip archive.
        out: Folder to create for the dataset (must not exist).
        speakers: Keep only these speaker codes (e.g. [MOT, FAT]); default all.
        child_id: Child id for every file (default: corpus/name of the target child).
        default_age_months: Age for files whose @ID gives none (default: such files are bad).
        seed: Seed of the session split.
        skip_bad: Skip unreadable files (recorded in dataset.json) instead of stopping.
    """
    from devlearn.datasets.importers.chat import import_chat as run

    path = run(
        source, out, speakers, child_id, default_age_months, seed, skip_bad, _options(locals())
    )
    print(f"wrote {path}")


def import_scenes(
    corpus: str,
    *,
    out: str,
    lexicon: str | None = None,
    child_id: str | None = None,
    age_months: float = 0.0,
    seed: int = 0,
    skip_bad: bool = False,
) -> None:
    """Import a scene-annotated corpus (blocks of utterance words, objects in view, blank).

    Args:
        corpus: A corpus file, or a folder of .txt corpus files (one session each).
        out: Folder to create for the dataset (must not exist).
        lexicon: Gold lexicon file of `word OBJECT` lines, stored with the dataset.
        child_id: Child id of the sessions (default: the file name).
        age_months: The child's age in the recordings.
        seed: Seed of the session split.
        skip_bad: Skip unreadable corpus files (recorded in dataset.json) instead of stopping.
    """
    from devlearn.datasets.importers.scenes import import_scenes as run

    path = run(corpus, out, lexicon, child_id, age_months, seed, skip_bad, _options(locals()))
    print(f"wrote {path}")


def import_labeled_frames(
    root: str,
    *,
    out: str,
    size: int = 224,
    seed: int = 0,
    skip_bad: bool = False,
) -> None:
    """Import labelled images, one sub-folder per category, as an evaluation set.

    Args:
        root: Folder with one sub-folder of images per category.
        out: Folder to create for the dataset (must not exist).
        size: Images become size x size frames (short side scaled, centre crop).
        seed: Recorded for provenance (every session is in the test split).
        skip_bad: Skip unreadable images (recorded in dataset.json) instead of stopping.
    """
    from devlearn.datasets.importers.labeled_frames import import_labeled_frames as run

    path = run(root, out, size, seed, skip_bad, _options(locals()))
    print(f"wrote {path}")


def data_info(path: str, top: int = 20) -> None:
    """Print a dataset's size: hours, children, ages, sessions, utterances, vocabulary.

    Args:
        path: Dataset folder.
        top: How many of the most frequent words to list.
    """
    from devlearn.datasets.inspect import dataset_summary, format_summary
    from devlearn.datasets.reader import open_dataset

    print(format_summary(dataset_summary(open_dataset(path), top)))


def data_validate(path: str) -> None:
    """Check every table and file of a dataset against the format; report each problem.

    Args:
        path: Dataset folder.
    """
    from devlearn.datasets.reader import open_dataset
    from devlearn.datasets.validate import validate_dataset
    from devlearn.errors import UserError

    problems = validate_dataset(open_dataset(path))
    for problem in problems:
        print(problem)
    if problems:
        raise UserError(f"{len(problems)} problem(s) found", path=path)
    print(f"{path}: valid")


def data_sample(out: str, seed: int = 0) -> None:
    """Write small generated inputs for every importer (videos with transcripts and ages,
    CHAT files, a scene corpus with its lexicon, labelled images), to try the importers on.

    Args:
        out: Folder to create.
        seed: Seed of the generated scenes.
    """
    from devlearn.datasets.importers.common import check_target
    from devlearn.datasets.samples import write_sample_inputs

    print(f"wrote {write_sample_inputs(check_target(out), seed)}")


COMMANDS = {
    "import": {
        "video": import_video,
        "chat": import_chat,
        "scenes": import_scenes,
        "labeled-frames": import_labeled_frames,
    },
    "data": {"info": data_info, "validate": data_validate, "sample": data_sample},
}
