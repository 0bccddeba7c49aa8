"""The model-based side of the audit (answer losses, label log-probabilities) on the shared tiny random model."""

from __future__ import annotations

import pytest
import torch

from ftkit.data import padding_collator, tokenize_chat
from ftkit.data_quality import answer_losses, as_chat, label_logprobs


def review(text: str, answer: str) -> dict:
    return {"messages": [{"role": "system", "content": "Positive or negative?"}, {"role": "user", "content": f"Review: {text}"},
                         {"role": "assistant", "content": answer}]}


def test_after_learning_an_answer_rows_with_the_other_answer_have_the_higher_loss(tiny_model, tokenizer):
    positive, negative = review("The kettle boils quickly.", "positive"), review("The kettle boils quickly.", "negative")
    batch = padding_collator(tokenizer)([tokenize_chat(positive["messages"], tokenizer)])
    optimizer = torch.optim.Adam(tiny_model.parameters(), lr=1e-2)
    tiny_model.train()
    for _ in range(10):  # teach the tiny model to answer "positive"
        optimizer.zero_grad()
        tiny_model(**batch).loss.backward()
        optimizer.step()
    losses = answer_losses(tiny_model, tokenizer, [positive, negative])
    scores = label_logprobs(tiny_model, tokenizer, [positive], ["positive", "negative"])
    assert losses[1] > losses[0] + 1.0
    assert scores.shape == (1, 2) and scores[0, 0] > scores[0, 1]
    assert tiny_model.training  # the helpers evaluate in eval mode and restore the mode they found


def test_rows_of_other_formats_are_scored_as_chats(tiny_model, tokenizer):
    alpaca = {"instruction": "Review: The kettle boils quickly.", "input": "", "output": "positive"}
    assert as_chat(alpaca) == {"messages": [{"role": "user", "content": "Review: The kettle boils quickly."},
                                            {"role": "assistant", "content": "positive"}]}
    chat = as_chat(alpaca)
    assert answer_losses(tiny_model, tokenizer, [alpaca]) == pytest.approx(answer_losses(tiny_model, tokenizer, [chat]))


def test_label_logprobs_rejects_labels_sharing_a_first_token(tiny_model, tokenizer):
    with pytest.raises(ValueError, match="share a first token"):
        label_logprobs(tiny_model, tokenizer, [review("ok", "positive")], ["positive", "positive!"])
