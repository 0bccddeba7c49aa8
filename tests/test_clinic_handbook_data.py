"""The hand-written sets of notebook 06: the clinic handbook (raw domain text, train and held-out paragraphs) and the
routing instructions (train and held-out phrasings): row format, ids, coverage of every department, and splits that
share no wording."""

from __future__ import annotations

import importlib.util
import json
import re
from types import ModuleType

import pytest

from curriculum.evaluation_lab import BODY_SYSTEMS
from curriculum.paths import data_file

HANDBOOK_SIZES = {"train": 40, "test": 12}
INSTRUCTION_SIZES = {"train": 10, "test": 6}


def read(name: str) -> list[dict]:
    """The rows of a committed data file."""
    return [json.loads(line) for line in data_file(name).read_text(encoding="utf-8").splitlines()]


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation dropped."""
    return re.findall(r"[a-z0-9]+", text.lower())


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """The word n-grams of a text, after `words`."""
    tokens = words(text)
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def sentences(text: str) -> set[str]:
    """The sentences of a paragraph, lower-cased and stripped."""
    return {s.strip().lower() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()}


@pytest.fixture(scope="module")
def triage_generator() -> ModuleType:
    """data/make_triage.py, loaded by path (data/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_triage", data_file("make_triage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def handbook() -> dict[str, list[dict]]:
    """clinic_handbook_train.jsonl and clinic_handbook_test.jsonl as committed, by split."""
    return {split: read(f"clinic_handbook_{split}.jsonl") for split in HANDBOOK_SIZES}


@pytest.fixture(scope="module")
def instructions() -> list[dict]:
    """routing_instructions.jsonl as committed."""
    return read("routing_instructions.jsonl")


def by_split(instructions: list[dict], split: str) -> list[str]:
    """The instruction texts of one split."""
    return [row["text"] for row in instructions if row["split"] == split]


@pytest.mark.parametrize("split", list(HANDBOOK_SIZES))
def test_handbook_rows_have_the_documented_count_fields_and_ids_in_order(handbook: dict[str, list[dict]], split: str):
    """Each split has its size, rows of exactly id and a non-empty text, ids 'handbook-<split>-<k>' in order."""
    rows = handbook[split]
    assert len(rows) == HANDBOOK_SIZES[split]
    for k, row in enumerate(rows):
        assert set(row) == {"id", "text"}
        assert row["id"] == f"handbook-{split}-{k}"
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] and row["text"]


def test_instruction_rows_have_the_documented_fields_ids_and_split_counts(instructions: list[dict]):
    """16 rows of id, split and text, ids 'instruction-<k>' in order, 10 train and 6 test."""
    assert len(instructions) == sum(INSTRUCTION_SIZES.values())
    for k, row in enumerate(instructions):
        assert set(row) == {"id", "split", "text"}
        assert row["id"] == f"instruction-{k}"
        assert row["split"] in INSTRUCTION_SIZES and row["text"].strip() == row["text"] and row["text"]
    assert {split: len(by_split(instructions, split)) for split in INSTRUCTION_SIZES} == INSTRUCTION_SIZES


def test_ids_and_texts_are_unique_across_all_three_files(handbook: dict[str, list[dict]], instructions: list[dict]):
    """No id and no text occurs twice, within a file or across files."""
    rows = handbook["train"] + handbook["test"] + instructions
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["text"] for row in rows}) == len(rows)


def test_body_system_words_cover_exactly_the_triage_departments(triage_generator: ModuleType):
    """The routing task's eight words map one-to-one onto the departments of the triage complaints."""
    departments = {department for _, department in triage_generator.COMPLAINTS.values()}
    assert set(BODY_SYSTEMS) == departments
    assert len(set(BODY_SYSTEMS.values())) == len(departments)


@pytest.mark.parametrize("split", list(HANDBOOK_SIZES))
def test_every_department_is_named_in_the_handbook_split(
    handbook: dict[str, list[dict]], triage_generator: ModuleType, split: str
):
    """Each department of COMPLAINTS appears, by name or body-system word, in at least one paragraph of the split."""
    named = set().union(*(words(row["text"]) for row in handbook[split]))
    for department in sorted({d for _, d in triage_generator.COMPLAINTS.values()}):
        assert department in named or BODY_SYSTEMS[department] in named, (split, department)


def test_handbook_paragraphs_are_40_to_130_words(handbook: dict[str, list[dict]]):
    """Every paragraph, train or test, is between 40 and 130 words long."""
    for row in handbook["train"] + handbook["test"]:
        assert 40 <= len(row["text"].split()) <= 130, row["id"]


def test_handbook_splits_share_no_8_word_sequence(handbook: dict[str, list[dict]]):
    """No 8-word sequence (lower-cased, punctuation dropped) of a held-out paragraph occurs in a training paragraph."""
    train = set().union(*(ngrams(row["text"], 8) for row in handbook["train"]))
    for row in handbook["test"]:
        assert not ngrams(row["text"], 8) & train, row["id"]


def test_handbook_splits_share_no_sentence(handbook: dict[str, list[dict]]):
    """No sentence of a held-out paragraph repeats a sentence of the training paragraphs."""
    train = set().union(*(sentences(row["text"]) for row in handbook["train"]))
    for row in handbook["test"]:
        assert not sentences(row["text"]) & train, row["id"]


def test_every_instruction_lists_all_eight_body_systems_and_no_note_marker(instructions: list[dict]):
    """Each phrasing names the eight answer words as whole words and never contains the 'Note:' marker."""
    for row in instructions:
        for system in BODY_SYSTEMS.values():
            assert re.search(rf"\b{system}\b", row["text"]), (row["id"], system)
        assert "Note:" not in row["text"], row["id"]


def test_no_instruction_text_is_shared_between_splits(instructions: list[dict]):
    """A phrasing belongs to one split only."""
    assert not set(by_split(instructions, "train")) & set(by_split(instructions, "test"))


def test_test_instructions_share_no_5_word_sequence_with_train_instructions(instructions: list[dict]):
    """The held-out phrasings are worded unlike every training phrasing: no 5-word sequence in common."""
    train = set().union(*(ngrams(text, 5) for text in by_split(instructions, "train")))
    for text in by_split(instructions, "test"):
        assert not ngrams(text, 5) & train, text
