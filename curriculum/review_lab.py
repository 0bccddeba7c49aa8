"""Notebook 02's lab: the top-blocks lab (`curriculum.top_blocks`) with the two sentiment labels.

A review's sentiment is read from the first answer token: the log-probabilities of `positive` and `negative` after
the prompt.
"""

from __future__ import annotations

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from curriculum.top_blocks import Budget, TopBlocksLab, Tuned, answer

__all__ = ["LABELS", "Budget", "ReviewLab", "Tuned", "answer"]

LABELS = ("positive", "negative")


class ReviewLab(TopBlocksLab):
    """The top-blocks lab scoring reviews as `positive` or `negative`; its runs write under runs/02_<name>."""

    def __init__(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, budget: Budget, seed: int):
        super().__init__(model, tokenizer, budget, seed, labels=LABELS, run_prefix="02_")
