"""The top-blocks lab: text rows for language modelling, and runs in sequence (a run nested in another)."""

from __future__ import annotations

import torch

from curriculum.top_blocks import Budget, TopBlocksLab

ROWS = [{"messages": [{"role": "user", "content": f"Route note {i}."}, {"role": "assistant", "content": label}]}
        for i, label in enumerate(["heart", "skin", "heart", "skin"])]


def lab_for(model, tokenizer) -> TopBlocksLab:
    """A lab that trains the top block of the tiny model."""
    return TopBlocksLab(model, tokenizer, Budget(steps=2, batch=2, learning_rate=1e-2, trained_layers=1, max_length=64),
                        seed=0, labels=("heart", "skin"))


def test_text_rows_take_the_loss_on_every_token(tiny_model, tokenizer):
    rows = lab_for(tiny_model, tokenizer).text_rows(["Chest pain with sweating is an emergency."])
    assert rows[0]["labels"] == rows[0]["input_ids"]
    assert rows[0]["body_hidden"].shape[0] == len(rows[0]["input_ids"])


def test_a_nested_run_starts_from_the_outer_runs_weights_and_each_restores_its_own(tiny_model, tokenizer, tmp_path):
    lab = lab_for(tiny_model, tokenizer)
    top = {name: value.clone() for name, value in tiny_model.model.layers[1].state_dict().items()}
    weights = lambda: {name: value.clone() for name, value in tiny_model.model.layers[1].state_dict().items()}  # noqa: E731
    changed = lambda a, b: any(not torch.equal(a[name], b[name]) for name in a)  # noqa: E731
    with lab.fine_tuned(lab.text_rows(["a b c d", "e f g h"]), "first", output_dir=str(tmp_path)):
        after_first = weights()
        assert changed(after_first, top)
        with lab.fine_tuned(ROWS, "second", output_dir=str(tmp_path)):
            assert changed(weights(), after_first)
        assert not changed(weights(), after_first)  # the inner run gave back the outer run's weights
        assert all(p.requires_grad for p in tiny_model.model.layers[1].parameters())  # the outer run is still open
    assert not changed(weights(), top)
    assert not any(p.requires_grad for p in tiny_model.model.layers[1].parameters())
