"""Notebook 02's lab: base scores are the whole model's, a run trains only the top blocks and gives them back."""

from __future__ import annotations

import numpy as np
import torch

from curriculum.review_lab import LABELS, Budget, ReviewLab
from ftkit.scoring import prompt_token_ids

SYSTEM = {"role": "system", "content": "Classify the review's sentiment."}


def review(text: str, label: str) -> dict:
    """A chat row as in data/reviews_*.jsonl."""
    return {"messages": [SYSTEM, {"role": "user", "content": f"Review: {text}"}, {"role": "assistant", "content": label}]}


ROWS = [review("The lid broke after a week.", "negative"), review("Great kettle, works every time.", "positive"),
        review("Okay, I suppose.", "positive"), review("Returned it.", "negative")]


def test_base_log_odds_are_the_whole_models_first_answer_token(tiny_model, tokenizer):
    tiny_model.eval()
    lab = ReviewLab(tiny_model, tokenizer, Budget(steps=2, batch=2, learning_rate=1e-3, trained_layers=1, max_length=64), seed=0)
    tokens = [tokenizer(label, add_special_tokens=False)["input_ids"][0] for label in LABELS]
    expected = []
    with torch.no_grad():
        for row in ROWS:
            ids = torch.tensor([prompt_token_ids(tokenizer, row["messages"][:-1])])
            logprobs = torch.log_softmax(tiny_model(input_ids=ids).logits[0, -1].float(), dim=-1)
            expected.append((logprobs[tokens[0]] - logprobs[tokens[1]]).item())
    np.testing.assert_allclose(lab.base().log_odds(ROWS), expected, atol=1e-5)


def test_a_run_trains_only_the_top_blocks_and_restores_them(tiny_model, tokenizer, tmp_path):
    lab = ReviewLab(tiny_model, tokenizer, Budget(steps=3, batch=2, learning_rate=1e-2, trained_layers=1, max_length=64), seed=0)
    before = {name: value.clone() for name, value in tiny_model.state_dict().items()}
    base_odds = lab.base().log_odds(ROWS)
    with lab.fine_tuned(ROWS, "test", output_dir=str(tmp_path)) as tuned:
        during = tiny_model.state_dict()
        changed = {name for name, value in during.items() if not torch.equal(value, before[name])}
        assert changed and all(name.startswith(("model.layers.1.", "model.norm.")) for name in changed)
        assert not np.allclose(tuned.log_odds(ROWS), base_odds)
    assert all(torch.equal(value, before[name]) for name, value in tiny_model.state_dict().items())
    np.testing.assert_allclose(lab.base().log_odds(ROWS), base_odds, atol=1e-6)
