"""train(): parameters change, the loss falls, history/time/tokens/memory are reported."""

from __future__ import annotations

import pytest
import torch

from ftkit.data import chat_row, padding_collator, to_train_dataset
from ftkit.train import TrainConfig, train


def test_training_changes_weights_lowers_loss_and_reports_cost(tiny_model, tokenizer, tmp_path):
    rows = [chat_row(f"Say the word number {i}.", "banana banana banana") for i in range(8)]
    dataset = to_train_dataset(rows, tokenizer)
    before = {name: p.detach().clone() for name, p in tiny_model.named_parameters()}
    result = train(
        tiny_model, tokenizer, dataset, eval_dataset=dataset.select(range(4)),
        config=TrainConfig(max_steps=24, learning_rate=1e-2, per_device_train_batch_size=4, eval_steps=12, output_dir=str(tmp_path)),
    )
    changed = [name for name, p in tiny_model.named_parameters() if not torch.equal(p, before[name])]
    assert len(changed) == len(before)
    losses = [loss for _, loss in result.train_losses]
    assert len(losses) == 24 and losses[-1] < 0.5 * losses[0]
    assert [step for step, _ in result.eval_losses] == [12, 24]
    assert result.cost.tokens == sum(len(ids) for ids in dataset["input_ids"]) * 24 * 4 // len(dataset)
    assert result.cost.seconds > 0 and result.cost.tokens_per_s > 0
    assert any((tmp_path / "runs").rglob("events.out.tfevents.*"))  # TensorBoard files were written


def test_config_defaults_are_those_of_a_short_measured_run(monkeypatch, tmp_path):
    monkeypatch.setenv("FTKIT_SEED", "5")
    config = TrainConfig(output_dir=str(tmp_path), profile="cpu")
    assert (config.max_steps, config.lr_scheduler_type.value, config.save_strategy.value, config.logging_steps) == (20, "constant", "no", 1)
    assert config.report_to == ["tensorboard"] and config.include_num_input_tokens_seen == "non_padding"
    assert (config.dataloader_num_workers, config.activation_checkpointing, config.seed) == (0, False, 5)
    assert (config.bf16, config.fp16, config.use_cpu, config.per_device_eval_batch_size) == (False, False, True, 16)
    assert TrainConfig(output_dir=str(tmp_path), seed=3).seed == 3


@pytest.mark.parametrize("bad", [{"max_steps": 0}, {"max_steps": -1}, {"learning_rate": 0.0}, {"per_device_train_batch_size": 0}])
def test_config_rejects_a_run_without_a_positive_budget(bad, tmp_path):
    with pytest.raises(ValueError, match=next(iter(bad))):
        TrainConfig(output_dir=str(tmp_path), **bad)


@pytest.mark.parametrize(("capability", "fp16", "bf16"), [((7, 5), True, False), ((8, 0), False, True)])
def test_config_precision_follows_the_gpu_capability(monkeypatch, tmp_path, capability, fp16, bf16):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    # use_cpu=True only keeps the arguments from initialising a CUDA device this machine does not have.
    config = TrainConfig(output_dir=str(tmp_path), profile="gpu", use_cpu=True)
    assert (config.fp16, config.bf16, config.profile, config.per_device_eval_batch_size) == (fp16, bf16, "gpu", 64)


def test_eval_steps_alone_turns_on_step_evaluation(tmp_path):
    config = TrainConfig(output_dir=str(tmp_path), eval_steps=6)
    assert (config.eval_strategy.value, config.eval_steps) == ("steps", 6)
    assert TrainConfig(output_dir=str(tmp_path)).eval_strategy.value == "no"


def test_train_uses_a_users_own_collator(tiny_model, tokenizer, tmp_path):
    dataset = to_train_dataset([chat_row(f"Say {i}.", "banana") for i in range(4)], tokenizer)
    seen = []

    def collator(rows):
        batch = padding_collator(tokenizer)(rows)
        seen.append(tuple(batch["input_ids"].shape))
        return batch

    train(tiny_model, tokenizer, dataset, config=TrainConfig(max_steps=2, per_device_train_batch_size=2, output_dir=str(tmp_path),
          report_to="none"), data_collator=collator)
    assert len(seen) == 2 and all(shape[0] == 2 for shape in seen)
