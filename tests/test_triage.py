"""The triage scorer: JSON parsing and field matching."""

from __future__ import annotations

import json

from curriculum.triage import in_triage_format, looks_like_triage_json, parse_triage_answer, triage_correct

ROW = {"urgency": "emergency", "department": "cardiology"}


def test_correct_json_scores_even_with_text_around_it():
    assert triage_correct('Sure: {"urgency": "emergency", "department": "cardiology"} done', ROW)


def test_wrong_field_or_broken_json_scores_zero():
    assert not triage_correct('{"urgency": "urgent", "department": "cardiology"}', ROW)
    assert not triage_correct('{"urgency": "emergency", "department": ', ROW)
    assert parse_triage_answer("no json here") is None


def test_parser_skips_braces_that_are_not_json_and_rejects_unclosed_objects():
    assert parse_triage_answer('{not json} then {"urgency": "routine"}') == {"urgency": "routine"}
    assert parse_triage_answer('{"urgency": "urgent", "department": "neurology"') is None


def test_domain_format_is_detected_in_general_answers():
    assert looks_like_triage_json('{"urgency": "routine", "department": "dermatology"}')
    assert not looks_like_triage_json("The capital of France is Paris.")


def test_triage_format_counts_decisions_that_break_off_before_they_parse():
    broken = '{"urgency": "urgent", "department": "urgency": "'
    assert in_triage_format(broken) and not looks_like_triage_json(broken)
    assert in_triage_format('{"urgency": "routine", "department": "dermatology"}')
    assert not in_triage_format("The capital of France is Paris.")


def triage_row(note: str, urgency: str, department: str) -> dict:
    """A triage chat row: the instruction, the note after its marker, the JSON answer."""
    answer = json.dumps({"urgency": urgency, "department": department})
    return {"messages": [{"role": "user", "content": f"Triage this note as JSON.\n\nNote: {note}"},
                         {"role": "assistant", "content": answer}], "urgency": urgency, "department": department}


def test_triage_accuracy_on_few_shot_prompts_answers_in_a_batch_as_one_row_at_a_time(tiny_model, tokenizer):
    from curriculum.prompting import one_per_department, with_examples
    from curriculum.triage import triage_accuracy

    train = [triage_row(f"Note {i}: pain in the {part}.", "urgent", department)
             for i, (part, department) in enumerate([("chest", "cardiology"), ("skin", "dermatology")])]
    rows = with_examples([triage_row("New note: fever.", "routine", "cardiology"),
                          triage_row("New note: a rash.", "urgent", "dermatology")], lambda row: one_per_department(train))
    together = triage_accuracy(tiny_model, tokenizer, rows, batch_size=2)  # the examples: an opening both prompts share
    alone = triage_accuracy(tiny_model, tokenizer, rows, batch_size=1)
    assert together.answers == alone.answers and together.correct == alone.correct
