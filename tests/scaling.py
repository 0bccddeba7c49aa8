"""How a function's time grows with its input: a ratio, so the check holds on a fast or a slow, busy machine."""

from __future__ import annotations

import time
from collections.abc import Callable

REPEATS = 3  # the fastest of three timings: a busy machine slows a run, never speeds it up
# A floor on each timing: jitter of a few milliseconds on a fast call must not read as growth. A quadratic pattern
# takes far longer than this on the smaller input already.
FLOOR_S = 0.02


def growth(function: Callable[[object], object], small: object, large: object) -> float:
    """Seconds on `large` over seconds on `small`, each the fastest of REPEATS runs (at least FLOOR_S)."""

    def fastest(argument: object) -> float:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            function(argument)
            times.append(time.perf_counter() - start)
        return max(min(times), FLOOR_S)

    return fastest(large) / fastest(small)
