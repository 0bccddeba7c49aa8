"""A pytest plugin for `make test`: where the suite's time and memory go, per notebook and for the unit tests.

Load it with `-p curriculum.suite_report`. It

- gives each xdist worker (and the notebook kernels it starts) an equal share of the cores, so two workers on two
  cores run one torch thread each instead of contending for both;
- sums every test phase's seconds per notebook (kernel start-up included) and for the unit tests, samples the peak
  resident memory of each notebook's kernel, and keeps every notebook cell's time;
- ends the run with a table in seconds and step-units (`curriculum.reference_step`, measured after the tests, on an
  idle machine) and the slowest cells, and writes it all to `runs/suite_times.json`.

`--no-step-unit` skips the reference step (about 40 s on a slow 2-core CPU).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

UNIT_TESTS = "unit tests"
SLOWEST_CELLS = 12
SAMPLE_EVERY_S = 0.5  # the kernel's memory is sampled this often; a peak shorter than that can be missed
REPORT_PATH = Path("runs/suite_times.json")


def pytest_addoption(parser: pytest.Parser) -> None:
    """--no-step-unit: report seconds only."""
    parser.addoption("--no-step-unit", action="store_true", help="do not measure the reference step after the tests")


def pytest_configure(config: pytest.Config) -> None:
    """Give an xdist worker its share of the cores before any kernel starts; register the recorder."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        threads = max(1, (os.cpu_count() or 1) // int(workerinput["workercount"]))
        # Read by torch (and BLAS) at start-up in this worker and in every notebook kernel it launches.
        os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
    config.pluginmanager.register(SuiteRecorder(config), "suite_recorder")


def group_of(nodeid: str) -> str:
    """The notebook a test belongs to (its file name), or the unit tests."""
    path = nodeid.split("::", 1)[0]
    return Path(path).stem if path.endswith(".ipynb") else UNIT_TESTS


class KernelMemorySampler(threading.Thread):
    """Samples the summed RSS of this process's children (a notebook kernel and what it starts); keeps the peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._done.wait(SAMPLE_EVERY_S):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:  # the child ended between listing and reading
                    continue
            self.peak_bytes = max(self.peak_bytes, total)

    def stop(self) -> int:
        """Stop sampling; the peak in bytes."""
        self._done.set()
        self.join()
        return self.peak_bytes


class SuiteRecorder:
    """Collects phase durations, cell times and kernel peaks; prints the table at the end of the run."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.is_worker = hasattr(config, "workerinput")  # an xdist worker: its reports reach the controller anyway
        self.seconds: dict[str, float] = defaultdict(float)
        self.peaks: dict[str, int] = {}
        self.cells: list[tuple[float, str, str]] = []
        self.started = time.perf_counter()
        self._sampler: KernelMemorySampler | None = None
        self._sampled_group: str | None = None
        self._last_of_notebook = False

    # -- worker side (or the only process without xdist): sample each notebook kernel's memory
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        group = group_of(item.nodeid)
        if group != UNIT_TESTS and self._sampled_group != group:
            self._sampler, self._sampled_group = KernelMemorySampler(), group
            self._sampler.start()
        self._last_of_notebook = group != UNIT_TESTS and (nextitem is None or group_of(nextitem.nodeid) != group)
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if report.when == "call" and hasattr(item, "cell"):
            first_line = next((line for line in item.cell.source.splitlines() if line.strip()), "")
            report.user_properties.append(("cell_source", first_line[:70]))
        if report.when == "teardown" and self._sampler is not None and self._last_of_notebook:
            report.user_properties.append(("kernel_peak_bytes", self._sampler.stop()))
            self._sampler = None

    # -- controller side: every report arrives here (from xdist workers too)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        group = group_of(report.nodeid)
        self.seconds[group] += report.duration
        properties = dict(report.user_properties)
        if "kernel_peak_bytes" in properties:
            self.peaks[group] = max(self.peaks.get(group, 0), properties["kernel_peak_bytes"])
        if report.when == "call" and "cell_source" in properties:
            self.cells.append((report.duration, report.nodeid, properties["cell_source"]))

    def pytest_terminal_summary(self, terminalreporter, exitstatus: int, config: pytest.Config) -> None:
        if self.is_worker or not self.seconds:
            return
        wall = time.perf_counter() - self.started
        step = None
        if not config.getoption("no_step_unit") and any(group != UNIT_TESTS for group in self.seconds):
            from curriculum.reference_step import reference_step_seconds

            step = reference_step_seconds()
        write = terminalreporter.write_line
        terminalreporter.section("where the suite's time goes")
        unit = f"step-units (1 = {step:.2f} s, the reference step)" if step else "step-units not measured"

        def in_units(seconds: float) -> str:
            """Seconds as step-units, right-aligned; a dash when the step was not measured."""
            return f"{seconds / step:11.0f}" if step else f"{'-':>11s}"

        write(f"{'part':34s} {'seconds':>8s} {'step-units':>11s} {'kernel peak GiB':>16s}   [{unit}]")
        for group in sorted(self.seconds, key=lambda name: (name == UNIT_TESTS, name)):
            seconds = self.seconds[group]
            peak = f"{self.peaks[group] / 2**30:16.2f}" if group in self.peaks else f"{'-':>16s}"
            write(f"{group:34s} {seconds:8.0f} {in_units(seconds)} {peak}")
        total = sum(self.seconds.values())
        write(f"{'sum of test time':34s} {total:8.0f} {in_units(total)}")
        write(f"{'wall time of the run':34s} {wall:8.0f} {in_units(wall)}")
        write("slowest notebook cells:")
        for seconds, nodeid, source in sorted(self.cells, reverse=True)[:SLOWEST_CELLS]:
            write(f"  {seconds:6.0f} s  {nodeid.split('/')[-1]:44s} {source}")
        REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
        REPORT_PATH.write_text(json.dumps({
            "reference_step_s": step, "wall_s": wall, "seconds": self.seconds, "kernel_peak_bytes": self.peaks,
            "cells": [{"seconds": s, "cell": n, "source": src} for s, n, src in sorted(self.cells, reverse=True)],
        }, indent=1))
