"""`devlearn development show` and `curves`: files written, user mistakes reported."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from devlearn.cli import main
from devlearn.development import commands
from devlearn.development.plots import CURVE_FILES, sample_scene
from devlearn.errors import UserError


@pytest.fixture
def picture(tmp_path):
    rng = np.random.default_rng(0)
    pixels = (rng.random((60, 80, 3)) * 255).astype(np.uint8)
    path = tmp_path / "frame.png"
    Image.fromarray(pixels).save(path)
    return path


def test_show_writes_a_labelled_grid(picture, tmp_path, capsys):
    out = tmp_path / "grid.png"
    commands.show(image=str(picture), ages="1,6,24", fov=30.0, out=str(out))
    with Image.open(out) as grid:
        width, height = grid.size
    assert width > 3 * height  # adult + three ages side by side
    assert str(out) in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_show_from_the_cli_with_the_sample_scene(tmp_path):
    out = tmp_path / "scene.png"
    assert main(["development", "show", "--ages", "0.5,12", "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000


def test_sample_scene_has_colour_and_detail():
    scene = sample_scene(128)
    assert scene.shape == (128, 128, 3) and scene.min() >= 0 and scene.max() <= 1
    assert scene[..., 0].std() > 0.1 and np.abs(scene[..., 0] - scene[..., 2]).max() > 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": "missing.png"}, "missing.png: no such image file"),
        ({"ages": "1,x"}, "--ages"),
        ({"ages": "60"}, "age_months=60.0"),
        ({"ages": ""}, "at least one age"),
        ({"fov": 0.0}, "--fov 0.0"),
    ],
)
def test_show_reports_user_mistakes(kwargs, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match=message):
        commands.show(**kwargs)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_image_is_a_user_error(tmp_path, capsys):
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    assert main(["development", "show", "--image", str(bad), "--out", str(tmp_path / "g.png")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"devlearn: error: {bad}: cannot read the image")
    assert "\n" not in error


def test_curves_writes_every_plot(tmp_path):
    commands.curves(out=str(tmp_path / "curves"), sex="male")
    for name in CURVE_FILES:
        with Image.open(tmp_path / "curves" / name) as plot:
            assert plot.format == "PNG" and plot.size[0] > 400
    with pytest.raises(UserError, match="--sex"):
        commands.curves(out=str(tmp_path / "x"), sex="boy")
