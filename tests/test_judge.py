"""The pairwise judge's verdicts and the position-bias probe."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ftkit.judge import choice_log_odds, position_bias, single_token_id


def test_an_unbiased_judge_gives_mirror_verdicts_and_no_flips():
    bias = position_bias([2.0, -1.0, 0.5, -3.0], [-2.0, 1.0, -0.5, 3.0])
    assert bias.flips.point == 0.0
    assert bias.first_slot.point == 0.5
    assert bias.preference.tolist() == [2.0, -1.0, 0.5, -3.0]


def test_a_judge_that_always_picks_slot_one_flips_every_pair():
    bias = position_bias([1.0, 2.0, 0.5], [1.5, 0.2, 3.0])
    assert bias.flips.point == 1.0
    assert bias.first_slot.point == 1.0
    assert bias.preference.tolist() == pytest.approx([-0.25, 0.9, -1.25])


def test_a_constant_pull_toward_slot_one_cancels_in_the_order_free_preference():
    true_preference, pull = np.array([1.0, -2.0, 0.3]), 5.0
    bias = position_bias(true_preference + pull, -true_preference + pull)
    assert bias.preference == pytest.approx(true_preference)


def test_position_bias_refuses_unpaired_verdicts():
    with pytest.raises(ValueError, match="one verdict per pair"):
        position_bias([1.0, 2.0], [1.0])


def test_a_slot_label_must_be_one_token(tokenizer):
    assert single_token_id(tokenizer, "1") == tokenizer("1", add_special_tokens=False)["input_ids"][0]
    with pytest.raises(ValueError, match="one token"):
        single_token_id(tokenizer, "first candidate")


def test_choice_log_odds_are_the_difference_of_the_labels_first_token_log_probabilities(tiny_model, tokenizer):
    from ftkit.scoring import prompt_token_ids

    opening = [{"role": "user", "content": "Which summary is better? Answer 1 or 2."}]
    conversations = [opening + [{"role": "assistant", "content": "Ready."}, {"role": "user", "content": f"1: pain {i}. 2: ache."}]
                     for i in range(3)]
    one, two = (tokenizer(label, add_special_tokens=False)["input_ids"][0] for label in ("1", "2"))
    tiny_model.eval()
    expected = []
    with torch.no_grad():
        for conversation in conversations:
            logits = tiny_model(input_ids=torch.tensor([prompt_token_ids(tokenizer, conversation)])).logits[0, -1]
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            expected.append(float(logprobs[one] - logprobs[two]))
    found = choice_log_odds(tiny_model, tokenizer, conversations, batch_size=2)
    assert found == pytest.approx(expected, abs=1e-4)
