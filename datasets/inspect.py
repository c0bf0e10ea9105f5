"""`devlearn data info`: what a dataset holds, in numbers."""

from __future__ import annotations

from typing import Any

import polars as pl

from devlearn import days_to_months
from devlearn.datasets.reader import Dataset


def dataset_summary(ds: Dataset, top: int = 20) -> dict[str, Any]:
    """Hours, children, age range, sessions, frames, utterances, tokens and vocabulary."""
    sessions = ds.sessions.collect()
    words = ds.words.select("word").collect()["word"]
    counts = words.value_counts().sort(["count", "word"], descending=[True, False])
    ages = sessions["age_days"]
    return {
        "path": str(ds.path),
        "source": ds.meta.get("source"),
        "hours": float(sessions["duration_s"].sum() or 0.0) / 3600,
        "children": sessions["child_id"].n_unique(),
        "child_ids": sorted(sessions["child_id"].unique().to_list()),
        "age_months": None
        if ages.is_empty()
        else (days_to_months(ages.min()), days_to_months(ages.max())),
        "sessions": sessions.height,
        "splits": dict(sessions.group_by("split").len().sort("split").iter_rows()),
        "frames": int(sessions["n_frames"].sum() or 0),
        "sessions_with_audio": int(sessions["has_audio"].sum() or 0),
        "utterances": ds.utterances.select(pl.len()).collect().item(),
        "tokens": len(words),
        "vocabulary": words.n_unique(),
        "top_words": [(w, n) for w, n in counts.head(top).iter_rows()],
        "skipped": len(ds.meta.get("provenance", {}).get("skipped", [])),
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as aligned lines of text."""
    ages = summary["age_months"]
    children = ", ".join(summary["child_ids"][:10]) + (" ..." if summary["children"] > 10 else "")
    rows = [
        ("dataset", f"{summary['path']} ({summary['source']})"),
        ("hours", f"{summary['hours']:.2f} ({summary['hours'] * 60:.1f} minutes)"),
        ("children", f"{summary['children']} ({children})"),
        ("age range", "-" if ages is None else f"{ages[0]:.1f} to {ages[1]:.1f} months"),
        ("sessions", f"{summary['sessions']} " + str({k: v for k, v in summary["splits"].items()})),
        ("frames", f"{summary['frames']:,}"),
        ("with audio", f"{summary['sessions_with_audio']} sessions"),
        ("utterances", f"{summary['utterances']:,}"),
        ("tokens", f"{summary['tokens']:,}"),
        ("vocabulary", f"{summary['vocabulary']:,} word types"),
        ("skipped files", str(summary["skipped"])),
    ]
    lines = [f"{name:<14}{value}" for name, value in rows]
    if summary["top_words"]:
        words = ", ".join(f"{w} ({n})" for w, n in summary["top_words"])
        lines.append(f"{'top words':<14}{words}")
    return "\n".join(lines)
