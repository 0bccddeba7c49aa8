"""Run a notebook headless once per seed, collect what it record()s, and write a per-seed table, a plot and metadata."""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ftkit.results import RESULTS_ENV, Record, read_records
from ftkit.stats import Estimate

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

log = logging.getLogger(__name__)

SEED_ENV = "FTKIT_SEED"
# The venv's own kernel: jupyter_client starts the "python3" kernelspec with the interpreter running this module.
KERNEL_NAME = "python3"
# Columns the table adds itself; a recorded name may not take them.
RESERVED_COLUMNS = ("seed", "error")


class SeedRunError(RuntimeError):
    """One or more seeds did not run to the end (a cell raised, e.g. a check cell's assert)."""


def _run_once(notebook: Path, seed: int, timeout: int) -> tuple[list[Record], Exception | None]:
    """Execute the notebook once with FTKIT_SEED=seed (cwd = its folder): what it recorded, and the error if a cell failed."""
    import nbclient  # deferred: only the runner needs Jupyter
    import nbformat
    import zmq
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory(prefix="ftkit-seed-") as scratch:
        results_path = Path(scratch) / "records.jsonl"
        results_path.touch()
        env = {**os.environ, SEED_ENV: str(seed), RESULTS_ENV: str(results_path)}
        client = nbclient.NotebookClient(
            nb,
            timeout=timeout,  # per cell
            kernel_name=KERNEL_NAME,
            resources={"metadata": {"path": str(notebook.parent)}},  # the kernel's cwd, as when opened in Jupyter
        )
        # Curve-encrypted kernel channels where pyzmq has them (ipykernel warns on every start otherwise).
        encryption = "auto" if zmq.has("curve") else "disabled"
        try:
            client.execute(env=env, transport_encryption=encryption)
            error = None
        # A failing cell (a check's assert), a timeout or a killed kernel fails this seed; the others still run.
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as failure:
            error = failure
        # What was recorded before a failure is kept: it shows how far the run got.
        return read_records(results_path), error


def _row_for(records: list[Record], notebook: Path, seed: int) -> dict[str, float | int]:
    """One table row: the point value of every record, plus `<name>_low`/`<name>_high` for Estimates."""
    row: dict[str, float | int] = {}
    for item in records:
        columns = [item.name]
        if isinstance(item.value, Estimate):
            columns += [f"{item.name}_low", f"{item.name}_high"]
        taken = [column for column in columns if column in row or column in RESERVED_COLUMNS]
        if taken:
            raise ValueError(
                f"{notebook} (seed {seed}): record {item.name!r} would write column {taken[0]!r} twice; "
                "record each quantity once under its own name"
            )
        if isinstance(item.value, Estimate):
            row.update({item.name: item.value.point, columns[1]: item.value.low, columns[2]: item.value.high})
        else:
            row[item.name] = item.value
    return row


