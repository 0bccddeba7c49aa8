"""EWC: the diagonal Fisher, the penalty's value and gradient, and a Trainer that holds weights near θ*."""

from __future__ import annotations

import copy

import pytest
import torch

from ftkit.data import chat_row, to_train_dataset
from ftkit.ewc import (
    DecoupledEWCCallback,
    EWCTrainer,
    FisherEstimate,
    decoupled_ewc_step,
    diagonal_fisher,
    ewc_penalty,
    fisher_by_group,
    top_fisher_parameters,
)
from ftkit.train import TrainConfig, train


@pytest.fixture()
def general_rows():
    return [chat_row(f"Name a colour, please ({i}).", "Blue is a calm colour.") for i in range(4)]


def test_fisher_is_mean_of_squared_per_example_gradients(tiny_model, tokenizer, general_rows):
    dataset = to_train_dataset(general_rows[:2], tokenizer)
    estimate = diagonal_fisher(tiny_model, tokenizer, dataset)
    expected = {}
    for index in range(2):
        tiny_model.zero_grad()
        example = {k: torch.tensor([v]) for k, v in dataset[index].items()}
        tiny_model(**example).loss.backward()
        for name, p in tiny_model.named_parameters():
            expected[name] = expected.get(name, 0) + p.grad**2 / 2
    assert estimate.examples == 2
    for name, fisher in estimate.fisher.items():
        torch.testing.assert_close(fisher, expected[name])
    assert all(torch.equal(estimate.anchor[n], p) for n, p in tiny_model.named_parameters())
    assert estimate.total() > 0


def test_normalised_fisher_has_mean_one_and_keeps_ratios(tiny_model, tokenizer, general_rows):
    estimate = diagonal_fisher(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer))
    normalised = estimate.normalised()
    entries = sum(f.numel() for f in normalised.fisher.values())
    assert normalised.total() / entries == pytest.approx(1.0, rel=1e-4)
    name = next(iter(estimate.fisher))
    ratio = normalised.fisher[name] / estimate.fisher[name].clamp_min(1e-30)
    nonzero = estimate.fisher[name] > 0
    assert torch.allclose(ratio[nonzero], ratio[nonzero][0].expand_as(ratio[nonzero]), rtol=1e-4)


def penalty_value(model, estimate, ewc_lambda) -> float:
    """The penalty as a number (no graph)."""
    with torch.no_grad():
        return float(ewc_penalty(model, estimate, ewc_lambda))


def _toy_estimate(model):
    """A hand-made Fisher: 1 on the first parameter tensor, 3 on the second, 0 elsewhere."""
    names = [name for name, _ in model.named_parameters()]
    fisher = {name: torch.zeros_like(p) for name, p in model.named_parameters()}
    fisher[names[0]] += 1.0
    fisher[names[1]] += 3.0
    anchor = {name: p.detach().clone() for name, p in model.named_parameters()}
    return FisherEstimate(fisher, anchor, 1), names


def test_penalty_is_zero_at_anchor_and_grows_with_fisher_weighted_distance(tiny_model):
    estimate, names = _toy_estimate(tiny_model)
    assert penalty_value(tiny_model, estimate, 10.0) == 0.0
    params = dict(tiny_model.named_parameters())
    with torch.no_grad():
        params[names[0]].add_(0.1)
    first = penalty_value(tiny_model, estimate, 10.0)
    assert first == pytest.approx(0.5 * 10.0 * 1.0 * 0.01 * params[names[0]].numel(), rel=1e-4)
    with torch.no_grad():
        params[names[1]].add_(0.1)  # same distance on a tensor the Fisher marks 3x as important
    second = penalty_value(tiny_model, estimate, 10.0)
    assert second - first == pytest.approx(0.5 * 10.0 * 3.0 * 0.01 * params[names[1]].numel(), rel=1e-4)
    with torch.no_grad():
        params[names[2]].add_(5.0)  # zero Fisher: moving it is free
    assert penalty_value(tiny_model, estimate, 10.0) == pytest.approx(second, rel=1e-6)


def test_penalty_gradient_is_lambda_times_fisher_times_displacement(tiny_model):
    estimate, names = _toy_estimate(tiny_model)
    params = dict(tiny_model.named_parameters())
    with torch.no_grad():
        for p in params.values():
            p.add_(torch.randn_like(p) * 0.05)
    tiny_model.zero_grad()
    ewc_penalty(tiny_model, estimate, 7.0).backward()
    for name, p in params.items():
        expected = 7.0 * estimate.fisher[name] * (p.detach() - estimate.anchor[name])
        torch.testing.assert_close(p.grad, expected)


