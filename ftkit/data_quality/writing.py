"""Write rows (cleaned rows, a ledger) to JSONL, JSON, CSV, Parquet or a `datasets.save_to_disk` folder, and text files.

The file kind follows the output's extension; a path without one becomes a save_to_disk folder. Rows keep their
own format: in CSV, message lists are written as JSON text, as the reader expects them. Every output is written
whole or not at all: into a temporary file beside it, renamed over the target only when complete.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

WRITABLE = (".jsonl", ".ndjson", ".json", ".csv", ".parquet")


# One encoder for every row (json.dumps builds a new one per call when given options); default=str: dates still serialise.
JSON_LINE = json.JSONEncoder(ensure_ascii=False, default=str)


class OutputError(OSError):
    """An output cannot be written; the message names the path and why."""


def _json_line(row: object) -> str:
    return JSON_LINE.encode(row)


def _csv_cell(value: object) -> str:
    """Text as it is, nothing as an empty cell, anything else (message lists, numbers) as JSON."""
    return "" if value is None else value if isinstance(value, str) else _json_line(value)


def output_problem(path: str | Path, rows: bool = True) -> str | None:
    """Why an output path cannot be written (a file kind we do not write, a folder, no writable place), or None.

    Checked before any work is done; `rows`: the path receives rows (so its extension must name a row file kind).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if rows and suffix and suffix not in WRITABLE:
        return f"cannot write rows to {path}: use {', '.join(WRITABLE)}, or a name without extension for a save_to_disk folder"
    if path.is_dir() and (suffix or not rows):
        return f"cannot write {path}: it is a folder"
    parent = path.parent
    while not parent.exists():  # the folders that do not exist yet are made at writing time
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot write {path}: {parent} is not a folder"
    try:
        handle, probe = tempfile.mkstemp(dir=parent, prefix=".ftkit-probe-")
    except OSError as error:
        return f"cannot write {path}: {error.strerror or error} in {parent}"
    os.close(handle)
    os.unlink(probe)
    return None


def _replace_whole(path: Path, write: Callable[[Path], None]) -> None:
    """Run `write` on a temporary path beside `path`, then move it over `path`; nothing is left behind on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.")) / path.name
    try:
        write(temporary)
        if path.is_dir() and not path.suffix:  # a save_to_disk folder replaces the old one
            shutil.rmtree(path)
        os.replace(temporary, path)
    except UnicodeEncodeError as error:
        raise OutputError(f"cannot write {path}: {error.reason} in {error.object[error.start : error.end]!r}") from None
    finally:
        shutil.rmtree(temporary.parent, ignore_errors=True)


def write_text(text: str, path: str | Path) -> Path:
    """Write a text file (UTF-8) whole or not at all; returns the path."""
    path = Path(path)
    _replace_whole(path, lambda target: target.write_text(text, encoding="utf-8"))
    return path


def _write_rows_to(rows: Sequence[object], path: Path, suffix: str) -> None:
    if suffix in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for row in rows:
                out.write(_json_line(row) + "\n")
    elif suffix == ".json":
        path.write_text(json.dumps(list(rows), ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    elif suffix == ".csv":
        columns = list(dict.fromkeys(key for row in rows for key in row))
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv_cell(row.get(column)) for column in columns])
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as parquet

        parquet.write_table(pa.Table.from_pylist(list(rows)), path)
    else:
        from datasets import Dataset

        Dataset.from_list(list(rows)).save_to_disk(str(path))


def write_rows(rows: Sequence[object], path: str | Path) -> Path:
    """Write rows in the file kind the path's extension names, whole or not at all; returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix and suffix not in WRITABLE:
        raise ValueError(f"cannot write {path}: use one of {', '.join(WRITABLE)}, or a folder name for save_to_disk")
    _replace_whole(path, lambda target: _write_rows_to(rows, target, suffix))
    return path
