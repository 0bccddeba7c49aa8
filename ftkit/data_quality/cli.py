"""`ftkit audit`: audit a fine-tuning set from the command line, optionally writing the cleaned rows, a ledger and
a report. Exit status: 0 no findings that count, 1 findings (see --fail-on), 2 the input cannot be read."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ftkit.data_quality.auditor import audit
from ftkit.data_quality.cleaning import clean
from ftkit.data_quality.formats import FORMATS
from ftkit.data_quality.json_rows import InputError
from ftkit.data_quality.kinds import DROPPED_BY_DEFAULT, FINDINGS, REPAIRED_BY_DEFAULT, SKEWED_TERM, default_action
from ftkit.data_quality.rendering import ledger_record, markdown_report, report_dict
from ftkit.data_quality.writing import write_rows

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
EXAMPLES = """examples:
  ftkit audit train.jsonl --out clean.jsonl --report report.md
  ftkit audit chats.parquet --format sharegpt --reference test.jsonl --ledger ledger.jsonl
  ftkit audit prefs.json --fail-on exact_duplicate,leaked,conflicting_answers   # CI gate on three findings
  python -m ftkit audit saved_dataset/ --json > audit.json

formats: messages, prompt-completion (plain or conversational), alpaca, sharegpt, preference (plain or
conversational); read from JSONL, a JSON array, CSV, Parquet or a datasets.save_to_disk folder.
findings: """ + ", ".join(FINDINGS) + f""", {SKEWED_TERM}.
exit status: 0 no findings that count, 1 findings that count (--fail-on), 2 the input cannot be read.
"""


def _kinds(text: str, allowed: Sequence[str]) -> list[str]:
    """A comma-separated list of finding kinds, checked."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown finding {', '.join(unknown)}; known: {', '.join(allowed)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The `ftkit` parser with its `audit` subcommand."""
    parser = argparse.ArgumentParser(prog="ftkit", description="ftkit command line tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "audit",
        help="audit a fine-tuning set for duplicates, leaks, PII, broken rows and more",
        description="Audit a fine-tuning set; optionally write the cleaned rows (in the input's own format), a "
        "ledger of every dropped or changed row, and a markdown report.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("path", help="JSONL, JSON, CSV or Parquet file, or a datasets.save_to_disk folder")
    command.add_argument("--format", default="auto", choices=("auto",) + FORMATS, help="row format (default: detected from the keys)")
    command.add_argument("--out", help="write the cleaned rows here (.jsonl, .json, .csv, .parquet, or a folder)")
    command.add_argument("--ledger", help="write every dropped or changed row, with before -> after, as JSON Lines")
    command.add_argument("--report", help="write the markdown report here")
    command.add_argument("--json", action="store_true", help="print the report as JSON on stdout (the summary goes to stderr)")
    command.add_argument("--strict", action="store_true", help="stop with file:line:field at the first unreadable row (exit 2)")
    command.add_argument(
        "--fail-on", default="any", metavar="KINDS",
        help="comma-separated findings that make the exit status 1 (default: any; 'none' never fails)",
    )
    command.add_argument("--reference", help="test set the rows must not leak (any supported file)")
    command.add_argument("--keep", default="", metavar="KINDS", help="findings whose rows are kept unchanged (e.g. overlong,pii)")
    command.add_argument("--id-field", default="id", help="row field that names a row (default: id)")
    command.add_argument(
        "--near-threshold", type=float, default=0.7, metavar="J",
        help="word 3-gram Jaccard from which two prompts are near-duplicates (default: 0.7; raise it to keep templated rows)",
    )
    command.add_argument("--max-words", type=int, help="rows longer than this are overlong (default: 5x the median, at least 200)")
    return parser


def _fail_on(text: str) -> list[str]:
    every = list(FINDINGS) + [SKEWED_TERM]
    if text == "any":
        return every
    if text == "none":
        return []
    return _kinds(text, every)


def _summary(report, cleaned, counted: dict[str, int]) -> str:
    """The few lines printed after an audit."""
    lines = [f"ftkit audit: {report.source}", f"format: {report.format} ({report.format_reason})", f"rows: {report.n_rows}"]
    found = {name: n for name, n in report.counts.items() if n}
    if found:
        width = max(map(len, found))
        lines.append(f"{'finding':<{width}}  {'rows':>7}  {'share':>6}  action")
        for name, n in found.items():
            lines.append(f"{name:<{width}}  {n:>7}  {n / max(report.n_rows, 1):>6.1%}  {default_action(name)}")
    elif not report.skewed_terms:
        lines.append("no findings")
    for term in report.skewed_terms:
        lines.append(f"{SKEWED_TERM}: {term.term} in {term.count} rows, {term.share:.0%} {term.answer!r} (base rate {term.base_share:.0%})")
    lines.append(f"cleaned: kept {len(cleaned.rows)} of {cleaned.n_input} rows, {cleaned.dropped} dropped, {cleaned.changed} repaired")
    if counted:
        lines.append("exit 1: findings that count (--fail-on): " + ", ".join(f"{k} {v}" for k, v in counted.items()))
    return "\n".join(lines)


def run_audit(args: argparse.Namespace) -> int:
    """Run `ftkit audit` with parsed arguments; returns the exit status."""
    try:
        fail_on = _fail_on(args.fail_on)
        keep = _kinds(args.keep, FINDINGS)
    except argparse.ArgumentTypeError as error:
        print(f"ftkit audit: error: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if "malformed" in keep:
        print("ftkit audit: error: malformed rows cannot be kept: nothing can read them", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        report = audit(
            args.path, reference=args.reference or (), format=args.format, id_field=args.id_field,
            near_threshold=args.near_threshold, max_words=args.max_words, strict=args.strict, progress=True,
        )
    except (InputError, OSError, UnicodeError) as error:
        print(f"ftkit audit: cannot read the input: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    drop = [kind for kind in DROPPED_BY_DEFAULT if kind not in keep]
    repair = [kind for kind in REPAIRED_BY_DEFAULT if kind not in keep]
    cleaned = clean(args.path, report, drop=drop, repair=repair)
    counts = dict(report.counts, **{SKEWED_TERM: len(report.skewed_terms)})
    counted = {name: counts[name] for name in fail_on if counts.get(name)}
    human = _summary(report, cleaned, counted)
    if args.out:
        human += f"\nwrote {write_rows(cleaned.rows, args.out)} ({len(cleaned.rows)} rows, format {report.format})"
    if args.ledger:
        human += f"\nwrote {write_rows([ledger_record(entry) for entry in cleaned.ledger], args.ledger)} ({len(cleaned.ledger)} entries)"
    if args.report:
        with open(args.report, "w", encoding="utf-8") as out:
            out.write(markdown_report(report, cleaned))
        human += f"\nwrote {args.report}"
    if args.json:
        print(json.dumps(report_dict(report, cleaned), ensure_ascii=False, indent=1, default=str))
        print(human, file=sys.stderr)
    else:
        print(human)
    return EXIT_FINDINGS if counted else EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ftkit` command (and `python -m ftkit`)."""
    args = build_parser().parse_args(argv)
    if args.command == "audit":
        return run_audit(args)
    return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
