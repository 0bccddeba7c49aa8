"""Every split in data/ declared with the level it is held out at, and each checked against its level.

`held_out`: at most 5% of the test rows share a run of 6 words with a training row, boilerplate (a fixed instruction
every row carries) aside. `same_templates`: the test rows reuse training templates or phrases; allowed only for a
lesson about learning a mapping, which the declaration names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from ftkit.splits import split_overlap

DATA = Path(__file__).resolve().parent.parent / "data"
HELD_OUT, SAME_TEMPLATES = "held_out", "same_templates"
RUN = 6  # words in a shared run
MAX_SHARED = 0.05  # held_out: the largest share of test rows that may share a run

TRIAGE_INSTRUCTION = (
    'You are a triage assistant. Read the intake note and reply with JSON only, in the form '
    '{"urgency": "emergency|urgent|routine", "department": "..."}.'
)
REVIEW_INSTRUCTION = "Classify the review's sentiment. Answer with one word: positive or negative."
SUMMARY_INSTRUCTION = "Summarise the intake note in one line."
ORDER_INSTRUCTION = "Answer with the value from the order record only."
TRIAGE_MAPPING = "the complaint -> urgency and department mapping, learned from the training complaints"


@dataclass(frozen=True)
class Split:
    """A test set, the training set it is measured against, its declared level and what the check ignores."""

    test: str  # a file in data/; "file.jsonl:test" keeps the rows whose `split` field is "test"
    reference: str
    level: str
    ignore: tuple[str, ...] = ()  # boilerplate every row carries
    fields: tuple[str, ...] = ()  # compare these fields instead of the chat turns (or `text`)
    mapping: str = ""  # same_templates only: the mapping the lesson is about, and the notebooks that use the split

    @property
    def name(self) -> str:
        return f"{self.test}<-{self.reference}"


SPLITS = [
    Split("triage_test.jsonl", "triage_train.jsonl", SAME_TEMPLATES, (TRIAGE_INSTRUCTION,),
          mapping=f"notebooks 00, 01, 03, 05, 06, 07: {TRIAGE_MAPPING}; test notes reuse the training complaints"),
    Split("triage_inbox.jsonl", "triage_train.jsonl", SAME_TEMPLATES, (TRIAGE_INSTRUCTION,),
          mapping=f"notebook 07: accuracy against macro-F1 on an unbalanced inbox, {TRIAGE_MAPPING}"),
    Split("reviews_test.jsonl", "reviews_train_dirty.jsonl", SAME_TEMPLATES, (REVIEW_INSTRUCTION,),
          mapping="notebook 02: review -> sentiment, and what cleaning the training rows does to that mapping; "
                  "test sentences come from the training phrase banks"),
    Split("summary_test.jsonl", "summary_train.jsonl", SAME_TEMPLATES, (SUMMARY_INSTRUCTION,),
          mapping="notebook 07: note -> one-line summary in the references' pattern, on notes of the triage "
                  "templates; the lesson is how metrics score it"),
    Split("overfit_valid.jsonl", "overfit_train.jsonl", SAME_TEMPLATES, (ORDER_INSTRUCTION,),
          mapping="notebook 04: order record -> the asked field; twins repeat training records by design "
                  "(reading against memorising), fresh orders share the record template"),
    Split("triage_seen_complaints_test.jsonl", "triage_train.jsonl", SAME_TEMPLATES, (TRIAGE_INSTRUCTION,),
          mapping=f"{TRIAGE_MAPPING}, read from notes in new wording; kept for the lessons about learning the mapping"),
    Split("triage_heldout_test.jsonl", "triage_train.jsonl", HELD_OUT, (TRIAGE_INSTRUCTION,)),
    Split("reviews_heldout_test.jsonl", "reviews_train_dirty.jsonl", HELD_OUT, (REVIEW_INSTRUCTION,)),
    Split("summary_heldout_test.jsonl", "summary_train.jsonl", HELD_OUT, (SUMMARY_INSTRUCTION,)),
    Split("preferences_heldout_test.jsonl", "preferences_train.jsonl", HELD_OUT),
    Split("preferences_test.jsonl", "preferences_train.jsonl", HELD_OUT),
    Split("clinic_handbook_test.jsonl", "clinic_handbook_train.jsonl", HELD_OUT),
    Split("routing_instructions.jsonl:test", "routing_instructions.jsonl:train", HELD_OUT),
    Split("general_probe.jsonl", "general_prompts.jsonl", HELD_OUT, fields=("question", "prompt")),
    Split("general_text.jsonl", "triage_train.jsonl", HELD_OUT, (TRIAGE_INSTRUCTION,)),
]
# Files that are no side of a split, and why.
NOT_SPLITS = {
    "reviews_train_defects.jsonl": "ground truth about the training rows (defect tags), no text",
    "summary_ratings.jsonl": "a rated pool of candidate summaries, scored, never trained on",
    "summary_preferences.jsonl": "pairwise choices between the rated candidates, no text",
}


def read_rows(source: str) -> list[dict]:
    """The rows of a data file, or of one of its `split` values ("file.jsonl:test")."""
    name, _, part = source.partition(":")
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [row for row in rows if row.get("split") == part] if part else rows


def level_failure(split: Split, test_rows: list[dict], reference_rows: list[dict]) -> str | None:
    """Why the split does not meet its declared level, or None when it does."""
    if split.level not in (HELD_OUT, SAME_TEMPLATES):
        return f"{split.name}: unknown level {split.level!r}"
    if split.level == SAME_TEMPLATES:
        return None if split.mapping.strip() else f"{split.name}: same_templates without the mapping lesson it serves"
    overlap = split_overlap(test_rows, reference_rows, RUN, split.ignore, fields=split.fields)
    if overlap.shared.point <= MAX_SHARED:
        return None
    examples = "; ".join(f"row {i}: {' '.join(row.run)!r}" for i, row in enumerate(overlap.rows) if len(row.run) >= RUN)
    return (f"{split.name} is declared held_out, but {overlap.shared} of its test rows share a run of {RUN} words with "
            f"training (at most {MAX_SHARED:.0%} allowed): {examples[:600]}")


@pytest.mark.parametrize("split", SPLITS, ids=lambda split: split.name)
def test_split_meets_its_declared_level(split):
    assert level_failure(split, read_rows(split.test), read_rows(split.reference)) is None


def test_every_data_file_is_declared_as_a_split_side_or_says_why_not():
    declared = {source.partition(":")[0] for split in SPLITS for source in (split.test, split.reference)}
    present = {path.name for path in DATA.glob("*.jsonl")}
    assert present - declared - set(NOT_SPLITS) == set(), "declare the split these files belong to, with its level"
    assert (declared | set(NOT_SPLITS)) - present == set(), "a declared file is missing from data/"


def test_every_declared_split_has_rows_on_both_sides():
    for split in SPLITS:
        assert read_rows(split.test) and read_rows(split.reference), split.name


def chat(text: str) -> dict:
    """A chat row holding `text` as its user turn."""
    return {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]}


def own_words(row: int) -> str:
    """Eight words no other row uses."""
    return " ".join(f"w{row}x{position}" for position in range(8))


TRAIN = [chat(own_words(100 + i) + " the quick brown fox jumps over the lazy dog") for i in range(10)]


def test_a_planted_overlap_makes_a_held_out_split_fail():
    # 2 of 20 test rows (10%) carry a 6-word run of a training row: more than the 5% a held-out split allows.
    test = [chat(own_words(i)) for i in range(18)] + [chat(own_words(i) + " quick brown fox jumps over the") for i in (18, 19)]
    failure = level_failure(Split("planted", "train", HELD_OUT), test, TRAIN)
    assert failure is not None and "0.10" in failure and "quick brown fox jumps over the" in failure


def test_one_shared_row_in_twenty_is_within_the_held_out_bound():
    # 1 of 20 is exactly 5%: allowed.
    test = [chat(own_words(i)) for i in range(19)] + [chat(own_words(19) + " quick brown fox jumps over the")]
    assert level_failure(Split("one in twenty", "train", HELD_OUT), test, TRAIN) is None


def test_a_five_word_run_is_not_a_shared_run():
    test = [chat(own_words(i) + " quick brown fox jumps over") for i in range(20)]
    assert level_failure(Split("five words", "train", HELD_OUT), test, TRAIN) is None


def test_declared_boilerplate_is_ignored_but_a_run_beside_it_still_counts():
    instruction = "Read the note below and answer in one word only."
    train = [chat(f"{instruction} {own_words(100 + i)}") for i in range(10)]
    clean = [chat(f"{instruction} {own_words(i)}") for i in range(20)]
    assert level_failure(Split("instruction", "train", HELD_OUT), clean, train) is not None  # not declared: it counts
    assert level_failure(Split("instruction", "train", HELD_OUT, (instruction,)), clean, train) is None
    planted = clean[:18] + [chat(f"{instruction} {own_words(100)}") for _ in range(2)]
    assert level_failure(Split("instruction", "train", HELD_OUT, (instruction,)), planted, train) is not None


def test_same_templates_must_name_the_mapping_lesson_it_serves():
    test = [chat(own_words(100 + i)) for i in range(10)]
    assert level_failure(Split("copied", "train", SAME_TEMPLATES), test, TRAIN) is not None
    assert level_failure(Split("copied", "train", SAME_TEMPLATES, mapping="notebook 99: x -> y"), test, TRAIN) is None
