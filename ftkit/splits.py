"""How far a test split is held out from its training split: the longest word run each test row shares with any
training row, the share of test rows sharing a run of N words, and the cheap baselines when the rows carry labels.

`ftkit split-report test.jsonl --reference train.jsonl` is its command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ftkit.baselines import (
    MajorityBaseline,
    NeighbourBaseline,
    labelled_texts,
    majority_baseline,
    nearest_neighbour_baseline,
    without_phrases,
)
from ftkit.data_quality.formats import RowError, read_sample, row_format
from ftkit.data_quality.json_rows import InputError, UnreadableRow
from ftkit.data_quality.reading import load_rows
from ftkit.data_quality.text import words
from ftkit.stats import Estimate, rate

# Six words: long enough that two independently written sentences rarely share a run (beyond boilerplate), short
# enough that one reused template phrase ("crushing chest pain spreading to the left arm") shows.
DEFAULT_RUN = 6
PARTS = ("all", "prompt", "answers")
# Answers count as labels when they recur: at most one distinct answer per two training rows. Free-text answers
# (summaries, replies) are nearly all distinct, and a vote over them measures nothing.
MAX_DISTINCT_LABEL_SHARE = 0.5
SHOWN_WORDS = 12  # words of a shared run printed per row
EXIT_REPORTED, EXIT_OVER_SHARE, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class RowOverlap:
    """One test row: where it is and the longest run of words it shares with a training row."""

    location: str
    run: tuple[str, ...]


@dataclass(frozen=True)
class SplitOverlap:
    """Every test row's longest shared run and the share of test rows sharing at least `run` words."""

    rows: list[RowOverlap]
    run: int
    n_reference: int
    shared: Estimate


@dataclass(frozen=True)
class SplitReport:
    """The overlap of a split and, when its rows carry labels, the majority and nearest-neighbour baselines."""

    overlap: SplitOverlap
    labels: str  # where the labels came from, or why there are none
    majority: MajorityBaseline | None = None
    neighbours: NeighbourBaseline | None = None


def row_texts(row: Mapping, part: str = "all", fields: Sequence[str] = ()) -> list[str]:
    """The strings of a row that are compared across splits, each on its own (a run never spans two of them).

    With `fields`: those top-level fields (strings, or message lists whose contents count). Otherwise a chat row's
    turns (`part`: "all" turns, every answer of a preference row included; the user turns of the "prompt"; the
    "answers"), or a plain row's `text`.
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
    if fields:
        texts = []
        for name in fields:
            value = row.get(name)
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list):
                texts += [m["content"] for m in value if isinstance(m, Mapping) and isinstance(m.get("content"), str)]
            elif value is not None:
                raise ValueError(f"field {name!r} holds {type(value).__name__}, not text")
        return texts
    fmt = row_format(row)
    if fmt is None:
        if isinstance(row.get("text"), str):
            return [row["text"]]
        raise ValueError(f"row has no chat and no `text` field (keys: {', '.join(map(str, row))}); name the fields")
    sample = read_sample(row, fmt)
    if part == "prompt":
        return [text for role, text in sample.context if role == "user"]
    if part == "answers":
        return list(sample.answers)
    return [field.text for field in sample.fields]


def longest_shared_runs(test: Sequence[Sequence[Sequence[str]]], reference: Sequence[Sequence[Sequence[str]]]) -> list[tuple[str, ...]]:
    """For each test row (a list of word sequences), the longest run of consecutive words found in a reference row.

    Runs grow one word at a time from every position where the shorter run was shared, on both sides at once, so
    the work follows the shared text rather than the length of the longest run times the size of the sets.
    """
    test_seqs = [(row, seq) for row, seqs in enumerate(test) for seq in seqs]
    ref_seqs = [seq for seqs in reference for seq in seqs]
    ids: dict = {}  # a run's key -> its id; a run of n words is keyed (id of its first n-1 words, its last word)
    test_at = {(s, i): ids.setdefault(w, len(ids)) for s, (_, seq) in enumerate(test_seqs) for i, w in enumerate(seq)}
    ref_at = {(s, i): ids[w] for s, seq in enumerate(ref_seqs) for i, w in enumerate(seq) if w in ids}
    best = [(0, 0, 0)] * len(test)  # per test row: (length, sequence, start)
    length = 1
    while True:
        shared = set(ref_at.values())
        test_at = {place: code for place, code in test_at.items() if code in shared}
        if not test_at:
            break
        for s, i in test_at:
            row = test_seqs[s][0]
            if length > best[row][0]:
                best[row] = (length, s, i)
        wanted = set(test_at.values())
        ref_at = {place: code for place, code in ref_at.items() if code in wanted}
        test_at = {(s, i): ids.setdefault((code, test_seqs[s][1][i + length]), len(ids))
                   for (s, i), code in test_at.items() if i + length < len(test_seqs[s][1])}
        ref_at = {(s, i): ids[key] for (s, i), code in ref_at.items()
                  if i + length < len(ref_seqs[s]) and (key := (code, ref_seqs[s][i + length])) in ids}
        length += 1
    return [tuple(test_seqs[s][1][i : i + n]) if n else () for n, s, i in best]


def _rows(source: object) -> tuple[list[Mapping], list[str]]:
    """Rows and their places (file:line) from a path or a list of rows; InputError for a place with no row."""
    loaded = load_rows(source)
    for row, location in zip(loaded.rows, loaded.locations):
        if isinstance(row, UnreadableRow):
            raise InputError(location, None, row.field, row.problem)
        if not isinstance(row, Mapping):
            raise InputError(location, None, "<row>", f"must be an object, got {type(row).__name__}")
    return loaded.rows, loaded.locations


def _words(rows: Sequence[Mapping], locations: Sequence[str], part: str, fields: Sequence[str], ignore: Sequence[Sequence[str]]) -> list[list[list[str]]]:
    """Each row's compared texts as word sequences, ignored phrases cut out."""
    found = []
    for row, location in zip(rows, locations):
        try:
            texts = row_texts(row, part, fields)
        except (RowError, ValueError) as error:
            raise InputError(location, None, getattr(error, "field", ""), getattr(error, "problem", str(error))) from None
        found.append([piece for text in texts for piece in without_phrases(words(text), ignore)])
    return found


