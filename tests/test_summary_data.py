"""The note-summary sets of notebook 07: notes taken from the right triage split, disjoint splits, the row format, one
candidate of each kind per rated note, every pair judged once, and ratings that follow the rubric."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re

import pytest

from curriculum.paths import data_file

INSTRUCTION = "Summarise the intake note in one line.\n\nNote: "
KINDS = {"paraphrase", "close", "wrong_fact", "copy", "terse"}
LETTERS = ("A", "B", "C", "D", "E")
RATED_NOTES = [f"test-{i}" for i in range(24)]


def read(name: str) -> list[dict]:
    """The rows of a committed data file."""
    return [json.loads(line) for line in data_file(name).read_text(encoding="utf-8").splitlines()]


def note(row: dict) -> str:
    """The intake note of a chat row: the user turn after its 'Note: ' marker."""
    return next(m["content"] for m in row["messages"] if m["role"] == "user").split("Note: ", 1)[1]


def summary(row: dict) -> str:
    """The assistant turn of a summary row."""
    return next(m["content"] for m in row["messages"] if m["role"] == "assistant")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, punctuation dropped."""
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.fixture(scope="module")
def train_rows() -> list[dict]:
    """summary_train.jsonl as committed."""
    return read("summary_train.jsonl")


@pytest.fixture(scope="module")
def test_rows() -> list[dict]:
    """summary_test.jsonl as committed."""
    return read("summary_test.jsonl")


@pytest.fixture(scope="module")
def ratings() -> list[dict]:
    """summary_ratings.jsonl as committed."""
    return read("summary_ratings.jsonl")


@pytest.fixture(scope="module")
def preferences() -> list[dict]:
    """summary_preferences.jsonl as committed."""
    return read("summary_preferences.jsonl")


@pytest.mark.parametrize(("name", "prefix", "size", "source"),
                         [("summary_train.jsonl", "train", 48, "triage_train.jsonl"),
                          ("summary_test.jsonl", "test", 32, "triage_test.jsonl")])
def test_summary_rows_carry_the_note_of_their_source_row_in_order(name: str, prefix: str, size: int, source: str):
    """Row i is id '<split>-i' and holds the note of triage row i of the same split."""
    rows, triage = read(name), read(source)
    assert len(rows) == size
    for i, row in enumerate(rows):
        assert row["id"] == f"{prefix}-{i}" and row["source_row"] == i
        assert note(row) == note(triage[i])


def test_summary_rows_have_exactly_the_documented_fields(train_rows: list[dict], test_rows: list[dict]):
    """id, source_row and a user/assistant pair: the instruction with the note, then a one-line summary."""
    for row in train_rows + test_rows:
        assert set(row) == {"id", "source_row", "messages"}
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
        assert all(set(m) == {"role", "content"} for m in row["messages"])
        assert row["messages"][0]["content"].startswith(INSTRUCTION)
        text = summary(row)
        assert text.strip() == text and "\n" not in text and 12 <= len(text.split()) <= 25


def test_train_and_test_share_no_note_and_no_summary(train_rows: list[dict], test_rows: list[dict]):
    """The splits are disjoint in their notes and in their reference summaries."""
    assert not {note(r) for r in train_rows} & {note(r) for r in test_rows}
    assert not {summary(r) for r in train_rows} & {summary(r) for r in test_rows}
    assert len({note(r) for r in train_rows}) == len(train_rows) and len({note(r) for r in test_rows}) == len(test_rows)


HELDOUT = "summary_heldout_test.jsonl"
NUMBER = re.compile(r"\d+(?:\.\d+)?")
AGE = re.compile(r"(\d+)-year-old|\b(\d+)[MF]\b|\((\d+)\)")  # "75-year-old", "30F", "Ms Jansen (74)"


def test_heldout_summary_rows_carry_the_note_of_their_heldout_triage_row_in_order():
    """Row i is id 'heldout-i' and holds the note of triage_heldout_test.jsonl row i; at least 32 rows."""
    rows, triage = read(HELDOUT), read("triage_heldout_test.jsonl")
    assert len(rows) == len(triage) >= 32
    for i, row in enumerate(rows):
        assert row["id"] == f"heldout-{i}" and row["source_row"] == i
        assert note(row) == note(triage[i])


def test_heldout_summary_rows_have_the_documented_fields_and_one_line():
    """The schema of summary_test.jsonl: id, source_row, the instruction with the note, a one-line summary."""
    for row in read(HELDOUT):
        assert set(row) == {"id", "source_row", "messages"}
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
        assert all(set(m) == {"role", "content"} for m in row["messages"])
        assert row["messages"][0]["content"].startswith(INSTRUCTION)
        text = summary(row)
        assert text.strip() == text and "\n" not in text and 12 <= len(text.split()) <= 25, row["id"]


def test_heldout_summaries_keep_the_notes_numbers_and_the_patients_age():
    """Every number in a reference (age, reading, duration) is in its note, and the patient's age is stated."""
    for row in read(HELDOUT):
        text, source = summary(row), note(row)
        assert set(NUMBER.findall(text)) <= set(NUMBER.findall(source)), (row["id"], text)
        age = next(group for group in AGE.search(source).groups() if group)
        assert age in NUMBER.findall(text), (row["id"], age, text)


