"""Recording a notebook's numbers: one `record(name, value)` call, written to JSON lines when a runner asks for it."""

from __future__ import annotations

import json
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

from ftkit.stats import Estimate

# The seed runner sets this to a fresh file per run; unset (a notebook opened by hand), record() only returns the value.
RESULTS_ENV = "FTKIT_RESULTS"


@dataclass(frozen=True)
class Record:
    """One recorded quantity: its name and its value (a number, or an Estimate with its interval)."""

    name: str
    value: float | int | Estimate


def _checked_number(name: str, value: object) -> float | int:
    """A plain finite int or float from a Python or numpy number; bools become 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"record({name!r}): value {number} is not finite")
        return number
    raise TypeError(f"record({name!r}): value must be a number or an Estimate, got {type(value).__name__}")


def _line_for(name: str, value: object) -> dict:
    """The JSON object one record becomes (validated, so a bad value fails in every run, not only under the runner)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"record: name must be a non-empty string, got {name!r}")
    if isinstance(value, Estimate):
        fields = {key: _checked_number(name, getattr(value, key)) for key in ("point", "low", "high", "n")}
        return {"name": name, **fields, "kind": value.kind}
    return {"name": name, "value": _checked_number(name, value)}


def record(name: str, value: float | Estimate) -> float | Estimate:
    """Record a notebook's number under `name` (appended to $FTKIT_RESULTS when set) and return it unchanged."""
    line = _line_for(name, value)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    return value


def _record_from(line: dict, where: str) -> Record:
    """A Record from one parsed JSON line; `where` is `file:line` for the error."""
    if not isinstance(line, dict) or not isinstance(line.get("name"), str):
        raise ValueError(f"{where}: field 'name' is missing or not a string")
    if "value" in line:
        return Record(line["name"], line["value"])
    missing = [key for key in ("point", "low", "high", "n") if key not in line]
    if missing:
        raise ValueError(f"{where}: field {missing[0]!r} is missing (a record has 'value' or point/low/high/n)")
    estimate = Estimate(line["point"], line["low"], line["high"], line["n"], line.get("kind", ""))
    return Record(line["name"], estimate)


def read_records(path: str | Path) -> list[Record]:
    """Every record in a JSON-lines file written by record(), in the order written."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg})") from error
            records.append(_record_from(line, f"{path}:{number}"))
    return records
