"""`ftkit audit` as a user runs it: through a subprocess (python -m ftkit), with its exit status and its files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

ROWS = [
    {"instruction": "Add 2 and 2.", "input": "", "output": "4"},
    {"instruction": "Convert -2 °C to Fahrenheit.", "input": "", "output": "28.4 °F"},
    {"instruction": "Convert 2 °C to Fahrenheit.", "input": "", "output": "35.6 °F"},
    {"instruction": "Add 2 and 2.", "input": "", "output": "4"},
    {"instruction": "Write to bob@mail.example about the 2024-01-15 meeting at 10:30 on 192.168.1.20.", "input": "", "output": "Done."},
]


def ftkit(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """Run `python -m ftkit ...` and capture its output."""
    return subprocess.run([sys.executable, "-m", "ftkit", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def write_jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def test_help_shows_an_example_and_the_exit_codes():
    result = ftkit("audit", "--help")
    assert result.returncode == 0
    assert "ftkit audit train.jsonl --out clean.jsonl --report report.md" in result.stdout
    assert "2 usage or I/O error" in result.stdout and "3 internal error" in result.stdout


def test_a_set_with_findings_exits_1_and_writes_clean_rows_ledger_and_report(tmp_path):
    source = write_jsonl(tmp_path / "alpaca.jsonl", ROWS)
    result = ftkit("audit", source, "--out", str(tmp_path / "clean.jsonl"), "--ledger", str(tmp_path / "ledger.jsonl"),
                   "--report", str(tmp_path / "report.md"))
    assert result.returncode == 1, result.stderr
    assert "format: alpaca (auto: `instruction` and `output` in 5 of 5 sampled rows)" in result.stdout
    kept = [json.loads(line) for line in (tmp_path / "clean.jsonl").read_text().splitlines()]
    assert [row["output"] for row in kept] == ["4", "28.4 °F", "35.6 °F", "Done."]  # -2 °C and 2 °C both kept
    assert kept[3]["instruction"] == "Write to [EMAIL] about the 2024-01-15 meeting at 10:30 on 192.168.1.20."
    ledger = [json.loads(line) for line in (tmp_path / "ledger.jsonl").read_text().splitlines()]
    assert [(e["location"].rsplit(":", 1)[1], e["action"], e["reason"]) for e in ledger] == [("4", "dropped", "exact_duplicate"), ("5", "changed", "pii")]
    assert ledger[1]["changes"][0]["before"].startswith("Write to b***@mail.example") and "[EMAIL]" in ledger[1]["changes"][0]["after"]
    report = (tmp_path / "report.md").read_text()
    assert "| exact_duplicate | 1 | 20.0% | dropped |" in report and f"| {source}:4 | 3 | dropped | exact_duplicate | of 0 |" in report


def test_a_clean_set_exits_0_and_fail_on_picks_the_findings_that_count(tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS[:3])
    assert ftkit("audit", source).returncode == 0
    duplicated = write_jsonl(tmp_path / "dup.jsonl", ROWS)
    assert ftkit("audit", duplicated, "--fail-on", "pii").returncode == 1
    assert ftkit("audit", duplicated, "--fail-on", "leaked,overlong").returncode == 0
    assert ftkit("audit", duplicated, "--fail-on", "none").returncode == 0
    bad = ftkit("audit", duplicated, "--fail-on", "typo")
    assert bad.returncode == 2 and "unknown finding typo" in bad.stderr


@pytest.mark.parametrize("content", [b"", b"not json\n", b"\xff\xfe{\x00}\x00"])
def test_unreadable_input_exits_2_with_a_message(tmp_path, content):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    result = ftkit("audit", str(path))
    assert result.returncode == 2 and "cannot read the input" in result.stderr and "bad.jsonl" in result.stderr


def test_strict_stops_at_the_first_bad_row_with_file_line_and_field(tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS[:2] + [{"instruction": "Hi", "output": 3}])
    result = ftkit("audit", source, "--strict")
    assert result.returncode == 2 and f"{source}:3: output: must be a string, got int" in result.stderr
    assert ftkit("audit", source).returncode == 1  # without --strict: a dropped, counted row


def test_json_output_is_machine_readable_and_the_summary_goes_to_stderr(tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS)
    result = ftkit("audit", source, "--json")
    data = json.loads(result.stdout)
    assert data["format"] == "alpaca" and data["counts"]["exact_duplicate"] == 1 and data["clean"]["kept"] == 4
    assert data["findings"][0] == {"kind": "exact_duplicate", "location": f"{source}:4", "row": 3, "row_id": 3, "note": "of 0"}
    assert "format: alpaca" in result.stderr


def test_keep_leaves_the_named_findings_in_place(tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS)
    result = ftkit("audit", source, "--keep", "exact_duplicate,pii", "--out", str(tmp_path / "out.jsonl"))
    kept = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert kept == ROWS and result.returncode == 1


def test_format_can_be_forced_and_a_mismatch_is_reported_per_row(tmp_path):
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS[:2])
    result = ftkit("audit", source, "--format", "sharegpt", "--json")
    data = json.loads(result.stdout)
    assert data["format_reason"] == "given" and data["counts"]["malformed"] == 2
    assert data["findings"][0]["note"].startswith("conversations: is missing")


def test_a_reference_set_finds_leaked_rows(tmp_path):
    source = write_jsonl(tmp_path / "train.jsonl", ROWS[:3])
    test = write_jsonl(tmp_path / "test.jsonl", [{"prompt": "Convert 2 °C to Fahrenheit.", "completion": "35.6 °F"}])
    data = json.loads(ftkit("audit", source, "--reference", test, "--json").stdout)
    assert [f["row"] for f in data["findings"] if f["kind"] == "leaked"] == [2]


def test_a_progress_bar_appears_only_on_large_inputs(tmp_path):
    rows = [{"prompt": f"Item {i}: name a colour number {i}.", "completion": f"Colour {i}"} for i in range(6000)]
    large = ftkit("audit", write_jsonl(tmp_path / "large.jsonl", rows))
    small = ftkit("audit", write_jsonl(tmp_path / "small.jsonl", rows[:50]))
    assert "audit: 100%" in large.stderr and "6000/6000" in large.stderr
    assert "audit:" not in small.stderr


def test_near_threshold_decides_whether_rows_one_word_apart_are_near_duplicates(tmp_path):
    base = "the lid of this kettle started rattling within two weeks and support never answered my three emails about it"
    rows = [{"instruction": base, "input": "", "output": "negative"},
            {"instruction": base.replace("about it", "about that"), "input": "", "output": "negative"}]
    source = write_jsonl(tmp_path / "rows.jsonl", rows)
    default = json.loads(ftkit("audit", source, "--json").stdout)
    raised = json.loads(ftkit("audit", source, "--json", "--near-threshold", "0.95").stdout)
    assert default["counts"]["near_duplicate"] == 1  # word 3-gram Jaccard 17/19 = 0.89: flagged at the default 0.7
    assert raised["counts"]["near_duplicate"] == 0
