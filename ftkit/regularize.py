"""An explicit L1 or L2 penalty on the trained weights, added to the Trainer's loss."""

from __future__ import annotations

import torch
from transformers import Trainer

PENALTIES = ("l1", "l2")


def weight_penalty(model: torch.nn.Module, kind: str = "l2") -> torch.Tensor:
    """Sum of |w| (l1) or w² (l2) over the parameters that train (requires_grad); frozen weights are left out."""
    if kind not in PENALTIES:
        raise ValueError(f"penalty must be one of {PENALTIES}, got {kind!r}")
    trained = [parameter for parameter in model.parameters() if parameter.requires_grad]
    if not trained:
        raise ValueError("the model has no trainable parameters to penalise")
    if kind == "l1":
        return sum(parameter.abs().sum() for parameter in trained)
    return sum(parameter.pow(2).sum() for parameter in trained)


class WeightPenaltyTrainer(Trainer):
    """A Trainer whose training loss adds `strength` × an L1 or L2 penalty on the trained weights.

    Unlike AdamW's weight decay, the penalty's gradient passes through Adam's per-parameter scaling (the coupled
    L2 of Loshchilov & Hutter). With LoRA the trained weights are the adapters, so the penalty pulls the model
    back toward the pretrained one. Evaluation loss is left without the penalty, so it stays comparable.
    """

    def __init__(self, *args, penalty: str = "l2", strength: float = 1e-4, **kwargs):
        if penalty not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {penalty!r}")
        if strength < 0:
            raise ValueError(f"strength must be >= 0, got {strength}")
        super().__init__(*args, **kwargs)
        self.penalty, self.strength = penalty, strength

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """The model's loss, plus the penalty while training."""
        loss, outputs = super().compute_loss(model, inputs, return_outputs=True, num_items_in_batch=num_items_in_batch)
        if model.training and self.strength > 0:
            loss = loss + self.strength * weight_penalty(model, self.penalty)
        return (loss, outputs) if return_outputs else loss
