"""`ftkit audit` on bad inputs and bad options: exit 2 with one line and nothing written, or a counted finding; never
a traceback. Runs in-process through `main`, as the `ftkit` script does."""

from __future__ import annotations

import json

import pytest

from ftkit.data_quality.cli import EXIT_FINDINGS, EXIT_UNREADABLE, main

GOOD = [{"instruction": "Add 2 and 2.", "output": "4"}, {"instruction": "Name a primary colour.", "output": "Blue."}]


def write_jsonl(path, rows) -> str:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return str(path)


def run(capsys, *args: str) -> tuple[int, str]:
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse stops with the status
        status = stop.code
    captured = capsys.readouterr()
    return status, captured.err


BAD_FILES = {
    "not_json.jsonl": b'{"instruction": "Hi", "output": "Hello"}\n{not json}\n',
    "latin1.jsonl": '{"instruction": "Café?", "output": "Oui"}\n'.encode("latin-1") + b'{"instruction": "Hi", "output": "Hello"}\n',
    "surrogate.jsonl": b'{"instruction": "Emoji?", "output": "\\ud83d"}\n{"instruction": "Hi", "output": "Hello"}\n',
    "deep.jsonl": b'{"instruction": "Hi", "output": "Hello"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "huge_int.jsonl": b'{"instruction": "Hi", "output": "Hello"}\n{"instruction": "N?", "output": ' + b"9" * 5000 + b"}\n",
    "utf16.jsonl": '{"instruction": "Hi", "output": "Hello"}\n'.encode("utf-16"),
    "empty.jsonl": b"",
    "one_object.json": b'{\n "instruction": "Hi",\n "output": "Hello"\n}\n',
    "broken_array.json": b'[{"instruction": "Hi", "output": "Hello"},\n{"instruction": "Bye"',
    "no_rows.csv": b"instruction,output\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_bad_input_ends_in_a_finding_or_exit_2_without_a_traceback_or_partial_output(tmp_path, capsys, name):
    source = tmp_path / name
    source.write_bytes(BAD_FILES[name])
    out = tmp_path / "clean.jsonl"
    status, err = run(capsys, "audit", str(source), "--out", str(out), "--report", str(tmp_path / "report.md"))
    assert "Traceback" not in err
    assert status in (EXIT_FINDINGS, EXIT_UNREADABLE), err
    if status == EXIT_UNREADABLE:
        assert len(err.strip().splitlines()) == 1 and not out.exists()
    else:
        assert [json.loads(line) for line in out.read_text().splitlines()] == [{"instruction": "Hi", "output": "Hello"}]


def test_a_lone_surrogate_is_counted_as_malformed_and_the_rest_is_written(tmp_path, capsys):
    source = tmp_path / "rows.jsonl"
    source.write_bytes(BAD_FILES["surrogate.jsonl"])
    out = tmp_path / "clean.jsonl"
    status, _ = run(capsys, "audit", str(source), "--out", str(out))
    assert status == EXIT_FINDINGS
    assert [json.loads(line) for line in out.read_text().splitlines()] == [{"instruction": "Hi", "output": "Hello"}]


@pytest.mark.parametrize(
    "option, value, says",
    [
        ("--out", "clean.txt", "cannot write rows to"),
        ("--out", "/proc/x.jsonl", "cannot write /proc/x.jsonl"),
        ("--report", "/proc/r.md", "cannot write /proc/r.md"),
        ("--ledger", "ledger.md", "cannot write rows to"),
        ("--near-threshold", "7", "is not in (0, 1]"),
        ("--near-threshold", "-0.1", "is not in (0, 1]"),
        ("--max-words", "-5", "is not above 0"),
        ("--phone-regions", "XX", "unknown region XX"),
    ],
)
def test_bad_options_and_paths_exit_2_with_one_line_before_the_input_is_read(tmp_path, capsys, monkeypatch, option, value, says):
    monkeypatch.chdir(tmp_path)
    source = write_jsonl(tmp_path / "rows.jsonl", GOOD)
    read = []
    monkeypatch.setattr("ftkit.data_quality.cli.audit", lambda *a, **k: read.append(a))
    status, err = run(capsys, "audit", source, option, value)
    assert status == EXIT_UNREADABLE and says in err and len(err.strip().splitlines()) == 1
    assert read == []  # the audit never ran


def test_out_naming_the_input_is_refused_and_the_input_kept(tmp_path, capsys):
    source = write_jsonl(tmp_path / "rows.jsonl", GOOD + GOOD)
    before = (tmp_path / "rows.jsonl").read_bytes()
    status, err = run(capsys, "audit", source, "--out", source)
    assert status == EXIT_UNREADABLE and "is also the input" in err
    assert (tmp_path / "rows.jsonl").read_bytes() == before


def test_the_report_caps_examples_and_the_ledger_and_says_how_many_it_left_out(tmp_path, capsys):
    rows = [{"instruction": "Add 2 and 2.", "output": "4"}] * 80
    source = write_jsonl(tmp_path / "rows.jsonl", rows)
    status, _ = run(capsys, "audit", source, "--report", str(tmp_path / "report.md"))
    report = (tmp_path / "report.md").read_text()
    assert status == EXIT_FINDINGS
    assert "**exact_duplicate**: 79 of 80 rows (3 shown, 76 left out)" in report
    assert "29 more rows left out here: the ledger (--ledger) and --json list every one." in report
