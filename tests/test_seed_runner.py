"""record() and the seed runner: a tiny notebook run per seed in a real kernel, the CSV, plot and metadata it leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from ftkit.results import RESULTS_ENV, Record, read_records, record
from ftkit.seed_runner import SeedRunError, run_seeds, seed_label, seed_table, summarize_seeds, sweep_points
from ftkit.stats import Estimate

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_notebook(folder: Path, name: str, *cells: str) -> Path:
    """A notebook of code cells, written with nbformat."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    path = folder / name
    nbformat.write(notebook, path)
    return path


def git(folder: Path, *args: str) -> str:
    """Run git in `folder` with a throwaway identity."""
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def test_record_without_the_runner_returns_the_value_and_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    estimate = Estimate(0.5, 0.25, 0.75, 20)
    assert record("accuracy", estimate) is estimate
    assert record("loss", 1.25) == 1.25
    assert list(tmp_path.iterdir()) == []


def test_record_appends_json_lines_that_read_records_returns(monkeypatch, tmp_path):
    path = tmp_path / "records.jsonl"
    monkeypatch.setenv(RESULTS_ENV, str(path))
    record("loss", np.float32(1.5))
    record("steps", np.int64(12))
    record("passed", True)
    record("accuracy", Estimate(0.5, 0.25, 0.75, 20, "wilson"))
    assert path.read_text().splitlines()[0] == '{"name": "loss", "value": 1.5}'
    assert read_records(path) == [
        Record("loss", 1.5),
        Record("steps", 12),
        Record("passed", 1),
        Record("accuracy", Estimate(0.5, 0.25, 0.75, 20, "wilson")),
    ]


@pytest.mark.parametrize(
    "name, value, error, message",
    [("loss", float("nan"), ValueError, "not finite"), ("loss", "1.5", TypeError, "got str"), ("", 1.0, ValueError, "non-empty")],
)
def test_record_rejects_bad_input_even_without_the_runner(monkeypatch, name, value, error, message):
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    with pytest.raises(error, match=message):
        record(name, value)


def test_read_records_names_file_line_and_field(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"name": "a", "value": 1}\n{"name": "b", "point": 0.5, "low": 0.1}\n')
    with pytest.raises(ValueError, match=r"records.jsonl:2: field 'high' is missing"):
        read_records(path)
    path.write_text('{"name": "a", "value": 1}\nnot json\n')
    with pytest.raises(ValueError, match=r"records.jsonl:2: not valid JSON"):
        read_records(path)


def test_run_seeds_writes_one_row_per_seed_with_interval_columns(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "value.txt").write_text("3.5")  # read through the kernel's cwd: it must be the notebook's folder
    notebook = write_notebook(
        folder,
        "07_echo.ipynb",
        'from ftkit.results import record; import os; record("seed_echo", int(os.environ["FTKIT_SEED"]) * 2)',
        "from ftkit.stats import Estimate\n"
        'seed = int(os.environ["FTKIT_SEED"])\n'
        'record("accuracy", Estimate(0.5 + seed / 10, 0.25, 0.75, 20))\n'
        'record("from_folder", float(open("value.txt").read()))',
    )
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "notebook")
    out = tmp_path / "results"

    table = run_seeds(notebook, [0, 1], out, timeout=60)

    csv_text = (out / "07_echo.csv").read_text()
    assert csv_text == (
        "seed,seed_echo,accuracy,accuracy_low,accuracy_high,from_folder\n"
        "0,0,0.5,0.25,0.75,3.5\n"
        "1,2,0.6,0.25,0.75,3.5\n"
    )
    assert table["seed_echo"].tolist() == [0, 2]
    assert (out / "07_echo.png").read_bytes()[:8] == PNG_MAGIC
    meta = json.loads((out / "07_echo.meta.json").read_text())
    assert meta["seeds"] == [0, 1]
    assert meta["commit"] == git(folder, "rev-parse", "--short", "HEAD")
    assert meta["uncommitted_changes"] is False
    assert meta["notebook"] == "07_echo.ipynb"
    assert meta["cpu"]


