"""Clean a set after an audit: drop rows with some findings, repair others, and account for every row in a ledger.

A repaired row keeps its own format: only the strings that change are replaced, at their paths. Each repair is
recorded before -> after (the changed stretch with a little context on each side).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ftkit.data_quality.auditor import audit, collector_paused
from ftkit.data_quality.encoding import fix_encoding
from ftkit.data_quality.formats import read_sample, row_format, set_text
from ftkit.data_quality.kinds import DROPPED_BY_DEFAULT, FINDINGS, REPAIRED_BY_DEFAULT
from ftkit.data_quality.markup import find_html, strip_html
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.pii import redact_pii
from ftkit.data_quality.reading import load_rows
from ftkit.data_quality.report import AuditReport

REPAIRABLE = ("broken_encoding", "html", "pii")
CONTEXT = 30  # characters shown on each side of a change in the ledger


@dataclass
class Change:
    """One string of a row before and after its repair (the changed stretch, with context)."""

    field: str
    before: str
    after: str


@dataclass
class LedgerEntry:
    """One row dropped or changed, and why."""

    row_id: object
    action: str  # "dropped", "changed", or "flagged" (a repairable finding that no repair could change: U+FFFD)
    reason: str  # the finding kinds (or extra reasons), comma-separated
    detail: str = ""
    location: str = ""  # file:line
    changes: list[Change] = field(default_factory=list)


@dataclass
class CleanResult:
    """The cleaned rows and the ledger that accounts for every row dropped or changed."""

    rows: list
    ledger: list[LedgerEntry]
    n_input: int

    def ledger_table(self):
        """The ledger as a DataFrame (one line per row dropped or changed)."""
        import pandas as pd

        columns = ["row_id", "location", "action", "reason", "detail"]
        return pd.DataFrame([{name: getattr(entry, name) for name in columns} for entry in self.ledger], columns=columns)

    def summary(self):
        """Rows per (action, reason)."""
        table = self.ledger_table()
        return table.groupby(["action", "reason"]).size().rename("rows").reset_index()

    @property
    def dropped(self) -> int:
        """Rows removed."""
        return sum(entry.action == "dropped" for entry in self.ledger)

    @property
    def changed(self) -> int:
        """Rows kept with a repair."""
        return sum(entry.action == "changed" for entry in self.ledger)

    @property
    def flagged(self) -> int:
        """Rows kept unchanged although a repairable finding was found in them (no repair could change them)."""
        return sum(entry.action == "flagged" for entry in self.ledger)


def repair_text(text: str, fixes: Sequence[str], phone_regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """Apply the named repairs to one text: encoding (ftfy), HTML (tags and entities outside code), PII (placeholders)."""
    if "broken_encoding" in fixes:
        text = fix_encoding(text)
    if "html" in fixes and find_html(text):
        text = strip_html(text)
    if "pii" in fixes:
        text = redact_pii(text, phone_regions)
    return text


def changed_stretch(before: str, after: str, context: int = CONTEXT) -> tuple[str, str]:
    """The part of two strings that differs, with `context` characters of what they share on each side."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    left = max(0, start - context)
    prefix = "…" if left else ""

    def cut(text: str) -> str:
        stop = len(text) - end + context
        return prefix + text[left:stop] + ("…" if stop < len(text) else "")

    return cut(before), cut(after)


def repair_row(
    row: Mapping, fixes: Sequence[str], fmt: str | None = None, phone_regions: Sequence[str] = DEFAULT_REGIONS
) -> tuple[dict, list[Change]]:
    """A copy of a row with every text repaired, and the changes made (the input row is not modified)."""
    sample = read_sample(row, fmt or row_format(row) or "messages")
    repaired = None
    changes = []
    for text_field in sample.fields:
        fixed = repair_text(text_field.text, fixes, phone_regions)
        if fixed != text_field.text:
            repaired = repaired or copy.deepcopy(dict(row))
            set_text(repaired, text_field.path, fixed)
            changes.append(Change(text_field.name, *changed_stretch(text_field.text, fixed)))
    return (repaired if repaired is not None else row), changes


@collector_paused()
def clean(
    source: object,
    report: AuditReport | None = None,
    *,
    drop: Sequence[str] = DROPPED_BY_DEFAULT,
    repair: Sequence[str] = REPAIRED_BY_DEFAULT,
    extra_drops: Mapping[object, str] | None = None,
    id_field: str = "id",
    **audit_options,
) -> CleanResult:
    """Drop rows with a finding in `drop` (or listed in `extra_drops`: row id -> reason), repair those in `repair`.

    `source` is what was audited (a path, rows or a datasets.Dataset). Every dropped or changed row gets a ledger
    entry; the input is not modified. Without a report, `audit` runs with `audit_options` (e.g. reference=test_rows).
    """
    unknown = (set(drop) | set(repair)) - set(FINDINGS)
    if unknown:
        raise ValueError(f"unknown finding kinds {sorted(unknown)}; known: {', '.join(FINDINGS)}")
    if set(repair) - set(REPAIRABLE):
        raise ValueError(f"only {', '.join(REPAIRABLE)} can be repaired, not {sorted(set(repair) - set(REPAIRABLE))}")
    if "malformed" not in drop:
        raise ValueError("malformed rows cannot be kept: nothing after the audit can read them")
    if report is None:
        report = audit(source, id_field=id_field, **audit_options)
        rows = report.rows
    elif isinstance(source, (str, Path)) and report.source == str(source) and report.rows:
        rows = report.rows  # the file as the audit read it
    else:
        rows = load_rows(source).rows
    if len(rows) != report.n_rows:
        raise ValueError(f"the report is of {report.n_rows} rows, the source has {len(rows)}")
    kinds_of = report.kinds_by_row()
    extra_drops = dict(extra_drops or {})
    kept, ledger = [], []
    for index, row in enumerate(rows):
        row_id, found = report.row_ids[index], kinds_of.get(index, [])
        reasons = [kind for kind in found if kind in drop] + ([extra_drops[row_id]] if row_id in extra_drops else [])
        if reasons:
            detail = "; ".join(report.notes[(kind, row_id)] for kind in reasons if (kind, row_id) in report.notes)
            ledger.append(LedgerEntry(row_id, "dropped", ", ".join(reasons), detail, report.locations[index]))
            continue
        fixes = [kind for kind in found if kind in repair]
        if fixes:
            fmt = report.format if report.format_given else (row_format(row) or report.format)
            row, changes = repair_row(row, fixes, fmt, report.phone_regions)
            if changes:
                detail = "; ".join(f"{c.field}: {c.before!r} -> {c.after!r}" for c in changes)
                ledger.append(LedgerEntry(row_id, "changed", ", ".join(fixes), detail, report.locations[index], changes))
            else:
                detail = "kept unchanged, no repair applies: " + "; ".join(report.notes[(kind, row_id)] for kind in fixes)
                ledger.append(LedgerEntry(row_id, "flagged", ", ".join(fixes), detail, report.locations[index]))
        kept.append(row)
    return CleanResult(kept, ledger, len(rows))
