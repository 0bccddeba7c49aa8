"""Rows from wherever they live: JSONL, a JSON array, CSV, Parquet, a `datasets.save_to_disk` folder, a list of
dicts or a `datasets.Dataset`; each row with the place it came from (file:line), unreadable places kept as such.

pandas/pyarrow and datasets are imported only when a Parquet file or a dataset folder is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ftkit.data_quality.encoding import SURROGATE_ESCAPE, lone_surrogate
from ftkit.data_quality.json_rows import InputError, ParsedRow, UnreadableRow, check_utf8_start, parse_json_array, parse_json_lines

# CSV columns that hold message lists written as JSON text (how conversational sets look once exported to CSV).
JSON_COLUMNS = ("messages", "conversations", "prompt", "completion", "chosen", "rejected", "history")
BAD_BYTE = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of bytes that are not UTF-8


@dataclass
class LoadedRows:
    """Rows in input order, where each came from, and the keys repeated inside any row's objects."""

    rows: list
    locations: list[str]
    name: str  # the file, or "<rows>"
    kind: str  # jsonl, json, csv, parquet, dataset folder, rows
    repeated_keys: dict[int, list[str]] = field(default_factory=dict)  # row position -> keys seen twice


def _from_parsed(parsed: list[ParsedRow], name: str, kind: str, data: bytes = b"") -> LoadedRows:
    if SURROGATE_ESCAPE.search(data):  # only then can a row hold a lone surrogate: walk the rows
        for p in parsed:
            if not isinstance(p.row, UnreadableRow) and (found := lone_surrogate(p.row)):
                p.row = UnreadableRow(*found)
    rows = [p.row for p in parsed]
    locations = [f"{name}:{p.line}" for p in parsed]
    repeated = {index: p.repeated_keys for index, p in enumerate(parsed) if p.repeated_keys}
    return LoadedRows(rows, locations, name, kind, repeated)


def _read_json(path: Path, data: bytes) -> LoadedRows:
    """JSON Lines, or a JSON array of rows (told apart by the first character)."""
    data = check_utf8_start(data, path)
    if data.lstrip()[:1] == b"[":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(path, data[: error.start].count(b"\n") + 1, "<encoding>", "not valid UTF-8") from None
        return _from_parsed(parse_json_array(text, path), str(path), "json", data)
    parsed = parse_json_lines(data)
    if parsed and all(isinstance(p.row, UnreadableRow) for p in parsed) and data.lstrip()[:1] == b"{":
        try:  # one object spread over many lines: not rows at all
            json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            pass
        else:
            raise InputError(path, 1, "<json>", "holds one JSON object, not rows: expected JSON Lines or an array of objects")
    return _from_parsed(parsed, str(path), "jsonl", data)


def _csv_value(column: str, value: str | None) -> object:
    """A CSV cell: message lists in the JSON columns decoded, other cells kept as text."""
    if value is None or column not in JSON_COLUMNS or not value.lstrip().startswith("["):
        return value
    try:
        decoded = json.loads(value)
    except (ValueError, RecursionError):
        return value
    # Only a list of messages (or of history pairs) is decoded: a prompt that reads "[1, 2, 3]" stays text.
    item_type = list if column == "history" else dict
    is_turns = isinstance(decoded, list) and decoded and all(isinstance(item, item_type) for item in decoded)
    return decoded if is_turns else value


