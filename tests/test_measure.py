"""measure(): wall time and peak memory of a block."""

from __future__ import annotations

import time

import numpy as np

from ftkit.measure import measure


def test_measure_sees_time_and_a_temporary_allocation():
    with measure("cpu") as cost:
        block = np.ones(200 * 2**20 // 8)  # 200 MiB, touched so it is resident
        time.sleep(0.5)  # several sampling intervals: a sampler thread on a busy 2-core machine can miss a short hold
        del block
    assert cost.seconds >= 0.5
    assert 150 < cost.peak_memory_mib < 400


def test_tokens_per_second_from_recorded_tokens():
    with measure("cpu") as cost:
        time.sleep(0.05)
    cost.tokens = 100
    assert 0 < cost.tokens_per_s <= 100 / 0.05
