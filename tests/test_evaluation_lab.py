"""Notebook 07's helpers: the routing rows, few-shot examples, the judge's prompt, the number check, length bands."""

from __future__ import annotations

from curriculum.evaluation_lab import (
    BODY_SYSTEMS,
    LABELS,
    invented_numbers,
    judge_conversation,
    length_band,
    note_of,
    one_per_label,
    routing_row,
)
from ftkit.scoring import prompt_token_ids, shared_prefix_length

ROW = {"urgency": "urgent", "department": "neurology",
       "messages": [{"role": "user", "content": "Reply with JSON.\n\nNote: 40yo man with a headache."}, {"role": "assistant", "content": "{}"}]}


def test_the_note_is_the_text_after_the_note_marker():
    assert note_of(ROW) == "40yo man with a headache."


def test_a_routing_row_asks_for_the_body_system_and_answers_it():
    row = routing_row(ROW)
    assert row["system"] == "brain" and row["messages"][-1]["content"] == "brain"
    assert row["messages"][0]["content"].endswith("Note: 40yo man with a headache.")
    assert row["urgency"] == "urgent"  # the triage fields stay for the error analysis


def test_every_body_system_is_one_token_with_a_first_token_of_its_own(tokenizer):
    ids = [tokenizer(label, add_special_tokens=False)["input_ids"] for label in LABELS]
    assert all(len(i) == 1 for i in ids) and len({i[0] for i in ids}) == len(BODY_SYSTEMS)


def test_one_example_per_label_keeps_the_first_of_each():
    rows = [{"system": "heart", "n": 0}, {"system": "skin", "n": 1}, {"system": "heart", "n": 2}]
    assert [row["n"] for row in one_per_label(rows)] == [0, 1]


def test_invented_numbers_are_those_the_note_does_not_contain():
    note = "63yo man with chest pain for 2 days. HR 87, T 38.5C."
    assert invented_numbers("63-year-old man, chest pain 2 days, T 38.5C", note) == []
    assert invented_numbers("42-year-old man, chest pain 2 days, T 38.8C", note) == ["42", "38.8"]


def test_length_bands_split_at_the_two_edges():
    assert [length_band(" ".join(["w"] * n), (3, 5)) for n in (3, 4, 5, 6)] == ["short", "medium", "medium", "long"]


def test_judge_prompts_share_their_instruction_so_it_runs_once(tokenizer):
    prompts = [prompt_token_ids(tokenizer, judge_conversation(f"note {i}", "a", "b")) for i in range(2)]
    instruction_only = prompt_token_ids(tokenizer, [{"role": "user", "content": "x"}])
    assert shared_prefix_length(prompts) > len(instruction_only) + 20
