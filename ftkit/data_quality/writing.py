"""Write rows (cleaned rows, a ledger) to JSONL, JSON, CSV, Parquet or a `datasets.save_to_disk` folder.

The file kind follows the output's extension; a path without one becomes a save_to_disk folder. Rows keep their
own format: in CSV, message lists are written as JSON text, as the reader expects them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

WRITABLE = (".jsonl", ".ndjson", ".json", ".csv", ".parquet")


# One encoder for every row (json.dumps builds a new one per call when given options); default=str: dates still serialise.
JSON_LINE = json.JSONEncoder(ensure_ascii=False, default=str)


def _json_line(row: object) -> str:
    return JSON_LINE.encode(row)


def _csv_cell(value: object) -> str:
    """Text as it is, nothing as an empty cell, anything else (message lists, numbers) as JSON."""
    return "" if value is None else value if isinstance(value, str) else _json_line(value)


def write_rows(rows: Sequence[object], path: str | Path) -> Path:
    """Write rows in the file kind the path's extension names; returns the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix and suffix not in WRITABLE:
        raise ValueError(f"cannot write {path}: use one of {', '.join(WRITABLE)}, or a folder name for save_to_disk")
    path.parent.mkdir(parents=True, exist_ok=True)
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
    return path