def _read_csv(path: Path, data: bytes, delimiter: str = ",") -> LoadedRows:
    """CSV (or TSV) with a header row; a row with too few or too many cells, or bad UTF-8, becomes an unreadable row."""
    text = check_utf8_start(data, path).decode("utf-8", errors="surrogateescape")  # bad bytes found per row below
    any_bad_bytes = BAD_BYTE.search(text) is not None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # the default 128 kB per cell is smaller than real answers
    try:
        header = next(reader, None)
        if not header:
            raise InputError(path, 1, "<header>", "no header row")
        rows, locations, start = [], [], reader.line_num + 1
        for cells in reader:
            if cells:
                if len(cells) != len(header):
                    rows.append(UnreadableRow("<row>", f"has {len(cells)} cells, the header has {len(header)}"))
                elif any_bad_bytes and any(BAD_BYTE.search(cell) for cell in cells):
                    rows.append(UnreadableRow("<encoding>", "not valid UTF-8"))
                else:
                    rows.append({column: _csv_value(column, value) for column, value in zip(header, cells)})
                locations.append(f"{path}:{start}")
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(path, reader.line_num, "<csv>", str(error)) from None
    finally:
        csv.field_size_limit(limit)
    return LoadedRows(rows, locations, str(path), "csv")


def _read_parquet(path: Path) -> LoadedRows:
    """A Parquet file through pyarrow; rows are numbered from 1."""
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise InputError(path, None, "", "reading Parquet needs pyarrow (pip install pyarrow)") from None
    try:
        rows = parquet.read_table(path).to_pylist()
    except Exception as error:  # pyarrow raises its own error types for every kind of broken file
        raise InputError(path, None, "<parquet>", f"cannot be read as Parquet ({error})") from None
    return LoadedRows(rows, [f"{path}:row {i}" for i in range(1, len(rows) + 1)], str(path), "parquet")


def _read_dataset_folder(path: Path) -> LoadedRows:
    """A folder written by `Dataset.save_to_disk` (or a DatasetDict's with one split)."""
    from datasets import DatasetDict, load_from_disk

    dataset = load_from_disk(str(path))
    if isinstance(dataset, DatasetDict):
        if len(dataset) != 1:
            splits = ", ".join(dataset)
            raise InputError(path, None, "", f"holds the splits {splits}; name one: {path}/{next(iter(dataset))}")
        dataset = next(iter(dataset.values()))
    rows = dataset.to_list()
    return LoadedRows(rows, [f"{path}:row {i}" for i in range(1, len(rows) + 1)], str(path), "dataset folder")


def read_file(path: str | Path) -> LoadedRows:
    """Rows of a file or dataset folder; InputError (file:line:field) when it cannot be read as rows at all."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "", "no such file or folder")
    if path.is_dir():
        if any((path / marker).exists() for marker in ("state.json", "dataset_dict.json", "dataset_info.json")):
            return _read_dataset_folder(path)
        raise InputError(path, None, "", "is a folder, not a data file or a datasets.save_to_disk folder (no state.json)")
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError(path, None, "", "is empty: there are no rows to audit")
    if suffix == ".parquet":
        loaded = _read_parquet(path)
    elif not check_utf8_start(data := path.read_bytes(), path).strip():
        raise InputError(path, None, "", "is empty: there are no rows to audit")
    elif suffix in (".csv", ".tsv"):
        loaded = _read_csv(path, data, "\t" if suffix == ".tsv" else ",")
    else:  # .jsonl, .json, .ndjson and anything else that holds JSON
        loaded = _read_json(path, data)
    if not loaded.rows:
        raise InputError(path, None, "", "holds no rows")
    return loaded


def load_rows(source: object) -> LoadedRows:
    """Rows from a path, a `datasets.Dataset`, or an iterable of rows (whose places are their positions)."""
    if isinstance(source, (str, Path)):
        return read_file(source)
    datasets = sys.modules.get("datasets")  # a Dataset can only exist if datasets was imported
    if datasets is not None and isinstance(source, datasets.Dataset):
        rows = source.to_list()
    elif isinstance(source, Mapping):
        raise TypeError("expected rows (a list of dicts), a path or a datasets.Dataset, got one dict")
    elif isinstance(source, Iterable):
        rows = list(source)
    else:
        raise TypeError(f"expected rows, a path or a datasets.Dataset, got {type(source).__name__}")
    return LoadedRows(rows, [f"rows[{i}]" for i in range(len(rows))], "<rows>", "rows")
