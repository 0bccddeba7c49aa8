"""Notebook 04's lab: each run starts from the base model, records every row's loss, and leaves the base model clean."""

from __future__ import annotations

import numpy as np
import pytest

from curriculum.overfitting import Budget, OverfitLab
from ftkit.cached_body import row_losses
from ftkit.data import chat_row, to_train_dataset


def rows(tokenizer, count: int, offset: int = 0) -> list[dict]:
    """Short tokenized chat rows."""
    chats = [chat_row(f"Order {offset + i}: colour {'red' if i % 2 else 'blue'}. What colour?", "red" if i % 2 else "blue")
             for i in range(count)]
    return [dict(row) for row in to_train_dataset(chats, tokenizer)]


def test_runs_start_from_the_base_model_and_leave_it_without_adapters(tiny_model, tokenizer, tmp_path):
    budget = Budget(steps=4, eval_every=2, learning_rate=1e-2, batch=2, rank=4, trained_layers=1)
    lab = OverfitLab(tiny_model, tokenizer, budget, rows(tokenizer, 8), rows(tokenizer, 4, offset=100),
                     [True, False, True, False], tmp_path, seed=0, probes={"probe": rows(tokenizer, 2, offset=200)})
    before = row_losses(lab.top, lab.valid, tokenizer.pad_token_id)
    first = lab.run("first", 4, watch_train=True)
    second = lab.run("second", 8, learning_rate=2e-2)
    assert sorted(first.valid) == [0, 2, 4] and sorted(first.train) == [0, 2, 4]
    assert sorted(second.train) == [0, 4] and sorted(second.probes["probe"]) == [0, 4]  # unwatched: the end point only
    np.testing.assert_allclose(first.valid[0], before)  # step 0 is the untrained model
    assert first.train[4].mean() < first.train[0].mean()  # the adapter learnt its rows
    assert not any("lora" in name for name, _ in tiny_model.named_modules())  # unloaded after each run
    np.testing.assert_allclose(row_losses(lab.top, lab.valid, tokenizer.pad_token_id), before, atol=1e-6)
    assert first.best_step in (2, 4) and first.valid[4].shape == (4,)  # the halves rejoined in the set's order


def test_keeping_the_best_model_needs_the_watched_curves_and_the_split_needs_both_halves(tiny_model, tokenizer, tmp_path):
    budget = Budget(steps=2, eval_every=1, learning_rate=1e-2, batch=2, rank=4, trained_layers=1)
    lab = OverfitLab(tiny_model, tokenizer, budget, rows(tokenizer, 4), rows(tokenizer, 2, offset=100), [True, False],
                     tmp_path, seed=0)
    with pytest.raises(ValueError, match="keep_best"):
        lab.run("best", 4, keep_best=True)
    with pytest.raises(ValueError, match="rows on both sides"):
        OverfitLab(tiny_model, tokenizer, budget, rows(tokenizer, 4), rows(tokenizer, 2, offset=100), [True, True], tmp_path, seed=0)