def test_run_seeds_reports_a_failing_seed_and_keeps_what_it_recorded(tmp_path):
    notebook = write_notebook(
        tmp_path,
        "08_fails.ipynb",
        'from ftkit.results import record; import os; seed = int(os.environ["FTKIT_SEED"]); record("before", seed + 0.5)',
        'assert seed != 3, "the lesson does not hold for seed 3"',
        'record("after", 1.0)',
    )
    with pytest.raises(SeedRunError, match=r"seeds \[3\] failed"):
        run_seeds(notebook, [3], tmp_path / "results", timeout=60)
    csv_text = (tmp_path / "results" / "08_fails.csv").read_text()
    assert csv_text == "seed,before,error\n3,3.5,AssertionError: the lesson does not hold for seed 3\n"


def test_run_seeds_rejects_repeated_seeds(tmp_path):
    notebook = write_notebook(tmp_path, "09_none.ipynb", "x = 1")
    with pytest.raises(ValueError, match="without repeats"):
        run_seeds(notebook, [0, 0], tmp_path / "results", timeout=60)


def test_summarize_seeds_flags_a_constant_column_as_seed_independent(tmp_path):
    path = tmp_path / "00_demo.csv"
    path.write_text("seed,probe,loss\n0,0.75,2.5\n1,0.75,2.25\n2,0.75,2.0\n")
    summary = summarize_seeds(path)
    assert summary.loc["probe"].tolist() == [3, 0.75, 0.75, 0.75, True]
    assert summary.loc["loss"].tolist() == [3, 2.0, 2.25, 2.5, False]
    assert list(summary.columns) == ["seeds", "min", "mean", "max", "seed_independent"]


def test_summarize_seeds_does_not_call_a_single_seed_independent(tmp_path):
    path = tmp_path / "00_demo.csv"
    path.write_text("seed,probe\n0,0.75\n")
    assert summarize_seeds(path).loc["probe", "seed_independent"] == False  # noqa: E712 (numpy bool)


def test_seed_table_is_captioned_with_seeds_commit_date_and_cpu(tmp_path):
    (tmp_path / "00_demo.csv").write_text("seed,probe\n0,0.75\n1,0.75\n")
    meta = {"seeds": [0, 1], "commit": "abc1234", "uncommitted_changes": True, "date": "2030-01-02T03:04:05+00:00", "cpu": "Some CPU"}
    (tmp_path / "00_demo.meta.json").write_text(json.dumps(meta))
    label = "00_demo.csv: seeds 0 1, commit abc1234 + uncommitted changes, 2030-01-02, Some CPU"
    assert seed_label("00_demo", tmp_path) == label
    table = seed_table("00_demo", tmp_path)
    assert table.caption == label
    assert label in table.to_html()
    assert table.data.loc["probe"].tolist() == [2, 0.75, 0.75, 0.75, True]


def test_seed_table_says_how_to_make_a_missing_table(tmp_path):
    with pytest.raises(FileNotFoundError, match="make seeds NB=03"):
        seed_table("03_compute_cost_qlora", tmp_path)


def test_seed_runner_does_not_import_torch():
    code = "import sys, ftkit.seed_runner, ftkit.results, ftkit.stats; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_sweep_points_reads_one_row_per_family_and_setting(tmp_path):
    csv = tmp_path / "sweep.csv"
    csv.write_text("seed,rise,L1 | 0.01 | best loss,L1 | 0.01 | best loss_low,L1 | 0.01 | best loss_high,L1 | 0.01 | jump\n"
                   "0,0.5,2.5,2.25,2.75,-0.3\n")
    table = sweep_points(csv)
    assert list(table.index) == [("L1", 0.01)]
    assert table.loc[("L1", 0.01), "best loss"] == "2.50 [2.25, 2.75]" and table.loc[("L1", 0.01), "jump"] == -0.3
