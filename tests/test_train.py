"""train(): parameters change, the loss falls, history/time/tokens/memory are reported."""

from __future__ import annotations

import torch

from ftkit.data import chat_row, to_train_dataset
from ftkit.train import TrainConfig, train


def test_training_changes_weights_lowers_loss_and_reports_cost(tiny_model, tokenizer, tmp_path):
    rows = [chat_row(f"Say the word number {i}.", "banana banana banana") for i in range(8)]
    dataset = to_train_dataset(rows, tokenizer)
    before = {name: p.detach().clone() for name, p in tiny_model.named_parameters()}
    result = train(
        tiny_model, tokenizer, dataset, eval_dataset=dataset.select(range(4)),
        config=TrainConfig(max_steps=24, learning_rate=1e-2, batch_size=4, eval_steps=12, output_dir=str(tmp_path)),
    )
    changed = [name for name, p in tiny_model.named_parameters() if not torch.equal(p, before[name])]
    assert len(changed) == len(before)
    losses = [loss for _, loss in result.train_losses]
    assert len(losses) == 24 and losses[-1] < 0.5 * losses[0]
    assert [step for step, _ in result.eval_losses] == [12, 24]
    assert result.cost.tokens == sum(len(ids) for ids in dataset["input_ids"]) * 24 * 4 // len(dataset)
    assert result.cost.seconds > 0 and result.cost.tokens_per_s > 0
    assert any((tmp_path / "runs").rglob("events.out.tfevents.*"))  # TensorBoard files were written
