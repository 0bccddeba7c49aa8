"""The triage prompting baselines: few-shot layout, one example per department, nearest notes."""

from __future__ import annotations

import json

from curriculum.prompting import few_shot_conversation, nearest_notes, one_per_department, with_examples

INSTRUCTION = "Reply with JSON."


def triage_row(note: str, department: str) -> dict:
    answer = json.dumps({"urgency": "routine", "department": department})
    return {"messages": [{"role": "user", "content": f"{INSTRUCTION}\n\nNote: {note}"}, {"role": "assistant", "content": answer}]}


def test_few_shot_states_the_instruction_once_and_ends_on_the_question():
    examples = [triage_row("rash on arm", "dermatology"), triage_row("chest pain", "cardiology")]
    turns = few_shot_conversation(triage_row("blurred vision", "ophthalmology"), examples)
    assert [turn["role"] for turn in turns] == ["user", "assistant", "user", "assistant", "user"]
    assert turns[0]["content"] == "Reply with JSON.\n\nNote: rash on arm"
    assert turns[2]["content"] == "Note: chest pain"
    assert turns[-1]["content"] == "Note: blurred vision"
    assert sum(INSTRUCTION in turn["content"] for turn in turns) == 1


def test_zero_examples_leave_the_prompt_as_it_was():
    row = triage_row("cough", "respiratory")
    assert few_shot_conversation(row, []) == row["messages"][:1]


def test_one_per_department_keeps_the_first_of_each():
    rows = [triage_row("a", "x"), triage_row("b", "y"), triage_row("c", "x"), triage_row("d", "z")]
    assert [row["messages"][0]["content"][-1] for row in one_per_department(rows)] == ["a", "b", "d"]


def test_nearest_notes_finds_the_note_that_shares_the_words():
    train = [
        triage_row("itchy red rash on both forearms after gardening", "dermatology"),
        triage_row("sudden crushing chest pain radiating to the jaw", "cardiology"),
        triage_row("knee swollen after a football tackle", "orthopedics"),
    ]
    pick = nearest_notes(train, k=2)
    chosen = pick(triage_row("crushing chest pain radiating to the left arm", "cardiology"))
    assert len(chosen) == 2
    assert chosen[-1] is train[1]  # the most similar sits last, next to the question


def test_with_examples_keeps_the_reference_answer():
    row = triage_row("cough", "respiratory")
    [rewritten] = with_examples([row], lambda _: [triage_row("wheeze", "respiratory")])
    assert rewritten["messages"][-1] == row["messages"][-1]
    assert rewritten["messages"][-2]["content"] == "Note: cough"
