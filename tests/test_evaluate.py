"""Scorers on known strings, greedy generation and held-out loss on a tiny model."""

from __future__ import annotations

import math

import pytest
import torch

from ftkit.evaluate import contains_answer, exact_match, generate_answers, probe_accuracy, text_loss, token_f1, user_prompt


def test_exact_match_ignores_case_punctuation_and_articles():
    assert exact_match("The Eiffel Tower!", "eiffel tower") == 1.0
    assert exact_match("Eiffel", "eiffel tower") == 0.0


def test_token_f1_on_partial_overlap():
    # prediction tokens {paris, france}, reference {paris}: precision 1/2, recall 1 -> F1 2/3
    assert token_f1("Paris, France", "Paris") == pytest.approx(2 / 3)
    assert token_f1("London", "Paris") == 0.0
    assert token_f1("", "") == 1.0


def test_probe_scorer_matches_whole_words_only():
    assert contains_answer("The capital of France is Paris.", ["Paris"])
    assert contains_answer("A week has 7 days", ["seven", "7"])
    assert not contains_answer("Parisian cafes are nice", ["Paris"])
    assert contains_answer("about 100.0 degrees", ["100"])  # a decimal point does not glue digits together
    assert not contains_answer("It is 1000 metres", ["100"])


def test_generation_is_greedy_and_batched_consistently(tiny_model, tokenizer):
    prompts = [user_prompt("Hello"), user_prompt("What is the capital of France? Answer briefly please.")]
    together = generate_answers(tiny_model, tokenizer, prompts, max_new_tokens=5, batch_size=2)
    alone = [generate_answers(tiny_model, tokenizer, [p], max_new_tokens=5)[0] for p in prompts]
    assert together == alone  # left padding does not change greedy answers
    assert tokenizer.padding_side == "right"  # restored for training


def test_probe_accuracy_counts_correct_answers(tiny_model, tokenizer, monkeypatch):
    monkeypatch.setattr("ftkit.evaluate.generate", lambda *a, **k: ["It is Paris.", "No idea."])
    rows = [{"question": "Capital of France?", "answers": ["Paris"]}, {"question": "2+2?", "answers": ["4", "four"]}]
    result = probe_accuracy(tiny_model, tokenizer, rows)
    assert result.accuracy == 0.5 and result.correct == [True, False]


def test_text_loss_of_random_model_is_near_uniform_entropy(tiny_model, tokenizer):
    loss = text_loss(tiny_model, tokenizer, ["The water cycle moves water.", "Bread is made from flour and water, then baked."])
    assert abs(loss - math.log(len(tokenizer))) < 0.5  # an untrained model predicts roughly uniformly


def test_text_loss_is_the_per_token_mean_over_all_texts_with_padding_excluded(tiny_model, tokenizer):
    short, long = "Short text.", "A much longer text that forces the short one to be padded in the batch."
    batched = text_loss(tiny_model, tokenizer, [short, long], batch_size=2)
    losses = []
    for text in (short, long):  # one unpadded row at a time: cross-entropy of every token after the first
        ids = torch.tensor([tokenizer(text)["input_ids"]])
        with torch.no_grad():
            losses.append(torch.nn.functional.cross_entropy(tiny_model(ids).logits[0, :-1], ids[0, 1:], reduction="none"))
    assert batched == pytest.approx(float(torch.cat(losses).mean()), abs=1e-5)