def test_heldout_summaries_share_no_note_and_no_summary_with_the_other_splits(train_rows, test_rows):
    """No held-out note or reference occurs in summary_train.jsonl or summary_test.jsonl, and none repeats."""
    rows = read(HELDOUT)
    others = train_rows + test_rows
    assert not {note(r) for r in rows} & {note(r) for r in others}
    assert not {summary(r) for r in rows} & {summary(r) for r in others}
    assert len({summary(r) for r in rows}) == len(rows)


def test_heldout_summary_file_is_what_its_generator_writes():
    """data/make_summary_heldout.py rebuilds the committed file from the triage notes and its hand-written references."""
    path = data_file(HELDOUT).parent / "make_summary_heldout.py"
    spec = importlib.util.spec_from_file_location("make_summary_heldout", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.summary_rows(read("triage_heldout_test.jsonl")) == read(HELDOUT)


def test_rating_rows_have_exactly_the_documented_fields_and_integer_ratings_1_to_5(ratings: list[dict]):
    """Every rating row has the five fields, a known kind, a non-empty text and an integer rating 1..5."""
    assert len(ratings) == 120
    for row in ratings:
        assert set(row) == {"note_id", "candidate", "kind", "text", "rating"}
        assert row["kind"] in KINDS and row["text"].strip()
        assert type(row["rating"]) is int and 1 <= row["rating"] <= 5


def test_each_rated_note_has_letters_a_to_e_and_one_candidate_of_each_kind(ratings: list[dict]):
    """The first 24 test notes are rated, each with candidates A-E covering the five kinds once."""
    assert sorted({r["note_id"] for r in ratings}, key=lambda s: int(s.split("-")[1])) == RATED_NOTES
    for note_id in RATED_NOTES:
        rows = [r for r in ratings if r["note_id"] == note_id]
        assert sorted(r["candidate"] for r in rows) == list(LETTERS)
        assert {r["kind"] for r in rows} == KINDS


def test_candidate_letters_do_not_give_away_the_kind(ratings: list[dict]):
    """No kind sits under the same letter for most rated notes."""
    for kind in KINDS:
        letters = [r["candidate"] for r in ratings if r["kind"] == kind]
        assert max(letters.count(letter) for letter in LETTERS) <= len(letters) // 2


def test_preferences_cover_every_pair_of_every_rated_note_once(preferences: list[dict]):
    """240 rows: the 10 unordered pairs of each rated note, each once, with one of the pair preferred."""
    assert len(preferences) == 240
    for row in preferences:
        assert set(row) == {"note_id", "first", "second", "preferred"}
        assert row["preferred"] in (row["first"], row["second"]) and row["first"] != row["second"]
    for note_id in RATED_NOTES:
        pairs = [frozenset((r["first"], r["second"])) for r in preferences if r["note_id"] == note_id]
        assert sorted(map(sorted, pairs)) == sorted(map(sorted, map(frozenset, itertools.combinations(LETTERS, 2))))


def test_preferences_list_the_preferred_candidate_first_and_second_alike(preferences: list[dict]):
    """The listing order does not give away the preference."""
    first = sum(r["preferred"] == r["first"] for r in preferences)
    assert 0.3 * len(preferences) <= first <= 0.7 * len(preferences)


def test_preferences_never_prefer_a_lower_rated_candidate(ratings: list[dict], preferences: list[dict]):
    """Where a pair's ratings differ, the preferred candidate is the higher-rated one."""
    rating = {(r["note_id"], r["candidate"]): r["rating"] for r in ratings}
    for row in preferences:
        other = row["second"] if row["preferred"] == row["first"] else row["first"]
        assert rating[(row["note_id"], row["preferred"])] >= rating[(row["note_id"], other)]


def test_copy_candidates_share_most_of_their_words_with_the_notes_first_sentence(
    test_rows: list[dict], ratings: list[dict]
):
    """A copy candidate's words come from the first sentence of its note."""
    notes = {row["id"]: note(row) for row in test_rows}
    for row in ratings:
        if row["kind"] != "copy":
            continue
        first_sentence = set(words(notes[row["note_id"]].split(". ")[0]))
        copied = words(row["text"])
        assert sum(w in first_sentence for w in copied) >= 0.9 * len(copied)


def test_terse_candidates_are_two_to_five_words(ratings: list[dict]):
    """A terse candidate names the complaint in a few words."""
    assert all(2 <= len(r["text"].split()) <= 5 for r in ratings if r["kind"] == "terse")


def test_ratings_follow_the_rubric_by_kind(ratings: list[dict]):
    """Wrong facts are rated at most 2, correct paraphrases at least 4."""
    for row in ratings:
        if row["kind"] == "wrong_fact":
            assert row["rating"] <= 2, row
        if row["kind"] == "paraphrase":
            assert row["rating"] >= 4, row


def test_wrong_fact_candidates_keep_most_of_the_reference_wording(test_rows: list[dict], ratings: list[dict]):
    """A wrong-fact candidate overlaps the reference more than the paraphrase of the same note does."""
    references = {row["id"]: set(words(summary(row))) for row in test_rows}

    def overlap(row: dict) -> float:
        tokens = words(row["text"])
        return sum(w in references[row["note_id"]] for w in tokens) / len(tokens)

    for note_id in RATED_NOTES:
        by_kind = {r["kind"]: r for r in ratings if r["note_id"] == note_id}
        assert overlap(by_kind["wrong_fact"]) > overlap(by_kind["paraphrase"])
