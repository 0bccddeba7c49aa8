"""The datasheet figures of every declared split, as markdown: `python data/measure_splits.py`.

For each split of `tests/test_splits.py` (its declaration table is imported, so the two never disagree): the test and
training rows, the share of test rows sharing a run of 6 words with a training row and the longest such run (the
declared boilerplate cut out), and, when the rows carry labels, the majority answer and the nearest-neighbour vote
over the training rows (TF-IDF, k chosen by leave-one-out on training, the boilerplate cut out too), all with Wilson
intervals. Triage splits get the vote per label field as well (`urgency`, `department`), and the review splits per
slice (lukewarm reviews, the Brevo brand). Everything is computed by `ftkit.splits` and `ftkit.baselines`; data/README.md
quotes these tables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ftkit.baselines import labelled_texts, majority_baseline, nearest_neighbour_baseline  # noqa: E402
from ftkit.splits import split_report  # noqa: E402
from ftkit.stats import rate  # noqa: E402
from tests.test_splits import RUN, SPLITS, Split, read_rows  # noqa: E402

LABEL_FIELDS = ("urgency", "department")  # triage rows carry both beside the JSON answer
# Slices of the review splits read off the overall vote's predictions: (name, test-row filter).
SLICES: dict[str, list[tuple[str, Callable[[Mapping], bool]]]] = {
    "reviews_test.jsonl": [("lukewarm", lambda row: row.get("tone") == "lukewarm"),
                           ("Brevo", lambda row: row.get("brand") == "Brevo")],
}
SLICES["reviews_heldout_test.jsonl"] = SLICES["reviews_test.jsonl"]


def _share(estimate) -> str:
    """`3/80, 0.04 [0.01, 0.10]`: the count beside the rate and its interval (n is the row count already shown)."""
    return f"{round(estimate.point * estimate.n)}/{estimate.n}, {estimate.format().rsplit(' n=', 1)[0]}"


def _rate(estimate) -> str:
    """A rate with its interval, n left to the rows column."""
    return estimate.format().rsplit(" n=", 1)[0]


def _answer(answer: object, width: int = 60) -> str:
    text = str(answer).replace("|", "\\|")
    return f"`{text if len(text) <= width else text[: width - 3] + '...'}`"


def measure(split: Split) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """The split's row of the overall table, its rows of the per-field table and of the slice table."""
    test, reference = read_rows(split.test), read_rows(split.reference)
    report = split_report(test, reference, RUN, split.ignore, fields=split.fields)
    overlap = report.overlap
    longest = max(len(row.run) for row in overlap.rows)
    row = [f"`{split.test}`", f"`{split.reference}`", split.level, f"{len(test)} / {len(reference)}",
           _share(overlap.shared), str(longest)]
    if report.majority is None:
        row += [report.labels.removeprefix("no labels: "), "-", "-"]
    else:
        row += [report.labels.removeprefix("labels: "),
                f"{_rate(report.majority.accuracy)} ({_answer(report.majority.answer)})",
                f"{_rate(report.neighbours.accuracy)} (k={report.neighbours.k})"]
    fields = []
    if all(all(name in r for name in LABEL_FIELDS) for r in (*test, *reference)):
        for name in LABEL_FIELDS:
            (train_texts, train_labels), (test_texts, test_labels) = labelled_texts(reference, name), labelled_texts(test, name)
            majority = majority_baseline(train_labels, test_labels)
            vote = nearest_neighbour_baseline(train_texts, train_labels, test_texts, test_labels, ignore=split.ignore)
            fields.append([f"`{split.test}`", name, str(len(test)), f"{_rate(majority.accuracy)} ({_answer(majority.answer)})",
                           f"{_rate(vote.accuracy)} (k={vote.k})"])
    slices = []
    if report.neighbours is not None:
        truth = labelled_texts(test)[1]  # the overall labels: the final answers
        for name, keep in SLICES.get(split.test, []):
            chosen = [i for i, r in enumerate(test) if keep(r)]
            vote = rate([report.neighbours.predictions[i] == truth[i] for i in chosen])
            majority = rate([report.majority.answer == truth[i] for i in chosen])
            slices.append([f"`{split.test}`", name, str(len(chosen)), _rate(majority), _rate(vote)])
    return row, fields, slices


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main() -> None:
    overall, fields, slices = [], [], []
    for split in SPLITS:
        row, field_rows, slice_rows = measure(split)
        overall.append(row)
        fields += field_rows
        slices += slice_rows
    print(f"## Every declared split (`tests/test_splits.py`): shared {RUN}-word runs and the cheap baselines\n")
    print(f"Word runs and the neighbour vote with each split's declared boilerplate cut out; Wilson 95% intervals; "
          f"the vote is TF-IDF over words and word pairs, k chosen by leave-one-out accuracy on the training rows.\n")
    print(table(["test", "training", "level", "rows (test / training)", f"sharing a {RUN}-word run", "longest run",
                 "labels", "majority answer", "nearest-neighbour vote"], overall))
    print("\n## Triage splits per label field\n")
    print(table(["test", "field", "rows", "majority answer", "nearest-neighbour vote"], fields))
    print("\n## Review splits per slice (the overall vote's predictions)\n")
    print(table(["test", "slice", "rows", "majority answer", "nearest-neighbour vote"], slices))


if __name__ == "__main__":
    main()
