"""The result of an audit: every finding with its row, place and note, plus the label-skewed terms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ftkit.data_quality.kinds import FINDINGS, default_action
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.skew import SkewedTerm
from ftkit.data_quality.suspects import LabelRanking


@dataclass(frozen=True)
class Finding:
    """One defect of one row."""

    kind: str
    row: int  # position in the input
    row_id: object  # the row's id (its position when it has no usable id)
    location: str  # file:line
    note: str


@dataclass
class AuditReport:
    """Finding kind -> flagged row ids (input order), a note per flagged row, and the label-skewed terms."""

    n_rows: int
    source: str = "<rows>"
    format: str = ""
    format_reason: str = ""
    format_given: bool = False  # True: every row was read in `format`; False: each in the format its keys name
    findings: dict[str, list] = field(default_factory=lambda: {name: [] for name in FINDINGS})
    notes: dict[tuple[str, object], str] = field(default_factory=dict)  # (kind, row id) -> why
    skewed_terms: list[SkewedTerm] = field(default_factory=list)
    entries: list[Finding] = field(default_factory=list, repr=False)
    row_ids: list = field(default_factory=list, repr=False)  # per row position
    locations: list[str] = field(default_factory=list, repr=False)
    rows: list = field(default_factory=list, repr=False)  # the rows as read, for clean()
    reference_rows: int = 0  # rows of the reference set the leakage check read
    reference_unreadable: int = 0  # reference rows it could not read (skipped)
    phone_regions: tuple[str, ...] = DEFAULT_REGIONS  # regions national phone numbers were read in (clean() reuses them)
    label_ranking: LabelRanking | None = None  # suspect labels by answer loss, when a model ranked the kept rows

    def flag(self, kind: str, row: int, note: str = "") -> None:
        """Record one finding for the row at a position (once per kind and row)."""
        row_id = self.row_ids[row] if self.row_ids else row
        if (kind, row_id) in self.notes:
            return
        location = self.locations[row] if self.locations else f"rows[{row}]"
        self.entries.append(Finding(kind, row, row_id, location, note))
        self.findings[kind].append(row_id)
        self.notes[(kind, row_id)] = note

    def sort(self) -> None:
        """Put every kind's row ids, and the entries, in input order."""
        self.entries.sort(key=lambda f: (f.row, FINDINGS.index(f.kind)))
        self.findings = {name: [] for name in FINDINGS}
        for entry in self.entries:
            self.findings[entry.kind].append(entry.row_id)

    def kinds_by_row(self) -> dict[int, list[str]]:
        """Row position -> the kinds found in it."""
        found: dict[int, list[str]] = defaultdict(list)
        for entry in self.entries:
            found[entry.row].append(entry.kind)
        return found

    @property
    def counts(self) -> dict[str, int]:
        """Rows flagged per finding kind."""
        return {name: len(ids) for name, ids in self.findings.items()}

    def flagged(self) -> set:
        """Every row id with at least one finding."""
        return {entry.row_id for entry in self.entries}

    def table(self, examples: int = 3):
        """A DataFrame, one line per finding kind: rows flagged, share of the set, default action, a few examples."""
        import pandas as pd

        lines = []
        for name, ids in self.findings.items():
            shown = [f"{i} ({self.notes[(name, i)]})" if self.notes[(name, i)] else str(i) for i in ids[:examples]]
            lines.append({"finding": name, "rows": len(ids), "share": round(len(ids) / max(self.n_rows, 1), 3),
                          "action": default_action(name), "examples": "; ".join(shown)})
        return pd.DataFrame(lines).set_index("finding")
