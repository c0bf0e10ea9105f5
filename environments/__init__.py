"""devlearn.environments: the simulated infant in a MuJoCo home, and its gymnasium environment.

Importing this package picks headless EGL rendering when no GL backend was chosen and there is
no display (it must happen before MuJoCo is imported) and registers the gymnasium
environments; MuJoCo itself is imported only where a world is built.
"""

from __future__ import annotations

import os


def choose_gl_backend() -> None:
    """Use EGL for MuJoCo's offscreen rendering unless a backend or a display is set."""
    if "MUJOCO_GL" not in os.environ and not os.environ.get("DISPLAY"):
        os.environ["MUJOCO_GL"] = "egl"
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        # Software GL renders small frames fastest on the calling thread; worker processes
        # then use the cores instead of competing render threads.
        os.environ.setdefault("LP_NUM_THREADS", "0")


choose_gl_backend()


def _register_envs() -> None:
    try:
        import gymnasium
    except ImportError:  # gymnasium is a dependency; stay importable without it anyway
        return
    from devlearn.environments.gym_env import ENV_IDS

    for env_id, kwargs in ENV_IDS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(
                env_id, entry_point="devlearn.environments.gym_env:InfantEnv", kwargs=kwargs
            )


_register_envs()
