"""`ftkit audit`: audit a fine-tuning set from the command line, optionally writing the cleaned rows, a ledger and
a report. Exit status: 0 no findings that count, 1 findings (see --fail-on), 2 a usage or I/O error (a bad option or
path, an input that cannot be read, an output that cannot be written), 3 an internal error (a bug). Options and
output paths are checked before the input is read; no input makes it print a traceback."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ftkit.data_quality.auditor import audit
from ftkit.data_quality.cleaning import clean
from ftkit.data_quality.formats import FORMATS
from ftkit.data_quality.json_rows import InputError
from ftkit.data_quality.kinds import DROPPED_BY_DEFAULT, FINDINGS, REPAIRED_BY_DEFAULT, SKEWED_TERM, default_action
from ftkit.data_quality.phones import DEFAULT_REGIONS
from ftkit.data_quality.pii import mask_pii
from ftkit.data_quality.rendering import ledger_record, markdown_report, report_dict
from ftkit.data_quality.suspects import TOP, load_local_model, model_dir_problem, rank_labels, ranking_lines
from ftkit.data_quality.writing import output_problem, write_rows, write_text
from ftkit.splits import add_split_report_command, run_split_report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXAMPLES = """examples:
  ftkit audit train.jsonl --out clean.jsonl --report report.md
  ftkit audit chats.parquet --format sharegpt --reference test.jsonl --ledger ledger.jsonl
  ftkit audit prefs.json --fail-on exact_duplicate,leaked,conflicting_answers   # CI gate on three findings
  python -m ftkit audit saved_dataset/ --json > audit.json
  ftkit audit train.jsonl --rank-labels models/SmolLM2-135M-Instruct   # also list the 10 most suspect labels

formats: messages, prompt-completion (plain or conversational), alpaca, sharegpt, preference (plain or
conversational); read from JSONL, a JSON array, CSV, Parquet or a datasets.save_to_disk folder.
findings: """ + ", ".join(FINDINGS) + f""", {SKEWED_TERM}.
exit status: 0 no findings that count, 1 findings that count (--fail-on), 2 usage or I/O error (a bad option
or path, the input cannot be read, an output cannot be written), 3 internal error (a bug: please report it).
"""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(EXIT_UNREADABLE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def unit_interval(text: str) -> float:
    """A number in (0, 1]: a Jaccard similarity threshold."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:  # a Jaccard similarity is at most 1, and at 0 every pair would be a near-duplicate
        raise argparse.ArgumentTypeError(f"{text} is not in (0, 1]")
    return value


def positive_int(text: str) -> int:
    """A whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not above 0")
    return value


def regions(text: str) -> tuple[str, ...]:
    """Comma-separated ISO 3166 region codes that phone numbers are read in, checked against libphonenumber's."""
    from phonenumbers import SUPPORTED_REGIONS

    codes = tuple(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = [code for code in codes if code not in SUPPORTED_REGIONS]
    if unknown or not codes:
        raise argparse.ArgumentTypeError(f"unknown region {', '.join(unknown) or '(none given)'}; use codes such as US,GB,DE,IN")
    return codes



def _kinds(text: str, allowed: Sequence[str]) -> list[str]:
    """A comma-separated list of finding kinds, checked."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown finding {', '.join(unknown)}; known: {', '.join(allowed)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The `ftkit` parser with its `audit` subcommand."""
    parser = OneLineParser(prog="ftkit", description="ftkit command line tools.")
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
        "--near-threshold", type=unit_interval, default=0.7, metavar="J",
        help="word 3-gram Jaccard in (0, 1] from which two prompts are near-duplicates (default: 0.7; raise it to keep templated rows)",
    )
    command.add_argument(
        "--max-words", type=positive_int, metavar="N",
        help="rows longer than this are overlong (default: 5x the median, at least 200; a character of Chinese, Japanese or Thai counts as a word)",
    )
    command.add_argument(
        "--phone-regions", type=regions, default=DEFAULT_REGIONS, metavar="CODES",
        help=f"regions whose national phone numbers are personal data (default: {','.join(DEFAULT_REGIONS)}; '+' numbers always are)",
    )
    command.add_argument("--show-pii", action="store_true", help="show redacted personal data unmasked in the report and ledger (local debugging only)")
    command.add_argument(
        "--rank-labels", metavar="MODEL_DIR",
        help="rank the kept rows by answer loss under a local model folder (safetensors, with its tokenizer; nothing is "
        "downloaded) and list the most suspect labels: flagged, never dropped, and not counted in the exit status",
    )
    command.add_argument("--rank-top", type=positive_int, default=TOP, metavar="N", help=f"suspect labels listed (default: {TOP})")
    add_split_report_command(commands)
    return parser


