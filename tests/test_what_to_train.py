"""Notebook 06's rows and mixes: task rows, task instructions and temperature sampling."""

from __future__ import annotations

from collections import Counter

import pytest

from curriculum.what_to_train import TASK_TAGS, sample_mix, task_row, task_shares, with_instruction

ROW = {"urgency": "urgent", "department": "neurology",
       "messages": [{"role": "user", "content": "Reply with JSON.\n\nNote: 40yo man with a headache."}, {"role": "assistant", "content": "{}"}]}


def test_the_two_tasks_share_the_bare_note_and_answer_differently():
    route, urgency = task_row(ROW, "route"), task_row(ROW, "urgency")
    assert route["messages"][0] == urgency["messages"][0] == {"role": "user", "content": "40yo man with a headache."}
    assert (route["messages"][1]["content"], urgency["messages"][1]["content"]) == ("brain", "urgent")


def test_a_tagged_row_opens_with_its_tasks_instruction():
    row = task_row(ROW, "urgency", tagged=True)
    assert row["messages"][0]["content"] == f"{TASK_TAGS['urgency']}\n\n40yo man with a headache."


def test_a_routing_row_puts_the_note_after_the_instruction():
    row = with_instruction(ROW, "Which body system?")
    assert row["messages"][0]["content"] == "Which body system?\n\nNote: 40yo man with a headache."
    assert row["messages"][1]["content"] == "brain" and row["task"] == "route"


def test_temperature_one_samples_in_proportion_and_a_higher_temperature_evens_the_shares():
    assert task_shares(["big", "small"], [48, 8], 1.0) == pytest.approx({"big": 48 / 56, "small": 8 / 56})
    shares = task_shares(["big", "small"], [48, 8], 3.0)
    assert shares["small"] == pytest.approx(8 ** (1 / 3) / (48 ** (1 / 3) + 8 ** (1 / 3)))


def test_a_sampled_mix_follows_the_expected_shares():
    by_task = {"big": [{"task": "big"}] * 48, "small": [{"task": "small"}] * 8}
    mix = sample_mix(by_task, 4000, temperature=3.0, seed=0)
    assert len(mix) == 4000
    assert Counter(row["task"] for row in mix)["small"] / 4000 == pytest.approx(task_shares(["big", "small"], [48, 8], 3.0)["small"], abs=0.02)


def test_sampling_refuses_a_temperature_that_is_not_positive():
    with pytest.raises(ValueError, match="temperature"):
        sample_mix({"a": [{}]}, 3, temperature=0.0, seed=0)
