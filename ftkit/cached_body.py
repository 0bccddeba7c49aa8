"""Train only the top layers of a causal LM on cached outputs of its frozen lower layers (the "body").

When every layer below `first_trained` is frozen and runs without dropout, its output for a row never changes:
compute it once per row (`with_body_outputs`) and each training step or evaluation runs only the top layers and the
output head, on the answer positions alone. The losses are those of the whole model (a unit test checks it), at a
fraction of the cost. A row without a cached output takes the full path from its token ids, so a method that
perturbs the input embeddings (NEFTune, through the Trainer's embedding hook) still trains as it would on the
whole model. The wrapper is a plain `nn.Module`: put PEFT adapters on it with `get_peft_model` and train it with
the Hugging Face Trainer (`label_names=["labels"]`); its layers are the wrapped model's own, so after training the
wrapped model generates with the trained adapters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from transformers import (
    EvalPrediction,
    PreTrainedModel,
    TrainerCallback,
    TrainerControl,
    TrainerState,
    TrainingArguments,
)
from transformers.masking_utils import create_causal_mask

from ftkit.data import IGNORE_INDEX
from ftkit.scoring import eval_mode


class TopLayersLM(nn.Module):
    """A decoder-only LM (Llama family) whose layers below `first_trained` are frozen and may be read from a cache."""

    def __init__(self, model: PreTrainedModel, first_trained: int):
        super().__init__()
        layers = model.model.layers
        if not 0 < first_trained < len(layers):
            raise ValueError(f"first_trained must be between 1 and {len(layers) - 1}, got {first_trained}")
        model.requires_grad_(False)  # the body and the head stay frozen; adapters added later are the trained part
        self.decoder = model.model
        self.lm_head = model.lm_head
        self.first_trained = first_trained

    def get_input_embeddings(self) -> nn.Module:
        """The token embedding (the Trainer attaches NEFTune's noise hook here)."""
        return self.decoder.embed_tokens

    def _run_layers(self, hidden: torch.Tensor, attention_mask: torch.Tensor, layers: Sequence[nn.Module]) -> torch.Tensor:
        """Run `layers` over `hidden` with the causal mask and rotary positions the whole model would use."""
        position_ids = torch.arange(hidden.shape[1], device=hidden.device).unsqueeze(0)
        mask = create_causal_mask(config=self.decoder.config, inputs_embeds=hidden, attention_mask=attention_mask,
                                  past_key_values=None, position_ids=position_ids)
        position_embeddings = self.decoder.rotary_emb(hidden, position_ids=position_ids)
        for layer in layers:
            hidden = layer(hidden, attention_mask=mask, position_embeddings=position_embeddings, position_ids=position_ids)
        return hidden

    def body(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Output of the frozen layers below `first_trained` (no gradient: nothing there trains)."""
        with torch.no_grad():
            hidden = self.decoder.embed_tokens(input_ids)
            return self._run_layers(hidden, attention_mask, self.decoder.layers[: self.first_trained])

    def last_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    body_hidden: torch.Tensor | None = None) -> torch.Tensor:
        """The final-normed state at each row's last real token (rows are right-padded): what predicts the next token."""
        hidden = self.body(input_ids, attention_mask) if body_hidden is None else body_hidden
        hidden = self.decoder.norm(self._run_layers(hidden, attention_mask, self.decoder.layers[self.first_trained :]))
        last = attention_mask.sum(dim=1) - 1
        return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        labels: torch.Tensor,
        body_hidden: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Mean loss over the batch's answer tokens, and each row's mean answer-token loss (`row_loss`)."""
        hidden = self.body(input_ids, attention_mask) if body_hidden is None else body_hidden
        hidden = self._run_layers(hidden, attention_mask, self.decoder.layers[self.first_trained :])
        hidden = self.decoder.norm(hidden)
        targets = labels[:, 1:]  # position t predicts token t + 1
        scored = targets != IGNORE_INDEX
        logits = self.lm_head(hidden[:, :-1][scored])  # the head only where a loss is taken: the answer tokens
        token_loss = F.cross_entropy(logits.float(), targets[scored], reduction="none")
        row_tokens = scored.sum(dim=1)
        if not bool((row_tokens > 0).all()):
            raise ValueError(f"row {int((row_tokens == 0).nonzero()[0])} of the batch has no answer token to score (cut by max_length?)")
        row_sum = torch.zeros(labels.shape[0], device=token_loss.device).index_add(0, scored.nonzero()[:, 0], token_loss)
        return {"loss": token_loss.mean(), "row_loss": row_sum / row_tokens}


def _pad(tensors: Sequence[torch.Tensor], value: float | int) -> torch.Tensor:
    """Right-pad tensors of shape (length, ...) to the longest length and stack them."""
    return nn.utils.rnn.pad_sequence(list(tensors), batch_first=True, padding_value=value)


def answer_tokens(rows: Sequence[dict]) -> np.ndarray:
    """How many tokens each row's loss is taken over (its labels that are not ignored): row_loss × this = the sum."""
    return np.array([sum(label != IGNORE_INDEX for label in row["labels"]) for row in rows])


def _on_device(batch: dict[str, torch.Tensor], model: nn.Module) -> dict[str, torch.Tensor]:
    """The batch on the device of the model's weights."""
    device = next(model.parameters()).device
    return {name: tensor.to(device) for name, tensor in batch.items()}


def pad_token_rows(rows: Sequence[dict], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Right-padded input_ids and their attention mask for a batch of rows with `input_ids`."""
    ids = [torch.as_tensor(row["input_ids"]) for row in rows]
    return {"input_ids": _pad(ids, pad_token_id), "attention_mask": _pad([torch.ones_like(i) for i in ids], 0)}


def with_cached_hidden(batch: dict[str, torch.Tensor], rows: Sequence[dict]) -> dict[str, torch.Tensor]:
    """The batch with the rows' `body_hidden`, right-padded, when every row has one (else the full path runs)."""
    if all("body_hidden" in row for row in rows):
        batch["body_hidden"] = _pad([row["body_hidden"] for row in rows], 0.0)
    return batch


def collate_rows(rows: Sequence[dict], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch of token rows (input_ids, labels and, where every row has it, body_hidden)."""
    batch = {
        **pad_token_rows(rows, pad_token_id),
        "labels": _pad([torch.as_tensor(row["labels"]) for row in rows], IGNORE_INDEX),
    }
    return with_cached_hidden(batch, rows)


class RowCollator:
    """The Trainer's data collator for `TopLayersLM` rows (or any rows `collate(rows, pad_token_id)` batches)."""

    def __init__(self, pad_token_id: int, collate=collate_rows):
        self.pad_token_id = pad_token_id
        self.collate = collate

    def __call__(self, rows: Sequence[dict]) -> dict[str, torch.Tensor]:
        """One padded batch."""
        return self.collate(rows, self.pad_token_id)


def with_body_outputs(model: TopLayersLM, rows: Sequence[dict], pad_token_id: int, batch_size: int = 16) -> list[dict]:
    """Each token row (input_ids and any other fields, kept as they are) with `body_hidden`, the frozen body's output."""
    cached = []
    with eval_mode(model):
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            batch = _on_device(pad_token_rows(chunk, pad_token_id), model)
            hidden = model.body(batch["input_ids"], batch["attention_mask"])
            for row, row_hidden in zip(chunk, hidden):
                length = len(row["input_ids"])  # right padding: a row's own positions come first and are exact
                # Kept on the CPU like the token ids: the Trainer's data loader moves each batch to the device.
                cached.append({**row, "body_hidden": row_hidden[:length].cpu()})
    return cached


def row_losses(model: nn.Module, rows: Sequence[dict], pad_token_id: int, batch_size: int = 16) -> np.ndarray:
    """Each row's mean answer-token loss under `model` (a TopLayersLM, or a PEFT model over one), in eval mode."""
    losses = []
    with eval_mode(model):
        for start in range(0, len(rows), batch_size):
            batch = _on_device(collate_rows(rows[start : start + batch_size], pad_token_id), model)
            losses.append(model(**batch)["row_loss"])
    return torch.cat(losses).cpu().numpy()


def next_token_logprobs(model: nn.Module, rows: Sequence[dict], token_ids: Sequence[int], pad_token_id: int,
                        batch_size: int = 32) -> np.ndarray:
    """[rows, tokens] log-probabilities of each of `token_ids` as the next token after each row's `input_ids` (a prompt
    ending where the answer starts), under `model` (a TopLayersLM, or a PEFT model over one), in eval mode."""
    columns = torch.as_tensor(list(token_ids))
    parts = []
    with eval_mode(model):
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            batch = _on_device(with_cached_hidden(pad_token_rows(chunk, pad_token_id), chunk), model)
            logits = model.lm_head(model.last_states(**batch)).float()
            parts.append(torch.log_softmax(logits, dim=-1)[:, columns.to(logits.device)].cpu())
    return torch.cat(parts).numpy()


class RowLossLog(TrainerCallback):
    """Per-row evaluation losses at every evaluation step, read from the Trainer's own evaluation.

    Pass it to the Trainer twice: as `compute_metrics` (it receives the `row_loss` the model returned for each
    evaluation row) and as a callback (it files them under the evaluation set and the step). `by_set[name][step]`
    is an array with one loss per row, in the set's order; `name` is the key of a dict of evaluation sets, or
    "eval" for a single set.
    """

    def __init__(self) -> None:
        self.by_set: dict[str, dict[int, np.ndarray]] = {}
        self._latest: np.ndarray | None = None

    def __call__(self, prediction: EvalPrediction) -> dict[str, float]:
        """compute_metrics: keep the per-row losses; report their mean as `row_loss` (each row weighs the same)."""
        self._latest = np.asarray(prediction.predictions, dtype=float).reshape(-1)
        return {"row_loss": float(self._latest.mean())}

    def on_evaluate(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                    metrics: dict[str, float] | None = None, **kwargs) -> None:
        """File the evaluation's per-row losses under its set and step."""
        keys = [key for key in (metrics or {}) if key.endswith("_row_loss")]
        if self._latest is None or len(keys) != 1:
            return
        prefix = keys[0][: -len("_row_loss")]
        name = prefix[len("eval_") :] if prefix.startswith("eval_") else prefix
        self.by_set.setdefault(name, {})[state.global_step] = self._latest
        self._latest = None
