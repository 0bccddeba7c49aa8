"""Elastic Weight Consolidation: a diagonal Fisher estimated on old-task data and a Trainer that adds the penalty.

EWC (Kirkpatrick et al. 2017) keeps each weight near its old value θ* in proportion to how much the old task's
log-likelihood depends on it: loss = task loss + λ/2 · Σ_i F_i (θ_i − θ*_i)².

Two ways to apply it: `EWCTrainer` adds the penalty to the loss, as in the paper (which trained with SGD), and
`DecoupledEWCCallback` applies the penalty's pull directly to the weights after each optimizer step. Under Adam the
coupled form is rescaled per weight like any gradient (and gradient clipping shrinks the task gradient beside a large
penalty gradient), the same reason AdamW decouples weight decay from L2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from datasets import Dataset
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase, Trainer, TrainerCallback

from ftkit.data import padding_collator
from ftkit.scoring import eval_mode


@dataclass
class FisherEstimate:
    """Diagonal Fisher per trainable parameter, the anchor weights θ*, and how many examples it averaged."""

    fisher: dict[str, torch.Tensor]
    anchor: dict[str, torch.Tensor]
    examples: int

    def total(self) -> float:
        """Sum of every Fisher entry."""
        return float(sum(f.sum() for f in self.fisher.values()))

    def normalised(self) -> FisherEstimate:
        """The same estimate scaled so the mean entry is 1: λ then reads as 'penalty per unit of average importance'."""
        count = sum(f.numel() for f in self.fisher.values())
        mean = self.total() / max(count, 1)
        if mean <= 0:
            raise ValueError("the Fisher is zero everywhere; were the labels all masked?")
        return FisherEstimate({name: f / mean for name, f in self.fisher.items()}, self.anchor, self.examples)


def trainable_parameters(model: PreTrainedModel) -> dict[str, torch.nn.Parameter]:
    """Named parameters that require gradients (tied weights appear once)."""
    return {name: p for name, p in model.named_parameters() if p.requires_grad}


def diagonal_fisher(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    dataset: Dataset,
    max_examples: int | None = None,
) -> FisherEstimate:
    """Empirical diagonal Fisher E[(∂ log p(y|x) / ∂θ)²] over tokenized chats, one example per backward pass.

    Gradients are taken one example at a time: squaring a batch-mean gradient would cancel disagreeing examples
    and underestimate the Fisher. The loss is the mean answer-token cross-entropy of each example.
    """
    parameters = trainable_parameters(model)
    if not parameters:
        raise ValueError("the model has no trainable parameters")
    count = len(dataset) if max_examples is None else min(max_examples, len(dataset))
    if count == 0:
        raise ValueError("the Fisher needs at least one example")
    collate = padding_collator(tokenizer)
    fisher = {name: torch.zeros_like(p, dtype=torch.float32) for name, p in parameters.items()}
    # Eval mode (no dropout: the Fisher of the model as it will be anchored), with gradients.
    with eval_mode(model, gradients=True):
        try:
            for index in tqdm(range(count), desc="Fisher", leave=False):
                batch = collate([dataset[index]])
                batch = {key: value.to(model.device) for key, value in batch.items()}
                model.zero_grad(set_to_none=True)
                model(**batch).loss.backward()
                for name, p in parameters.items():
                    if p.grad is not None:
                        fisher[name] += p.grad.detach().float() ** 2
        finally:
            model.zero_grad(set_to_none=True)
    fisher = {name: f / count for name, f in fisher.items()}
    anchor = {name: p.detach().clone() for name, p in parameters.items()}
    return FisherEstimate(fisher, anchor, count)


def ewc_penalty(model: PreTrainedModel, estimate: FisherEstimate, ewc_lambda: float) -> torch.Tensor:
    """λ/2 · Σ F (θ − θ*)² over the parameters the estimate covers (differentiable)."""
    parameters = dict(model.named_parameters())
    total = None
    for name, fisher in estimate.fisher.items():
        p = parameters[name]
        term = (fisher.to(p.device) * (p - estimate.anchor[name].to(p.device)) ** 2).sum()
        total = term if total is None else total + term
    if total is None:
        raise ValueError("the Fisher estimate covers no parameters")
    return 0.5 * ewc_lambda * total


class EWCTrainer(Trainer):
    """A Trainer whose loss is the task loss plus the EWC penalty; it logs the penalty next to the loss."""

    def __init__(self, *args, fisher: FisherEstimate, ewc_lambda: float, **kwargs):
        super().__init__(*args, **kwargs)
        if ewc_lambda < 0:
            raise ValueError(f"ewc_lambda must be >= 0, got {ewc_lambda}")
        self.fisher, self.ewc_lambda = fisher, ewc_lambda
        self.penalties: list[float] = []

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        task = super().compute_loss(model, inputs, return_outputs=return_outputs, num_items_in_batch=num_items_in_batch)
        task_loss, outputs = task if return_outputs else (task, None)
        if not model.training:  # evaluation reports the task loss alone
            return task
        penalty = ewc_penalty(model, self.fisher, self.ewc_lambda)
        self.penalties.append(float(penalty.detach()))
        loss = task_loss + penalty
        return (loss, outputs) if return_outputs else loss


def decoupled_ewc_step(model: torch.nn.Module, estimate: FisherEstimate, ewc_lambda: float, learning_rate: float) -> None:
    """Move each covered weight toward θ* by min(1, lr·λ·F) of its distance: one SGD step on the penalty alone.

    The cap at 1 stops a weight with a very large λ·F from overshooting θ*: it is put back on its anchor instead.
    """
    parameters = dict(model.named_parameters())
    with torch.no_grad():
        for name, fisher in estimate.fisher.items():
            p = parameters[name]
            pull = (learning_rate * ewc_lambda * fisher.to(p.device)).clamp_(max=1.0)
            p.sub_(pull * (p - estimate.anchor[name].to(p.device)))


class DecoupledEWCCallback(TrainerCallback):
    """EWC applied after each optimizer step, outside Adam's per-weight scaling (as AdamW does for weight decay).

    With the penalty in the loss, Adam divides each weight's gradient by its own running size, so a weight the
    Fisher marks as important still moves about one learning rate per step, and clipping the total gradient to a
    fixed norm lets the penalty crowd out the task gradient. Applied here, the pull
    lr·λ·F·(θ − θ*) keeps its Fisher weighting: important weights stay at θ*, unimportant ones train freely.
    """

    def __init__(self, fisher: FisherEstimate, ewc_lambda: float):
        if ewc_lambda < 0:
            raise ValueError(f"ewc_lambda must be >= 0, got {ewc_lambda}")
        self.fisher, self.ewc_lambda = fisher, ewc_lambda

    def on_step_end(self, args, state, control, model=None, optimizer=None, **kwargs):
        """After the optimizer's update, pull the weights back toward θ* at the step's learning rate."""
        learning_rate = optimizer.param_groups[0]["lr"] if optimizer is not None else args.learning_rate
        decoupled_ewc_step(model, self.fisher, self.ewc_lambda, learning_rate)


def top_fisher_parameters(estimate: FisherEstimate, top: int = 10) -> list[tuple[str, float, int]]:
    """(name, mean Fisher per entry, entries) of the tensors with the highest mean Fisher, highest first."""
    rows = [(name, float(f.mean()), f.numel()) for name, f in estimate.fisher.items()]
    return sorted(rows, key=lambda row: row[1], reverse=True)[:top]


def fisher_by_group(estimate: FisherEstimate, groups: Sequence[str]) -> dict[str, float]:
    """Mean Fisher per entry of the tensors whose name contains each group key (e.g. 'q_proj', 'mlp', 'embed')."""
    result = {}
    for group in groups:
        members = [f for name, f in estimate.fisher.items() if group in name]
        entries = sum(f.numel() for f in members)
        result[group] = float(sum(f.sum() for f in members)) / entries if entries else float("nan")
    return result
