"""How a function's time grows with its input: a ratio, so the check holds on a fast or a slow, busy machine."""

from __future__ import annotations

import time
from collections.abc import Callable

REPEATS = 2  # the faster of two timings: a busy machine slows a run, never speeds it up


def growth(function: Callable[[object], object], small: object, large: object) -> float:
    """Seconds on `large` over seconds on `small`, each the faster of REPEATS runs."""

    def fastest(argument: object) -> float:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            function(argument)
            times.append(time.perf_counter() - start)
        return max(min(times), 1e-4)  # a floor, so a run too fast to time does not make the ratio explode

    return fastest(large) / fastest(small)
