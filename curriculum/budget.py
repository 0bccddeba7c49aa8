"""How much each profile trains: the notebooks' step counts are written for the cpu profile and scaled here."""

from __future__ import annotations

from ftkit.env import Profile

# The gpu profile trains twice as long: the same lesson with a clearer effect, in about the same minutes.
STEP_SCALE = {"cpu": 1.0, "gpu": 2.0}


def step_scale(profile: Profile) -> float:
    """The factor a notebook multiplies its cpu step counts by in this profile."""
    return STEP_SCALE[profile.name]
