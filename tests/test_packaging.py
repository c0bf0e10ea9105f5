"""The wheel holds devlearn and its three mapped sub-packages, and an installed copy imports."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PARTS = ("devlearn", "devlearn.environments", "devlearn.datasets", "devlearn.analysis")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
    )
    (found,) = out.glob("devlearn-*.whl")
    return found


def test_wheel_maps_the_folders_under_devlearn(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for part in PARTS:
        assert f"{part.replace('.', '/')}/__init__.py" in names
    top_level = {name.split("/")[0] for name in names if not name.startswith("devlearn-")}
    # A top-level `datasets` would shadow Hugging Face's package.
    assert top_level == {"devlearn"}
    # MJCF assets travel as package data.
    shipped_assets = {Path(name).name for name in names if "environments/assets/" in name}
    local_assets = {path.name for path in (REPO / "environments" / "assets").glob("*.xml")}
    assert local_assets <= shipped_assets


def test_installed_wheel_imports_all_parts(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import importlib, sys\n"
        f"for name in {PARTS!r}:\n"
        "    module = importlib.import_module(name)\n"
        "    print(name, module.__file__)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(PARTS)
    for line in lines:
        assert str(target) in line, line
