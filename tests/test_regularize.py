"""The explicit weight penalty: its value, and that the Trainer with it keeps the trained weights smaller."""

import pytest
import torch
from datasets import Dataset
from transformers import LlamaConfig, LlamaForCausalLM, Trainer, TrainingArguments

from ftkit.regularize import WeightPenaltyTrainer, weight_penalty


def tiny_model(seed: int = 0) -> LlamaForCausalLM:
    """A 2-layer random Llama small enough to train in a second."""
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
    return LlamaForCausalLM(config)


def toy_dataset() -> Dataset:
    """Eight fixed 12-token sequences, labels equal to the inputs."""
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 64, (8, 12), generator=generator).tolist()
    return Dataset.from_list([{"input_ids": row, "attention_mask": [1] * 12, "labels": row} for row in ids])


def test_penalty_sums_only_the_trainable_weights():
    layer = torch.nn.Linear(2, 2, bias=False)
    frozen = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[1.0, -2.0], [0.5, 0.0]]))
        frozen.weight.fill_(10.0)
    frozen.weight.requires_grad_(False)
    model = torch.nn.Sequential(layer, frozen)
    assert weight_penalty(model, "l1").item() == pytest.approx(3.5)
    assert weight_penalty(model, "l2").item() == pytest.approx(5.25)


def test_unknown_penalty_or_nothing_to_train_is_rejected():
    with pytest.raises(ValueError, match="penalty must be one of"):
        weight_penalty(torch.nn.Linear(2, 2), "l3")
    frozen = torch.nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(ValueError, match="no trainable parameters"):
        weight_penalty(frozen)


def train_weight_norm(tmp_path, trainer_class, **trainer_kwargs) -> float:
    """L2 norm of all weights after 10 SGD steps on the toy data from the same start."""
    model = tiny_model()
    args = TrainingArguments(output_dir=str(tmp_path), max_steps=10, per_device_train_batch_size=4, learning_rate=0.05,
                             optim="sgd", max_grad_norm=0.0, report_to=[], save_strategy="no", use_cpu=True, disable_tqdm=True, seed=0)
    trainer_class(model=model, args=args, train_dataset=toy_dataset(), **trainer_kwargs).train()
    return weight_penalty(model, "l2").sqrt().item()


def test_l2_penalty_keeps_the_trained_weights_smaller_than_plain_training(tmp_path):
    plain = train_weight_norm(tmp_path, Trainer)
    penalised = train_weight_norm(tmp_path, WeightPenaltyTrainer, penalty="l2", strength=0.05)
    start = weight_penalty(tiny_model(), "l2").sqrt().item()
    # Same start, same batches, no clipping: any difference comes from the penalty, whose gradient 2·strength·w pulls
    # every weight toward zero by up to 2·lr·strength = 0.5% a step (about 3% of the norm was measured after 10 steps).
    assert penalised < plain * 0.985
    assert penalised < start


def test_penalty_is_added_in_training_but_not_in_evaluation(tmp_path):
    model = tiny_model()
    args = TrainingArguments(output_dir=str(tmp_path), report_to=[], use_cpu=True, disable_tqdm=True)
    trainer = WeightPenaltyTrainer(model=model, args=args, penalty="l2", strength=0.01)
    batch = {key: torch.tensor(value[:2]) for key, value in toy_dataset()[:2].items()}
    model.eval()
    eval_loss = trainer.compute_loss(model, batch).item()
    model.train()
    train_loss = trainer.compute_loss(model, batch).item()
    expected = 0.01 * weight_penalty(model, "l2").item()
    assert train_loss - eval_loss == pytest.approx(expected, rel=1e-4)


def test_negative_strength_is_rejected(tmp_path):
    args = TrainingArguments(output_dir=str(tmp_path), report_to=[], use_cpu=True)
    with pytest.raises(ValueError, match="strength must be >= 0"):
        WeightPenaltyTrainer(model=tiny_model(), args=args, strength=-1.0)