def _overlap(test: tuple, reference: tuple, run: int, ignore: Sequence[str], part: str, fields: Sequence[str]) -> SplitOverlap:
    """`split_overlap` of loaded (rows, places) pairs."""
    if run < 1:
        raise ValueError(f"run must be at least one word, got {run}")
    phrases = [words(text) for text in ignore]
    runs = longest_shared_runs(_words(*test, part, fields, phrases), _words(*reference, part, fields, phrases))
    rows = [RowOverlap(place, found) for place, found in zip(test[1], runs)]
    return SplitOverlap(rows, run, len(reference[0]), rate([len(found) >= run for found in runs]))


def split_overlap(
    test: object, reference: object, run: int = DEFAULT_RUN, ignore: Sequence[str] = (), part: str = "all", fields: Sequence[str] = ()
) -> SplitOverlap:
    """Every test row's longest word run shared with a training row, and the share sharing `run` words or more.

    `test` and `reference` are paths or lists of rows; `ignore` lists boilerplate (a fixed instruction) whose words
    are cut out of every row before runs are counted. Words are lower-cased, punctuation dropped.
    """
    return _overlap(_rows(test), _rows(reference), run, ignore, part, fields)


def _labels(test: list[Mapping], reference: list[Mapping], label_field: str | None) -> tuple[str, tuple | None]:
    """Where the labels come from and ((train texts, train labels), (test texts, test labels)), or why there are none."""
    if label_field is None and not all(row_format(row) for row in (*reference, *test)):
        return "no labels: rows without a chat carry no answer (name a label field)", None
    try:
        train, held = labelled_texts(reference, label_field), labelled_texts(test, label_field)
    except (RowError, ValueError) as error:
        return f"no labels: {error}", None
    distinct = len(set(train[1]))
    source = f"field {label_field!r}" if label_field else "the final answer"
    summary = f"{source}, {distinct} distinct in {len(reference)} training rows"
    if label_field is None and distinct > MAX_DISTINCT_LABEL_SHARE * len(reference):
        return f"no labels: answers do not recur ({summary}); name a label field for a vote", None
    return f"labels: {summary}", (train, held)


