"""Notebook 07's tasks and the small pieces of its evaluation: routing a note to a body system (a classification read
from the first answer token), the judge's prompt, a fact check for numbers, and the bands of the error analysis."""

from __future__ import annotations

import re
from collections.abc import Sequence

from curriculum.prompting import split_prompt
from ftkit.data import chat_row

# Department -> the one-word body system the routing task answers with. Each word is a single token of SmolLM2's
# tokenizer, so a model's first answer token decides the class (department names share first tokens such as "d").
BODY_SYSTEMS = {
    "cardiology": "heart", "dermatology": "skin", "gastroenterology": "gut", "neurology": "brain",
    "orthopedics": "bone", "respiratory": "lung", "psychiatry": "mind", "ophthalmology": "eye",
}
LABELS = tuple(BODY_SYSTEMS.values())
ROUTING_QUESTION = ("Which body system is the patient's main problem in? Answer with one word: "
                    + ", ".join(LABELS[:-1]) + f" or {LABELS[-1]}.")
JUDGE_INSTRUCTION = (
    "Two one-line summaries of the same clinical intake note follow. Which one states the note's facts more "
    "accurately and completely? Reply with the number only: 1 or 2."
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def note_of(row: dict) -> str:
    """The intake note of a triage or summary row (the user turn's text after its instruction)."""
    return split_prompt(row)[1]


def routing_row(row: dict, question: str = ROUTING_QUESTION) -> dict:
    """A triage row as a routing question: the note after `question`, answered with its body system (kept in `system`)."""
    system = BODY_SYSTEMS[row["department"]]
    return {**row, "system": system, **chat_row(f"{question}\n\nNote: {note_of(row)}", system)}


def one_per_label(rows: Sequence[dict], key: str = "system") -> list[dict]:
    """The first row of each `key` value, in order of first appearance: a few-shot prompt's examples."""
    chosen: dict[str, dict] = {}
    for row in rows:
        chosen.setdefault(row[key], row)
    return list(chosen.values())


def judge_conversation(note: str, first: str, second: str) -> list[dict]:
    """The judge's prompt: the instruction first (shared by every prompt), then the note and the two slots."""
    return [{"role": "user", "content": f"{JUDGE_INSTRUCTION}\n\nNote: {note}\nSummary 1: {first}\nSummary 2: {second}"}]


def invented_numbers(summary: str, note: str) -> list[str]:
    """Numbers in the summary that the note does not contain (an age, a reading or a dose made up or changed)."""
    known = set(_NUMBER.findall(note))
    return [number for number in _NUMBER.findall(summary) if number not in known]


def length_band(note: str, edges: tuple[int, int]) -> str:
    """"short", "medium" or "long" by the note's word count against two edges (e.g. the tertiles of the test notes)."""
    words = len(note.split())
    return "short" if words <= edges[0] else "medium" if words <= edges[1] else "long"
