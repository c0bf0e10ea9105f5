"""The CLI shell: option spelling, GL backend choice, one-line errors, YAML configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from devlearn import cli
from devlearn.errors import UserError


def echo(path: str, hours_per_age: float = 1.0, seed: int = 0, preview: bool = False) -> None:
    """Print the options, or fail like a user's mistake.

    Args:
        path: a file; "bad" raises a UserError.
        hours_per_age: hours of experience per age.
        seed: random seed.
        preview: say so.
    """
    if path == "missing":
        open("no/such/folder/file.txt")  # noqa: SIM115 - an OSError like a user's bad path
    if path == "bad":
        raise UserError("cannot read\nthis file", path="clip.mp4", line=7)
    print(f"path={path} hours={hours_per_age} seed={seed}" + (" preview" if preview else ""))


@pytest.fixture
def tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "command_tree", lambda: {"group": {"echo": echo}})


def test_dashed_and_underscored_options_are_the_same(tree: None, capsys) -> None:
    assert cli.main(["group", "echo", "x", "--hours-per-age", "2.5", "--seed=3"]) == 0
    assert cli.main(["group", "echo", "x", "--hours_per_age", "2.5", "--seed", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["path=x hours=2.5 seed=3"] * 2


def test_yaml_config_has_the_cli_schema(tree: None, tmp_path: Path, capsys) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("hours_per_age: 0.25\nseed: 9\n")
    assert cli.main(["group", "echo", "x", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == "path=x hours=0.25 seed=9"


def test_user_error_is_one_line_naming_file_and_line(tree: None, capsys) -> None:
    assert cli.main(["group", "echo", "bad"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["devlearn: error: clip.mp4:7: cannot read this file"]


def test_egl_is_chosen_without_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUJOCO_GL", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    cli.choose_gl_backend()
    import os

    assert os.environ["MUJOCO_GL"] == "egl"
    monkeypatch.setenv("MUJOCO_GL", "osmesa")
    cli.choose_gl_backend()
    assert os.environ["MUJOCO_GL"] == "osmesa"


def test_every_real_command_has_help(capsys) -> None:
    tree = cli.command_tree()

    def leaves(node: dict, prefix: list[str]):
        for name, value in node.items():
            if isinstance(value, dict):
                yield from leaves(value, prefix + [name])
            else:
                yield prefix + [name]

    for path in leaves(tree, []):
        with pytest.raises(SystemExit) as done:
            cli.main(path + ["--help"])
        assert done.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_boolean_options_work_as_bare_flags(tree: None, capsys) -> None:
    assert cli.main(["group", "echo", "x", "--preview"]) == 0
    assert cli.main(["group", "echo", "x", "--preview", "--seed", "2"]) == 0
    assert cli.main(["group", "echo", "x", "--preview", "false"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "path=x hours=1.0 seed=0 preview",
        "path=x hours=1.0 seed=2 preview",
        "path=x hours=1.0 seed=0",
    ]


def test_os_errors_are_one_line(tree: None, capsys) -> None:
    assert cli.main(["group", "echo", "missing"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["devlearn: error: no/such/folder/file.txt: No such file or directory"]