def _git_commit(folder: Path) -> tuple[str | None, bool | None]:
    """The short commit of the repository holding `folder` and whether tracked files differ from it (None outside git)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None, None
    return commit, bool(changes)


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _metadata(notebook: Path, seeds: Sequence[int], timeout: int, seconds: dict[int, float]) -> dict:
    """Where and when the table was made: commit, date, CPU, seeds, seconds per seed."""
    commit, uncommitted_changes = _git_commit(notebook.parent)
    return {
        "notebook": notebook.name,
        "seeds": list(seeds),
        "commit": commit,
        "uncommitted_changes": uncommitted_changes,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "cell_timeout_s": timeout,
        "seconds_per_seed": {str(seed): round(value, 1) for seed, value in seconds.items()},
    }


def _quantities(table: pd.DataFrame) -> list[str]:
    """The recorded names in a per-seed table: not seed/error, not the _low/_high columns of an Estimate."""
    names = [column for column in table.columns if column not in RESERVED_COLUMNS]
    bounds = {f"{name}_{end}" for name in names if {f"{name}_low", f"{name}_high"} <= set(names) for end in ("low", "high")}
    return [name for name in names if name not in bounds]


def plot_seed_bands(table: pd.DataFrame, path: Path, title: str) -> None:
    """One panel per recorded quantity: its value for each seed, with the interval as bars where there is one."""
    from matplotlib.figure import Figure  # deferred, and no pyplot: the runner needs no display or global state

    names = _quantities(table)
    columns = min(3, max(len(names), 1))
    rows = max(math.ceil(len(names) / columns), 1)
    figure = Figure(figsize=(4.2 * columns, 2.8 * rows + 0.6), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    handles = {}
    for ax, name in zip(axes, names):
        seeds, values = table["seed"], table[name]
        if f"{name}_low" in table and f"{name}_high" in table:
            below = (values - table[f"{name}_low"]).clip(lower=0)
            above = (table[f"{name}_high"] - values).clip(lower=0)
            handles["value and interval"] = ax.errorbar(seeds, values, yerr=[below, above], fmt="o", capsize=4, color="C0")
        else:
            handles["value"] = ax.plot(seeds, values, "o", color="C0")[0]
        handles["mean over seeds"] = ax.axhline(values.mean(), color="grey", linestyle="--", linewidth=1)
        if len(table) > 1 and values.nunique(dropna=False) == 1:
            ax.set_title("the same for every seed", fontsize=8)  # a title, not a note in the panel: clear of data
        ax.set_xticks(list(seeds))
        ax.set_xlabel("seed")
        ax.set_ylabel(name)
    for ax in axes[len(names):]:
        ax.set_axis_off()
    figure.suptitle(title, fontsize=11)
    # One legend for all panels, outside them, so it never covers a point.
    figure.legend(list(handles.values()), list(handles), loc="outside lower center", ncols=len(handles), fontsize=8)
    figure.savefig(path, dpi=100)


def _error_summary(error: Exception) -> str:
    """One line for the table: `AssertionError: <the check's message>` for a failed cell, else the error's first line."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(error).__name__}: {error}"
    return text.strip().splitlines()[0]


def run_seeds(notebook: Path, seeds: Sequence[int], out_dir: Path, timeout: int) -> pd.DataFrame:
    """Execute `notebook` once per seed; write <out_dir>/<stem>.csv, .png and .meta.json; return the per-seed table."""
    import pandas as pd

    notebook = Path(notebook).resolve()
    out_dir = Path(out_dir)
    if not notebook.is_file():
        raise FileNotFoundError(f"no notebook at {notebook}")
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be a non-empty list without repeats, got {list(seeds)}")
    rows, seconds, failures = [], {}, {}
    for seed in seeds:
        started = time.perf_counter()
        log.info("%s: seed %d ...", notebook.name, seed)
        records, error = _run_once(notebook, seed, timeout)
        row = _row_for(records, notebook, seed)
        if error is not None:
            failures[seed] = str(error)
            row["error"] = _error_summary(error)
        seconds[seed] = time.perf_counter() - started
        log.info("%s: seed %d %s in %.0f s", notebook.name, seed, "FAILED" if error else "done", seconds[seed])
        rows.append({"seed": seed, **row})
    table = pd.DataFrame(rows)
    if "error" in table:  # only present when a seed failed, so a clean table has just seed + recorded columns
        table = table[[column for column in table.columns if column != "error"] + ["error"]]
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = notebook.stem
    metadata = _metadata(notebook, seeds, timeout, seconds)
    table.to_csv(out_dir / f"{stem}.csv", index=False)
    (out_dir / f"{stem}.meta.json").write_text(json.dumps(metadata, indent=1) + "\n")
    plot_seed_bands(table, out_dir / f"{stem}.png", f"{notebook.name}: {len(seeds)} seeds, {_commit_label(metadata)}")
    if failures:
        details = "\n\n".join(f"seed {seed}:\n{text}" for seed, text in failures.items())
        raise SeedRunError(f"{notebook.name}: seeds {sorted(failures)} failed (tables written to {out_dir})\n{details}")
    return table


