"""The `devlearn` command line.

Each area of the project exposes a ``COMMANDS`` dict of plain, typed functions (nested dicts
are sub-command groups); jsonargparse turns their signatures and docstrings into sub-commands,
so every option can also come from a YAML file given with ``--config`` (same schema). A
`UserError` is printed as one line and exits with status 2.
"""

from __future__ import annotations

import importlib
import os
import sys
import typing
from typing import Any

from devlearn.errors import UserError

# Modules that contribute commands, in help order.
COMMAND_MODULES = (
    "devlearn.datasets.commands",
    "devlearn.development.commands",
    "devlearn.environments.commands",
    "devlearn.training.commands",
)


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for name, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value)
        else:
            into[name] = value


def command_tree() -> dict[str, Any]:
    """All sub-commands, as jsonargparse's nested dict of functions."""
    tree: dict[str, Any] = {}
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if not (module_name == missing or module_name.startswith(missing + ".")):
                raise  # a real missing dependency: say so
            continue
        _merge(tree, module.COMMANDS)
    return tree


def choose_gl_backend() -> None:
    """Pick headless EGL for MuJoCo when no GL backend was chosen and there is no display."""
    if "MUJOCO_GL" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["MUJOCO_GL"] = "egl"
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")


def normalise_option_names(argv: list[str]) -> list[str]:
    """Accept ``--hours-per-age`` as well as ``--hours_per_age`` (parameter names use ``_``)."""
    normalised = []
    for token in argv:
        if token.startswith("--") and len(token) > 2:
            name, sep, value = token[2:].partition("=")
            token = "--" + name.replace("-", "_") + sep + value
        normalised.append(token)
    return normalised


def _boolean_options(tree: dict[str, Any], argv: list[str]) -> set[str]:
    """Names of the boolean parameters of the sub-command that `argv` selects."""
    node: Any = tree
    for token in argv:
        if not isinstance(node, dict):
            break
        if token in node:
            node = node[token]
    if not callable(node):
        return set()
    try:
        hints = typing.get_type_hints(node)
    except Exception:  # unresolvable annotations: leave the arguments as they are
        return set()
    return {name for name, hint in hints.items() if hint is bool}


def allow_bare_flags(tree: dict[str, Any], argv: list[str]) -> list[str]:
    """Let ``--preview`` mean ``--preview=true`` for a boolean option (jsonargparse wants one)."""
    flags = _boolean_options(tree, argv)
    result = []
    for position, token in enumerate(argv):
        following = argv[position + 1] if position + 1 < len(argv) else None
        takes_value = following is not None and following.lower() in ("true", "false")
        if token.startswith("--") and token[2:] in flags and not takes_value:
            token += "=true"
        result.append(token)
    return result


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `devlearn` script."""
    from jsonargparse import CLI

    choose_gl_backend()
    args = normalise_option_names(sys.argv[1:] if argv is None else list(argv))
    tree = command_tree()
    args = allow_bare_flags(tree, args)
    try:
        CLI(tree, args=args, prog="devlearn", as_positional=True)
    except UserError as error:
        print(f"devlearn: error: {error.one_line()}", file=sys.stderr)
        return 2
    except OSError as error:  # a file the user named cannot be read or written
        where = f"{error.filename}: " if error.filename else ""
        print(f"devlearn: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("devlearn: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
