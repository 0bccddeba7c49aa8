"""The audit for people (a markdown report) and for machines (JSON), and the ledger as JSON Lines.

None of them shows the personal data the cleaning redacts: every note and before -> after is masked
(j***@example.com, ***61) unless `show_pii` asks for the raw text (for debugging on one's own machine).
"""

from __future__ import annotations

from dataclasses import asdict, replace

from ftkit.data_quality.cleaning import CleanResult, LedgerEntry
from ftkit.data_quality.kinds import FINDINGS, MEANING, default_action
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.pii import mask_pii
from ftkit.data_quality.report import AuditReport
from ftkit.data_quality.suspects import ranking_dict, suspects_table

EXAMPLES = 3  # rows shown per finding kind
LEDGER_LINES = 50  # dropped or changed rows listed in the markdown report; the ledger file and the JSON list them all
CELL_CHARACTERS = 240  # longer notes are cut in the markdown tables (the JSON keeps them whole)


def _cell(text: object) -> str:
    """A value made safe for one markdown table cell."""
    text = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "⏎")
    return text if len(text) <= CELL_CHARACTERS else text[: CELL_CHARACTERS - 1] + "…"


def _json_id(row_id: object) -> object:
    """A row id as JSON can hold it (ids of other types, e.g. tuples, as their repr)."""
    return row_id if isinstance(row_id, (str, int, float, bool)) else repr(row_id)


def _masked_entry(entry: LedgerEntry, regions: tuple[str, ...]) -> LedgerEntry:
    """The entry with the personal data in its detail and its before -> after masked."""
    changes = [replace(c, before=mask_pii(c.before, regions), after=mask_pii(c.after, regions)) for c in entry.changes]
    return replace(entry, detail=mask_pii(entry.detail, regions), changes=changes)


def ledger_record(entry: LedgerEntry, show_pii: bool = False, regions: tuple[str, ...] = DEFAULT_REGIONS) -> dict:
    """One ledger entry as a JSON-ready dict, its personal data masked unless `show_pii`."""
    entry = entry if show_pii else _masked_entry(entry, regions)
    return asdict(entry) | {"row_id": _json_id(entry.row_id)}


def report_dict(report: AuditReport, cleaned: CleanResult | None = None, show_pii: bool = False) -> dict:
    """Everything in the report as plain JSON-ready data (personal data masked unless `show_pii`)."""
    shown = _shown(report, show_pii)
    data = {
        "source": report.source,
        "format": report.format,
        "format_reason": report.format_reason,
        "rows": report.n_rows,
        "counts": report.counts,
        "actions": {name: default_action(name) for name in FINDINGS},
        "skewed_terms": [asdict(term) for term in report.skewed_terms],
        "findings": [
            {"kind": f.kind, "location": f.location, "row": f.row, "row_id": _json_id(f.row_id), "note": shown(f.note)}
            for f in report.entries
        ],
    }
    if report.reference_rows or report.reference_unreadable:
        data["reference"] = {"rows": report.reference_rows, "unreadable": report.reference_unreadable}
    if report.label_ranking is not None:
        data["suspect_labels"] = ranking_dict(report.label_ranking, _json_id, shown)
    if cleaned is not None:
        data["clean"] = {
            "kept": len(cleaned.rows), "dropped": cleaned.dropped, "changed": cleaned.changed,
            "ledger": [ledger_record(entry, show_pii, report.phone_regions) for entry in cleaned.ledger],
        }
    return data


def _shown(report: AuditReport, show_pii: bool):
    """What a report prints of a note: the note masked, or as it is when `show_pii`."""
    return (lambda text: text) if show_pii else (lambda text: mask_pii(text, report.phone_regions))


def markdown_report(
    report: AuditReport, cleaned: CleanResult | None = None, examples: int = EXAMPLES, show_pii: bool = False,
    ledger_lines: int = LEDGER_LINES,
) -> str:
    """A markdown report: summary table (finding -> rows -> share), skewed terms, a few examples per finding and the
    first `ledger_lines` dropped or changed rows, each cut saying how much it left out; personal data masked."""
    shown = _shown(report, show_pii)
    lines = [f"# Data audit: {report.source}", ""]
    lines.append(f"- **rows**: {report.n_rows}")
    lines.append(f"- **format**: {report.format} ({report.format_reason})")
    if report.reference_rows or report.reference_unreadable:
        lines.append(
            f"- **reference** (leakage check): {report.reference_rows} rows, {report.reference_unreadable} unreadable and skipped"
        )
    flagged = len(report.flagged())
    lines.append(f"- **rows with findings**: {flagged} ({flagged / max(report.n_rows, 1):.1%})")
    if cleaned is not None:
        kept = f"kept {len(cleaned.rows)} of {cleaned.n_input} rows"
        lines.append(f"- **cleaned**: {kept}; {cleaned.dropped} dropped, {cleaned.changed} repaired")
    lines += ["", "## Summary", "", "| finding | rows | share | action | meaning |", "|---|---:|---:|---|---|"]
    for name in FINDINGS:
        count = report.counts[name]
        lines.append(f"| {name} | {count} | {count / max(report.n_rows, 1):.1%} | {default_action(name)} | {_cell(MEANING[name])} |")
    lines += ["", "## Skewed terms", ""]
    if report.skewed_terms:
        lines += ["Names that predict one answer far above its base rate (kept; consider counterfactual rows):", "",
                  "| term | rows | answer | share | base rate |", "|---|---:|---|---:|---:|"]
        for t in report.skewed_terms:
            lines.append(f"| {_cell(t.term)} | {t.count} | {_cell(t.answer)} | {t.share:.0%} | {t.base_share:.0%} |")
    else:
        lines.append("None found.")
    lines += ["", "## Examples", ""]
    by_kind: dict[str, list] = {}
    for entry in report.entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    if not by_kind:
        lines.append("No findings.")
    for name in FINDINGS:
        if name in by_kind:
            left_out = max(0, len(by_kind[name]) - examples)
            more = f" ({examples} shown, {left_out} left out)" if left_out else ""
            lines += [f"**{name}**: {len(by_kind[name])} of {report.n_rows} rows{more}", "", "| line | id | note |", "|---|---|---|"]
            lines += [f"| {_cell(e.location)} | {_cell(e.row_id)} | {_cell(shown(e.note))} |" for e in by_kind[name][:examples]]
            lines.append("")
    if report.label_ranking is not None:
        lines += suspects_table(report.label_ranking, _cell, shown)
    if cleaned is not None:
        lines += ["## Dropped or changed rows", ""]
        if cleaned.ledger:
            lines += ["| line | id | action | reason | detail |", "|---|---|---|---|---|"]
            for e in cleaned.ledger[:ledger_lines]:
                lines.append(f"| {_cell(e.location)} | {_cell(e.row_id)} | {e.action} | {_cell(e.reason)} | {_cell(shown(e.detail))} |")
            if len(cleaned.ledger) > ledger_lines:
                lines += ["", f"{len(cleaned.ledger) - ledger_lines} more rows left out here: the ledger (--ledger) and --json list every one."]
        else:
            lines.append("None: every row was kept as it was.")
        lines.append("")
    return "\n".join(lines)
