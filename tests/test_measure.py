"""measure(): wall time and peak memory of a block."""

from __future__ import annotations

import mmap
import time

import numpy as np
import pytest

import ftkit.measure
from ftkit.measure import KERNEL_PEAK, SAMPLED_PEAK, measure

MIB = 2**20
kernel_peak_available = pytest.mark.skipif(
    not ftkit.measure.CLEAR_REFS.exists(), reason="needs Linux /proc/self/clear_refs"
)


def _touch_fresh_block(mib: int) -> None:
    """Map `mib` MiB of fresh anonymous memory, write every page so it is resident, and unmap it at once (no hold).

    A mapping of its own, not malloc: an allocator may serve a block from pages it already holds, which would never
    raise the resident size (a fresh-clone run once measured 0 MiB for the 50 MiB block that way).
    """
    with mmap.mmap(-1, mib * MIB) as block:
        for offset in range(0, mib * MIB, mmap.PAGESIZE):
            block[offset] = 1


@kernel_peak_available
def test_kernel_peak_sees_a_freed_200_mib_block_without_holding_it():
    with measure("cpu") as cost:
        _touch_fresh_block(200)
    assert cost.memory_method == KERNEL_PEAK
    assert cost.peak_memory_mib >= 190
    assert cost.peak_total_mib >= cost.peak_memory_mib + 10  # the absolute peak includes the interpreter itself


@kernel_peak_available
def test_kernel_peak_forgets_a_larger_block_freed_before_the_start():
    _touch_fresh_block(300)  # raises the process's lifetime peak; measure() must reset it
    with measure("cpu") as cost:
        _touch_fresh_block(50)
    assert 45 <= cost.peak_memory_mib < 150


@kernel_peak_available
def test_outer_block_keeps_its_peak_when_an_inner_block_resets_the_counter():
    with measure("cpu") as outer:
        _touch_fresh_block(200)
        with measure("cpu") as inner:
            time.sleep(0.01)
    assert outer.peak_memory_mib >= 190
    assert inner.peak_memory_mib < 50


def test_sampling_thread_is_used_and_named_where_clear_refs_is_unavailable(monkeypatch, tmp_path):
    monkeypatch.setattr(ftkit.measure, "CLEAR_REFS", tmp_path / "missing" / "clear_refs")
    with measure("cpu") as cost:
        block = np.empty(200 * MIB, dtype=np.uint8)
        block.fill(1)
        time.sleep(0.5)  # the sampler needs the block held across several of its intervals
        del block
    assert cost.memory_method == SAMPLED_PEAK
    assert cost.seconds >= 0.5
    assert 150 < cost.peak_memory_mib < 400


def test_tokens_per_second_from_recorded_tokens():
    with measure("cpu") as cost:
        time.sleep(0.05)
    cost.tokens = 100
    assert 0 < cost.tokens_per_s <= 100 / 0.05
