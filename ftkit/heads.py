"""Classification heads on a pretrained decoder: its top blocks and a new linear head, trained on cached body outputs.

A decoder-only model reads a text left to right, so its state at the last real token has seen the whole text: a
linear layer on that state (`score`, as in transformers' `*ForSequenceClassification`) turns the language model into
a classifier. `TopBlocksClassifier` trains the top `trained_blocks` blocks, the final norm and that head, and reads the
frozen blocks below from a cache (`with_body_outputs`), so a training step costs only the trained blocks. Before
training, its pooled states are the frozen model's own (`pooled_states`): the features of a linear probe.
`sequence_classifier` puts the whole body under transformers' own classification head, for full fine-tuning.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import AutoModelForSequenceClassification, PreTrainedModel

from ftkit.cached_body import RowCollator, TopLayersLM, _on_device, pad_token_rows, with_cached_hidden
from ftkit.scoring import eval_mode


class TopBlocksClassifier(TopLayersLM):
    """The model's top `trained_blocks` blocks, final norm and a new linear head on the last real token's state."""

    def __init__(self, model: PreTrainedModel, trained_blocks: int, num_labels: int):
        super().__init__(model, len(model.model.layers) - trained_blocks)  # freezes everything, then:
        for layer in self.decoder.layers[self.first_trained :]:
            layer.requires_grad_(True)
        self.decoder.norm.requires_grad_(True)
        # A fresh head, no bias: transformers' *ForSequenceClassification heads are built the same way.
        self.score = nn.Linear(model.config.hidden_size, num_labels, bias=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, labels: torch.Tensor | None = None,
                body_hidden: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        """Class logits, and the mean cross-entropy when `labels` (one class index per row) are given."""
        logits = self.score(self.last_states(input_ids, attention_mask, body_hidden))
        output = {"logits": logits}
        if labels is not None:
            output["loss"] = F.cross_entropy(logits.float(), labels)
        return output


def collate_labelled_rows(rows: Sequence[dict], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch of classification rows (input_ids, a class index `label`, and body_hidden where all have it)."""
    batch = {**pad_token_rows(rows, pad_token_id), "labels": torch.tensor([row["label"] for row in rows])}
    return with_cached_hidden(batch, rows)


class LabelledRowCollator(RowCollator):
    """The Trainer's data collator for classification rows (`TopBlocksClassifier` or `sequence_classifier`)."""

    def __init__(self, pad_token_id: int):
        super().__init__(pad_token_id, collate_labelled_rows)


def _batched_outputs(model: TopBlocksClassifier, rows: Sequence[dict], pad_token_id: int, batch_size: int,
                     output) -> np.ndarray:
    """`output(model, batch)` over the rows in batches, in eval mode and without gradients, stacked on the CPU."""
    parts = []
    with eval_mode(model):
        for start in range(0, len(rows), batch_size):
            batch = _on_device(collate_labelled_rows(rows[start : start + batch_size], pad_token_id), model)
            batch.pop("labels", None)
            parts.append(output(model, batch).float().cpu())
    return torch.cat(parts).numpy()


def pooled_states(model: TopBlocksClassifier, rows: Sequence[dict], pad_token_id: int, batch_size: int = 16) -> np.ndarray:
    """One pooled state per row (rows x hidden): before training, the frozen model's features for a linear probe."""
    return _batched_outputs(model, rows, pad_token_id, batch_size, lambda m, batch: m.last_states(**batch))


def class_logits(model: TopBlocksClassifier, rows: Sequence[dict], pad_token_id: int, batch_size: int = 16) -> np.ndarray:
    """Class logits per row (rows x classes)."""
    return _batched_outputs(model, rows, pad_token_id, batch_size, lambda m, batch: m(**batch)["logits"])


def sequence_classifier(model: PreTrainedModel, num_labels: int) -> PreTrainedModel:
    """The model's body (same weights, copied) under transformers' sequence-classification head, every weight trainable."""
    config = model.config.__class__.from_dict({**model.config.to_dict(), "num_labels": num_labels})
    if config.pad_token_id is None:
        raise ValueError("the model's config needs a pad_token_id: the classifier pools at the last non-pad token")
    classifier = AutoModelForSequenceClassification.from_config(config)
    body = getattr(classifier, classifier.base_model_prefix)
    body.load_state_dict(getattr(model, model.base_model_prefix).state_dict())
    return classifier.to(device=model.device, dtype=model.dtype)