def sweep_points(csv_path: str | Path) -> pd.DataFrame:
    """A recorded sweep (columns `<family> | <setting> | <quantity>`, first row) as one row per (family, setting).

    A quantity recorded with an interval is shown as `point [low, high]`.
    """
    import pandas as pd  # deferred: the runner itself needs no pandas

    recorded = pd.read_csv(csv_path).iloc[0]
    rows: dict[tuple[str, float], dict] = {}
    for column in recorded.index:
        if column.count(" | ") != 2 or column.endswith(("_low", "_high")):
            continue
        family, setting, quantity = column.split(" | ")
        value = recorded[column]
        if f"{column}_low" in recorded.index:
            value = f"{value:.2f} [{recorded[column + '_low']:.2f}, {recorded[column + '_high']:.2f}]"
        rows.setdefault((family, float(setting)), {})[quantity] = value
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["family", "setting"]).sort_index()


def summarize_seeds(csv_path: str | Path) -> pd.DataFrame:
    """Per numeric column of a per-seed table: seeds, min, mean, max, and whether every seed gave the same value."""
    import pandas as pd

    table = pd.read_csv(csv_path)
    if "seed" not in table:
        raise ValueError(f"{csv_path}: column 'seed' is missing (not a table written by run_seeds)")
    values = table.drop(columns=["seed"]).select_dtypes("number")
    summary = pd.DataFrame(
        {
            "seeds": values.count(),
            "min": values.min(),
            "mean": values.mean(),
            "max": values.max(),
            # Identical means bitwise-equal values, read back from the CSV; one seed cannot show independence.
            "seed_independent": [
                len(table) >= 2 and values[column].notna().all() and values[column].nunique() == 1 for column in values
            ],
        }
    )
    summary.index.name = "quantity"
    return summary


def _commit_label(metadata: dict) -> str:
    """`commit abc1234` (with a note when the tree had uncommitted changes), or `no git commit`."""
    if not metadata.get("commit"):
        return "no git commit"
    return f"commit {metadata['commit']}" + (" + uncommitted changes" if metadata.get("uncommitted_changes") else "")


def seed_label(stem: str, results_dir: str | Path) -> str:
    """Where results/<stem>.csv came from: `<stem>.csv: seeds 0 1 2 3 4, commit abc1234, 2030-01-02, <CPU>`."""
    meta_path = Path(results_dir) / f"{stem}.meta.json"
    metadata = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    seeds = " ".join(map(str, metadata.get("seeds", []))) or "unknown"
    date = metadata.get("date", "date unknown")[:10]  # the day is enough to place a table
    return f"{stem}.csv: seeds {seeds}, {_commit_label(metadata)}, {date}, {metadata.get('cpu', 'CPU unknown')}"


def seed_table(stem: str, results_dir: str | Path, digits: int = 2) -> Styler:
    """summarize_seeds of results/<stem>.csv for display, captioned with seed_label (the numbers are in `.data`)."""
    csv_path = Path(results_dir) / f"{stem}.csv"
    if not csv_path.is_file():
        raise FileNotFoundError(f"{csv_path} does not exist: run `make seeds NB={stem[:2]}` to write it")
    summary = summarize_seeds(csv_path)
    # A pandas Styler: the caption travels with the table into the notebook's HTML output.
    styler = summary.style.set_caption(seed_label(stem, results_dir)).format(precision=digits)
    return styler.set_uuid(f"seeds-{stem}")  # a fixed id: re-running the notebook leaves its HTML unchanged


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: python -m ftkit.seed_runner NOTEBOOK --seeds 0 1 2 3 4 --out results [--timeout 1800]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebook", type=Path, help="the notebook to execute")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="FTKIT_SEED values, one run each")
    parser.add_argument("--out", type=Path, default=Path("results"), help="folder for <stem>.csv, .png, .meta.json")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a single cell may run")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s")  # warnings from the libraries; progress from this module only
    log.setLevel(logging.INFO)
    try:
        table = run_seeds(args.notebook, args.seeds, args.out, args.timeout)
    except SeedRunError as error:
        print(error, file=sys.stderr)
        return 1
    print(table.to_string(index=False))
    print(summarize_seeds(args.out / f"{args.notebook.stem}.csv").to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
