"""Project onto the vocabulary only where a training loss is taken.

A causal LM computes logits for every position (vocabulary × sequence length), though a chat fine-tune scores only
the answer tokens. The collator here marks, per row, the positions whose next token carries a label and hands the
model those labels already shifted: transformers' causal LMs then run the language-model head on the marked hidden
states only (`logits_to_keep` as a boolean mask) and take the same mean cross-entropy over the same tokens, so the
loss and its gradients are those of the full projection.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import torch

IGNORE_INDEX = -100  # the label of positions without a loss (transformers' and PyTorch's convention)


def with_scored_positions(batch: dict) -> dict:
    """The batch plus `logits_to_keep` (rows × positions, True where the next token is labelled) and `shift_labels`.

    `shift_labels` holds those next tokens in the order the model flattens the kept positions (row by row).
    """
    labels = batch["labels"]
    next_labels = labels[:, 1:]
    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = next_labels != IGNORE_INDEX
    return {**batch, "logits_to_keep": keep, "shift_labels": next_labels[keep[:, :-1]]}


def projects_scored_positions(model: torch.nn.Module) -> bool:
    """Whether `model` can take a boolean `logits_to_keep` with `shift_labels`: a transformers causal LM, bare or
    under a PEFT adapter that keeps the sequence as it is (not prompt or prefix tuning, which add virtual tokens)."""
    # PEFT sets `peft_config` on the wrapper and on the model it wraps; either may be passed.
    peft_config = getattr(model, "peft_config", None) or {}
    if any(config.is_prompt_learning for config in peft_config.values()):
        return False
    if hasattr(model, "get_base_model"):
        model = model.get_base_model()
    parameters = inspect.signature(model.forward).parameters
    return "logits_to_keep" in parameters and getattr(model, "loss_function", None) is not None


@dataclass
class ScoredPositionsCollator:
    """Wraps a collator whose batches carry `labels`: adds the scored positions (`with_scored_positions`)."""

    collator: Callable[[list[dict]], dict]

    def __call__(self, features: list[dict]) -> dict:
        batch = self.collator(features)
        return with_scored_positions(batch) if "labels" in batch else batch