def split_report(
    test: object,
    reference: object,
    run: int = DEFAULT_RUN,
    ignore: Sequence[str] = (),
    part: str = "all",
    fields: Sequence[str] = (),
    label_field: str | None = None,
) -> SplitReport:
    """The split's overlap (`split_overlap`) and, when rows carry labels, the majority and nearest-neighbour baselines.

    `ignore` (boilerplate every row carries) is cut out before both the word runs and the neighbour vote.
    """
    test_rows, reference_rows = _rows(test), _rows(reference)
    overlap = _overlap(test_rows, reference_rows, run, ignore, part, fields)
    note, labelled = _labels(test_rows[0], reference_rows[0], label_field)
    if labelled is None:
        return SplitReport(overlap, note)
    (train_texts, train_labels), (test_texts, test_labels) = labelled
    return SplitReport(
        overlap, note, majority_baseline(train_labels, test_labels),
        nearest_neighbour_baseline(train_texts, train_labels, test_texts, test_labels, ignore=ignore),
    )


def _shown(run: tuple[str, ...]) -> str:
    """A run as printed: its first words, quoted."""
    text = " ".join(run[:SHOWN_WORDS]) + (" ..." if len(run) > SHOWN_WORDS else "")
    return f'"{text}"' if run else "-"


def format_split_report(report: SplitReport) -> str:
    """The report as people read it: one line per test row, then the shared share and the baselines."""
    overlap = report.overlap
    width = max(len(row.location) for row in overlap.rows)
    lines = ["longest word run shared with a training row, per test row:"]
    lines += [f"  {row.location:<{width}}  {len(row.run):>4}  {_shown(row.run)}" for row in overlap.rows]
    lines.append(f"test rows sharing a run of {overlap.run}+ words with one of {overlap.n_reference} training rows: {overlap.shared}")
    lines.append(report.labels)
    if report.majority is not None:
        lines.append(f"majority answer ({report.majority.answer!r}): {report.majority.accuracy}")
    if report.neighbours is not None:
        tried = ", ".join(f"{k}: {acc:.2f}" for k, acc in report.neighbours.training_accuracy.items())
        lines.append(f"nearest-neighbour vote, k={report.neighbours.k}: {report.neighbours.accuracy}"
                     f"  (k chosen by leave-one-out accuracy on the training rows: {tried})")
    return "\n".join(lines)


EXAMPLES = """examples:
  ftkit split-report test.jsonl --reference train.jsonl
  ftkit split-report test.jsonl --reference train.jsonl --ignore "Classify the review's sentiment." --label-field label
  ftkit split-report test.jsonl --reference train.jsonl --part answers --max-share 0.05   # CI gate on references

exit status: 0 reported, 1 more test rows share a run than --max-share allows, 2 an input cannot be read.
"""


def add_split_report_command(commands: argparse._SubParsersAction) -> None:
    """Register the `split-report` subcommand on the `ftkit` parser."""
    command = commands.add_parser(
        "split-report",
        help="how far a test set is held out from its training set, and the cheap baselines it must beat",
        description="Per test row, the longest word run shared with any training row; the share of test rows sharing "
        "a run of N words; the majority and nearest-neighbour baselines when rows carry labels.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("path", help="the test set (JSONL, JSON, CSV, Parquet or a datasets.save_to_disk folder)")
    command.add_argument("--reference", required=True, help="the training set, in any supported file")
    command.add_argument("--run", type=int, default=DEFAULT_RUN, help=f"words in a run that counts as shared (default: {DEFAULT_RUN})")
    command.add_argument("--ignore", action="append", default=[], metavar="TEXT",
                         help="boilerplate cut out of every row before runs are counted and before the neighbour vote "
                              "(a fixed instruction); repeatable")
    command.add_argument("--label-field", help="row field holding the label (default: the final answer, when answers recur)")
    command.add_argument("--part", default="all", choices=PARTS, help="chat turns compared: all, the user turns, or the answers (default: all)")
    command.add_argument("--field", action="append", default=[], dest="fields", metavar="NAME",
                         help="compare these top-level fields instead of the chat turns; repeatable")
    command.add_argument("--max-share", type=float, metavar="S", help="exit 1 when a larger share of test rows shares a run")


def run_split_report(args: argparse.Namespace) -> int:
    """Run `ftkit split-report` with parsed arguments; returns the exit status."""
    try:
        report = split_report(args.path, args.reference, args.run, args.ignore, args.part, args.fields, args.label_field)
    except (InputError, OSError, UnicodeError, ValueError) as error:
        print(f"ftkit split-report: error: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"ftkit split-report: {args.path} against {args.reference}")
    print(format_split_report(report))
    if args.max_share is not None and report.overlap.shared.point > args.max_share:
        print(f"exit 1: {report.overlap.shared.point:.2f} of test rows share a run, more than --max-share {args.max_share}")
        return EXIT_OVER_SHARE
    return EXIT_REPORTED
