"""Wall time and peak memory around any block of code, on CPU (process peak RSS) or CUDA (allocator peak).

On CPU the figure is the resident set of the whole process (model, optimizer state, activations, Python, every
library), not of the block's own objects. On Linux the kernel keeps the process's peak RSS (VmHWM): the block resets
it at its start (writing "5" to /proc/self/clear_refs) and reads it at its end, so no allocation is missed however
short. Where that file is missing or not writable, a thread samples the RSS every `SAMPLE_INTERVAL_S` instead, and
can miss a peak shorter than that. `Measurement.memory_method` says which was used.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import torch

SAMPLE_INTERVAL_S = 0.02  # RSS sampling period of the fallback: fine enough for steps that take ~1 s
CLEAR_REFS = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")
KERNEL_PEAK = "kernel peak RSS (VmHWM)"
SAMPLED_PEAK = f"sampled RSS every {SAMPLE_INTERVAL_S} s"
CUDA_PEAK = "CUDA allocator peak"


@dataclass
class Measurement:
    """What a measured block cost: seconds, memory (MiB) and tokens/s when tokens are given.

    `peak_memory_mib` is the peak during the block above the memory in use at its start; `peak_total_mib` is the peak
    itself. On CPU both are the whole process's resident set (everything the process holds, not only the block's
    objects); on CUDA, the tensors of PyTorch's allocator on the current device.
    """

    seconds: float = 0.0
    peak_memory_mib: float = 0.0
    peak_total_mib: float = 0.0
    tokens: int = 0
    device: str = "cpu"
    memory_method: str = ""

    @property
    def tokens_per_s(self) -> float:
        """Throughput, 0 when no tokens were recorded."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


def _status_bytes(name: str) -> int:
    """A memory line of /proc/self/status (VmHWM, VmRSS), in bytes."""
    match = re.search(rf"^{name}:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
    if match is None:
        raise OSError(f"{STATUS} has no {name} line")
    return int(match.group(1)) * 1024


class _KernelPeak:
    """The process's peak RSS as the kernel counts it, reset at the start of the block."""

    # Blocks measured around this one: resetting the kernel's counter would erase their peak so far, so it is
    # handed to them first (measure() calls may nest, e.g. a training run inside a measured notebook section).
    _open: list[_KernelPeak] = []

    def __init__(self) -> None:
        self.start_bytes = _status_bytes("VmRSS")
        self.carried = 0  # peak of the block before an inner block reset the counter
        for outer in _KernelPeak._open:
            outer.carried = max(outer.carried, _status_bytes("VmHWM"))
        CLEAR_REFS.write_text("5")  # "5" resets VmHWM to the current RSS (Linux >= 4.0, proc(5))
        _KernelPeak._open.append(self)

    def stop(self) -> int:
        """The peak RSS in bytes since the start."""
        _KernelPeak._open.remove(self)
        return max(self.carried, _status_bytes("VmHWM"))


class _RssSampler(threading.Thread):
    """Background thread that records the highest resident set size of this process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process()
        self.start_bytes = self.peak = self.process.memory_info().rss
        self.stop_event = threading.Event()
        self.start()

    def run(self) -> None:
        while not self.stop_event.wait(SAMPLE_INTERVAL_S):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self) -> int:
        """The highest RSS in bytes seen since the start."""
        self.stop_event.set()
        self.join()
        return max(self.peak, self.process.memory_info().rss)


def _cpu_peak_tracker() -> _KernelPeak | _RssSampler:
    """The kernel's peak counter where it can be reset, else the sampling thread."""
    try:
        return _KernelPeak()
    except OSError:  # not Linux, /proc not mounted, or clear_refs not writable
        return _RssSampler()


@contextmanager
def measure(device: str | None = None) -> Iterator[Measurement]:
    """Measure a block: `with measure() as m: ...; m.tokens = n` then read m.seconds, m.peak_memory_mib, m.tokens_per_s."""
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    result = Measurement(device=device)
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        start_bytes = torch.cuda.memory_allocated()
        result.memory_method = CUDA_PEAK
    else:
        tracker = _cpu_peak_tracker()
        start_bytes = tracker.start_bytes
        result.memory_method = KERNEL_PEAK if isinstance(tracker, _KernelPeak) else SAMPLED_PEAK
    start = time.perf_counter()
    try:
        yield result
    finally:
        if device == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated()
        else:
            peak = tracker.stop()
        result.seconds = time.perf_counter() - start
        result.peak_total_mib = peak / 2**20
        result.peak_memory_mib = (peak - start_bytes) / 2**20
