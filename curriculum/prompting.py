"""Prompting baselines for the triage task: few-shot conversations, one example per department, nearest notes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from datasketch import MinHash

NOTE_MARKER = "\n\nNote: "  # every triage prompt is the instruction, then the note after this marker
NUM_PERM = 128  # MinHash permutations: Jaccard estimates within about ±0.09 (1/sqrt(128))


def split_prompt(row: dict) -> tuple[str, str]:
    """(instruction, note) of a triage row's user message."""
    instruction, note = row["messages"][0]["content"].split(NOTE_MARKER, 1)
    return instruction, note


def few_shot_conversation(row: dict, examples: Sequence[dict]) -> list[dict]:
    """The instruction once, then each example's note and answer as earlier turns, then the row's note."""
    instruction, _ = split_prompt(row)
    turns: list[dict] = []
    for index, example in enumerate(examples):
        _, note = split_prompt(example)
        # The instruction is written once, at the top: repeating it per example would triple the prompt.
        text = f"{instruction}{NOTE_MARKER}{note}" if index == 0 else f"Note: {note}"
        turns += [{"role": "user", "content": text}, {"role": "assistant", "content": example["messages"][-1]["content"]}]
    _, note = split_prompt(row)
    question = f"{instruction}{NOTE_MARKER}{note}" if not examples else f"Note: {note}"
    return turns + [{"role": "user", "content": question}]


def with_examples(rows: Sequence[dict], pick_examples) -> list[dict]:
    """Rows whose prompt becomes a few-shot conversation; `pick_examples(row)` chooses each row's examples."""
    return [{**row, "messages": few_shot_conversation(row, pick_examples(row)) + row["messages"][-1:]} for row in rows]


def department_of(row: dict) -> str:
    """The department of a triage row's reference answer."""
    return json.loads(row["messages"][-1]["content"])["department"]


def one_per_department(train_rows: Sequence[dict]) -> list[dict]:
    """The first training row of every department, in order of first appearance."""
    chosen: dict[str, dict] = {}
    for row in train_rows:
        chosen.setdefault(department_of(row), row)
    return list(chosen.values())


def note_minhash(note: str) -> MinHash:
    """MinHash of a note's lower-cased word unigrams and bigrams."""
    words = re.findall(r"[a-z0-9]+", note.lower())
    minhash = MinHash(num_perm=NUM_PERM, seed=1)
    for shingle in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
        minhash.update(shingle.encode())
    return minhash


def nearest_notes(train_rows: Sequence[dict], k: int):
    """A function giving, for a row, the k training rows whose notes are most similar (MinHash Jaccard)."""
    signatures = [note_minhash(split_prompt(row)[1]) for row in train_rows]

    def pick(row: dict) -> list[dict]:
        query = note_minhash(split_prompt(row)[1])
        ranked = sorted(range(len(train_rows)), key=lambda i: -query.jaccard(signatures[i]))
        return [train_rows[i] for i in reversed(ranked[:k])]  # the most similar example sits next to the question

    return pick
