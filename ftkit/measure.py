"""Wall time and peak memory around any block of code, on CPU (process RSS) or CUDA (allocator peak)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil
import torch

SAMPLE_INTERVAL_S = 0.02  # RSS sampling period on CPU: fine enough for steps that take ~1 s


@dataclass
class Measurement:
    """What a measured block cost: seconds, peak memory above the start (MiB), and tokens/s when tokens are given."""

    seconds: float = 0.0
    peak_memory_mib: float = 0.0
    tokens: int = 0
    device: str = "cpu"

    @property
    def tokens_per_s(self) -> float:
        """Throughput, 0 when no tokens were recorded."""
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


class _RssSampler(threading.Thread):
    """Background thread that records the highest resident set size of this process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(SAMPLE_INTERVAL_S):
            self.peak = max(self.peak, self.process.memory_info().rss)


@contextmanager
def measure(device: str | None = None) -> Iterator[Measurement]:
    """Measure a block: `with measure() as m: ...; m.tokens = n` then read m.seconds, m.peak_memory_mib, m.tokens_per_s."""
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    result = Measurement(device=device)
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        start_bytes = torch.cuda.memory_allocated()
    else:
        sampler = _RssSampler()
        start_bytes = sampler.peak
        sampler.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        if device == "cuda":
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated()
        else:
            sampler.stop_event.set()
            sampler.join()
            peak = max(sampler.peak, sampler.process.memory_info().rss)
        result.seconds = time.perf_counter() - start
        result.peak_memory_mib = (peak - start_bytes) / 2**20