def test_ewc_trainer_keeps_weights_closer_to_anchor_than_plain_training(tiny_model, tokenizer, tmp_path, general_rows):
    estimate = diagonal_fisher(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer)).normalised()
    domain = to_train_dataset([chat_row(f"Triage note {i}.", '{"urgency": "routine"}') for i in range(8)], tokenizer)
    start = copy.deepcopy(tiny_model.state_dict())
    drift = {}
    for ewc_lambda in (0.0, 1e4):
        tiny_model.load_state_dict(start)
        config = TrainConfig(
            max_steps=8, learning_rate=1e-2, per_device_train_batch_size=4, output_dir=str(tmp_path / str(ewc_lambda))
        )
        result = train(tiny_model, tokenizer, domain, config=config, trainer_class=EWCTrainer, fisher=estimate, ewc_lambda=ewc_lambda)
        drift[ewc_lambda] = penalty_value(tiny_model, estimate, 2.0)  # Σ F (θ − θ*)²
        assert len(result.trainer.penalties) == 8 and result.trainer.penalties[0] == 0.0
    assert drift[1e4] < 0.5 * drift[0.0]


def test_decoupled_step_pulls_by_lr_lambda_fisher_and_never_overshoots():
    layer = torch.nn.Linear(2, 1, bias=False)
    anchor = torch.zeros(1, 2)
    estimate = FisherEstimate({"weight": torch.tensor([[1.0, 1e6]])}, {"weight": anchor}, examples=1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[2.0, 2.0]]))
    decoupled_ewc_step(layer, estimate, ewc_lambda=10.0, learning_rate=0.01)
    # weight 0: pull 0.01 * 10 * 1 = 0.1 of its distance; weight 1: pull capped at 1, so it lands on θ* exactly
    torch.testing.assert_close(layer.weight.detach(), torch.tensor([[1.8, 0.0]]))
    decoupled_ewc_step(layer, estimate, ewc_lambda=10.0, learning_rate=0.01)
    torch.testing.assert_close(layer.weight.detach(), torch.tensor([[1.62, 0.0]]))


def test_decoupled_step_leaves_weights_at_the_anchor_untouched(tiny_model, tokenizer, general_rows):
    estimate = diagonal_fisher(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer)).normalised()
    before = copy.deepcopy(tiny_model.state_dict())
    decoupled_ewc_step(tiny_model, estimate, ewc_lambda=1e4, learning_rate=1e-3)
    assert all(torch.equal(before[name], value) for name, value in tiny_model.state_dict().items())


def test_decoupled_ewc_callback_holds_important_weights_where_coupled_adam_does_not(tiny_model, tokenizer, tmp_path, general_rows):
    estimate = diagonal_fisher(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer)).normalised()
    domain = to_train_dataset([chat_row(f"Triage note {i}.", '{"urgency": "routine"}') for i in range(8)], tokenizer)
    start = copy.deepcopy(tiny_model.state_dict())
    drift = {}
    for name, kwargs in {"plain": {}, "decoupled": {"callbacks": [DecoupledEWCCallback(estimate, 1e4)]}}.items():
        tiny_model.load_state_dict(start)
        config = TrainConfig(max_steps=8, learning_rate=1e-2, per_device_train_batch_size=4, output_dir=str(tmp_path / name))
        train(tiny_model, tokenizer, domain, config=config, **kwargs)
        drift[name] = penalty_value(tiny_model, estimate, 2.0)  # Σ F (θ − θ*)²
    assert drift["decoupled"] < 0.1 * drift["plain"]
    with pytest.raises(ValueError, match="ewc_lambda"):
        DecoupledEWCCallback(estimate, -1.0)


def test_ewc_trainer_rejects_negative_lambda(tiny_model, tokenizer, general_rows, tmp_path):
    estimate = diagonal_fisher(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer))
    with pytest.raises(ValueError, match="ewc_lambda"):
        train(tiny_model, tokenizer, to_train_dataset(general_rows, tokenizer), config=TrainConfig(max_steps=1, output_dir=str(tmp_path)),
              trainer_class=EWCTrainer, fisher=estimate, ewc_lambda=-1.0)


def test_fisher_summaries_rank_tensors_and_average_groups():
    fisher = {"model.layers.0.mlp.up_proj.weight": torch.full((2, 2), 4.0), "model.layers.0.self_attn.q_proj.weight": torch.ones(2)}
    estimate = FisherEstimate(fisher, {k: torch.zeros_like(v) for k, v in fisher.items()}, 1)
    assert [name for name, _, _ in top_fisher_parameters(estimate, top=2)] == list(fisher)
    assert fisher_by_group(estimate, ["mlp", "q_proj"]) == {"mlp": 4.0, "q_proj": 1.0}