def _fail_on(text: str) -> list[str]:
    every = list(FINDINGS) + [SKEWED_TERM]
    if text == "any":
        return every
    if text == "none":
        return []
    return _kinds(text, every)


def _one_line(error: Exception) -> str:
    """An exception's message on one line (the libraries that load models write several)."""
    return " ".join(str(error).split()) or type(error).__name__


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
    unchanged = f", {cleaned.flagged} flagged but unchanged (no repair applies)" if cleaned.flagged else ""
    lines.append(f"cleaned: kept {len(cleaned.rows)} of {cleaned.n_input} rows, {cleaned.dropped} dropped, {cleaned.changed} repaired{unchanged}")
    if counted:
        lines.append("exit 1: findings that count (--fail-on): " + ", ".join(f"{k} {v}" for k, v in counted.items()))
    return "\n".join(lines)


def output_problems(args: argparse.Namespace) -> list[str]:
    """What is wrong with the output paths: a kind we cannot write, no writable place, or a path used twice."""
    outputs = {"--out": args.out, "--ledger": args.ledger, "--report": args.report}
    inputs = {args.path: "the input", args.reference: "--reference"}
    seen = {Path(path).resolve(): name for path, name in inputs.items() if path}
    problems = []
    for option, path in outputs.items():
        if not path:
            continue
        resolved = Path(path).resolve()
        if resolved in seen:
            problems.append(f"{option} {path} is also {seen[resolved]}: it would be overwritten")
            continue
        seen[resolved] = option
        if problem := output_problem(path, rows=option != "--report"):
            problems.append(f"{option}: {problem}")
    return problems


def _write_outputs(args: argparse.Namespace, report, cleaned) -> str:
    """Write the cleaned rows, the ledger and the report that were asked for; the lines that say so."""
    lines = []
    if args.out:
        lines.append(f"wrote {write_rows(cleaned.rows, args.out)} ({len(cleaned.rows)} rows, format {report.format})")
    if args.ledger:
        records = [ledger_record(entry, args.show_pii, report.phone_regions) for entry in cleaned.ledger]
        lines.append(f"wrote {write_rows(records, args.ledger)} ({len(cleaned.ledger)} entries)")
    if args.report:
        lines.append(f"wrote {write_text(markdown_report(report, cleaned, show_pii=args.show_pii), args.report)}")
    return "".join("\n" + line for line in lines)


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
    if problems := output_problems(args):
        print(f"ftkit audit: error: {'; '.join(problems)}", file=sys.stderr)
        return EXIT_UNREADABLE
    ranker = None
    if args.rank_labels:
        if problem := model_dir_problem(args.rank_labels):
            print(f"ftkit audit: error: --rank-labels: {problem}", file=sys.stderr)
            return EXIT_UNREADABLE
        try:  # loaded before the audit, so a folder that holds no usable model fails at once
            ranker = load_local_model(args.rank_labels)
        except (OSError, ValueError) as error:
            print(f"ftkit audit: error: --rank-labels: cannot load the model in {args.rank_labels}: {_one_line(error)}", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        report = audit(
            args.path, reference=args.reference or (), format=args.format, id_field=args.id_field,
            near_threshold=args.near_threshold, max_words=args.max_words, strict=args.strict, progress=True,
            phone_regions=args.phone_regions,
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
    if ranker is not None:
        try:
            report.label_ranking = rank_labels(report, cleaned, *ranker, model_name=args.rank_labels, top=args.rank_top)
        except ValueError as error:  # a chat template that cannot render these rows
            print(f"ftkit audit: error: --rank-labels: cannot score the rows: {_one_line(error)}", file=sys.stderr)
            return EXIT_UNREADABLE
        shown = (lambda text: text) if args.show_pii else (lambda text: mask_pii(text, report.phone_regions))
        human += "".join("\n" + line for line in ranking_lines(report.label_ranking, shown))
    try:
        human += _write_outputs(args, report, cleaned)
    except (OSError, ValueError) as error:  # an unencodable row, a full disk, a row pyarrow cannot hold
        print(f"ftkit audit: cannot write the output: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(json.dumps(report_dict(report, cleaned, args.show_pii), ensure_ascii=False, indent=1, default=str))
        print(human, file=sys.stderr)
    else:
        print(human)
    return EXIT_FINDINGS if counted else EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ftkit` command (and `python -m ftkit`)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return run_audit(args)
        if args.command == "split-report":
            return run_split_report(args)
    except KeyboardInterrupt:
        print("ftkit: interrupted; no output was written in part", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as error:  # the last resort: one line, a status of its own, never a traceback
        print(f"ftkit: internal error: {type(error).__name__}: {error} (a bug: please report it)", file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
