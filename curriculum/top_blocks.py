"""Runs of notebooks 02, 06 and 07: SmolLM2's top blocks fine-tuned from the same start for each training set, on
cached body outputs.

Every run of a notebook shares the base model, the budget and the scoring: the blocks below the trained ones are
frozen, so their output for a row is computed once (`ftkit.cached_body`) and reused by every run that trains on or
scores that row; after a run the trained blocks get their starting weights back. A class label is read from the
first answer token: the log-probabilities of each label's first token after the prompt, one forward pass of the
top layers per row, no generation. Inside a run the whole model (its own layers, trained on top) also generates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.cached_body import RowCollator, TopLayersLM, next_token_logprobs, with_body_outputs
from ftkit.data import tokenize_chat
from ftkit.scoring import prompt_token_ids
from ftkit.train import TrainConfig, TrainResult, train

@dataclass(frozen=True)
class Budget:
    """What every fine-tuning run of the notebook shares."""

    steps: int
    batch: int
    learning_rate: float
    trained_layers: int  # the top this-many blocks and the final norm train; the blocks below are the frozen, cached body
    max_length: int  # tokens of a training row; longer rows are cut (the answer is then lost, so keep it above them)


def answer(row: dict) -> str:
    """A chat row's reference answer, whitespace stripped."""
    return row["messages"][-1]["content"].strip()


class TopBlocksLab:
    """Fine-tunes the top blocks of one base model, each run from the base weights (or, nested, from the outer run's);
    scores rows by their first answer token."""

    def __init__(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, budget: Budget, seed: int,
                 labels: Sequence[str], run_prefix: str = ""):
        self.tokenizer, self.budget, self.seed, self.labels = tokenizer, budget, seed, tuple(labels)
        self.run_prefix = run_prefix  # names the runs' output folders, e.g. "02_"
        first_trained = model.config.num_hidden_layers - budget.trained_layers
        self.top = TopLayersLM(model, first_trained)
        self.trained = nn.ModuleList([*self.top.decoder.layers[first_trained:], self.top.decoder.norm])
        self._open_runs = 0  # runs open now: a run nested in another continues from the outer run's weights
        self.pad = tokenizer.pad_token_id
        first_tokens = [tokenizer(label, add_special_tokens=False)["input_ids"][0] for label in self.labels]
        if len(set(first_tokens)) != len(self.labels):
            raise ValueError(f"labels {self.labels} share a first token; they cannot be told apart in one step")
        self.label_tokens = first_tokens
        self._body: dict[tuple[int, ...], torch.Tensor] = {}  # token ids -> the frozen body's output

    def _with_body(self, token_rows: list[dict]) -> list[dict]:
        """The rows with `body_hidden`, computing the body only for token sequences not seen before."""
        new = {tuple(row["input_ids"]): row for row in token_rows if tuple(row["input_ids"]) not in self._body}
        by_length = sorted(new.values(), key=lambda row: len(row["input_ids"]))  # batches of like lengths pad little
        for row in with_body_outputs(self.top, by_length, self.pad, batch_size=16):
            self._body[tuple(row["input_ids"])] = row["body_hidden"]
        return [{**row, "body_hidden": self._body[tuple(row["input_ids"])]} for row in token_rows]

    def training_rows(self, rows: Sequence[dict]) -> list[dict]:
        """Token rows with the loss on the answer (as `ftkit.data.tokenize_chat`) and their cached body outputs."""
        encoded = [tokenize_chat(row["messages"], self.tokenizer, self.budget.max_length) for row in rows]
        return self._with_body([{"input_ids": e["input_ids"], "labels": e["labels"]} for e in encoded])

    def text_rows(self, texts: Sequence[str]) -> list[dict]:
        """Plain texts as token rows with the loss on every token but the first (language modelling, as continued
        pretraining trains), with their cached body outputs."""
        encoded = [self.tokenizer(text, truncation=True, max_length=self.budget.max_length)["input_ids"] for text in texts]
        return self._with_body([{"input_ids": ids, "labels": list(ids)} for ids in encoded])

    def prompt_rows(self, rows: Sequence[dict]) -> list[dict]:
        """Each row's prompt (the chat up to its answer), with its cached body output, ready to score."""
        return self._with_body([{"input_ids": prompt_token_ids(self.tokenizer, row["messages"][:-1])} for row in rows])

    def label_logprobs(self, model: nn.Module, rows: Sequence[dict]) -> np.ndarray:
        """[rows, labels] log-probabilities of each label's first token as the answer's first token."""
        return next_token_logprobs(model, self.prompt_rows(rows), self.label_tokens, self.pad)

    @contextmanager
    def fine_tuned(self, rows: Sequence[dict], name: str, steps: int | None = None, output_dir: str = "runs") -> Iterator[Tuned]:
        """The top blocks trained on `rows` (chat rows, or token rows from `text_rows`) for `steps` (default the
        budget's), from the weights they have now; they get their starting weights back when the block ends, so a run
        nested inside another continues from the outer run's weights (training in sequence)."""
        budget = self.budget
        before = {key: value.detach().clone() for key, value in self.trained.state_dict().items()}
        self._open_runs += 1
        self.trained.requires_grad_(True)
        args = TrainConfig(
            max_steps=steps or budget.steps, learning_rate=budget.learning_rate, per_device_train_batch_size=budget.batch,
            output_dir=f"{output_dir}/{self.run_prefix}{name}", label_names=["labels"], seed=self.seed,
            # Linear decay to zero: the model a run ends with is not one noisy last step's, so the boundary between
            # labels (where positive turns negative) does not swing from run to run.
            lr_scheduler_type="linear",
            report_to="none",  # the loss history comes back in memory; these short runs need no TensorBoard files
            disable_tqdm=True,  # many runs: a notebook would store every redraw of their progress bars
        )
        try:
            token_rows = rows if rows and "labels" in rows[0] else self.training_rows(rows)  # chats, or rows made by text_rows
            result = train(self.top, self.tokenizer, token_rows, config=args, data_collator=RowCollator(self.pad))
            yield Tuned(self, self.top, result)
        finally:
            self.trained.load_state_dict(before)  # the weights the run started from (the base, unless nested)
            self._open_runs -= 1
            self.trained.requires_grad_(self._open_runs > 0)  # still trainable inside an outer run

    def base(self) -> Tuned:
        """The untrained model, scored the same way."""
        return Tuned(self, self.top, None)


@dataclass
class Tuned:
    """A model of the lab (the base, or the base with its top blocks trained) and what scoring it needs."""

    lab: TopBlocksLab
    model: nn.Module
    result: TrainResult | None

    def log_odds(self, rows: Sequence[dict]) -> np.ndarray:
        """log p(first label) - log p(second label) for each row's first answer token (a two-label lab's score)."""
        scores = self.lab.label_logprobs(self.model, rows)
        return scores[:, 0] - scores[:, 1]

    def label_losses(self, rows: Sequence[dict]) -> np.ndarray:
        """Minus the log-probability of each row's own label as the first answer token (rows must carry a label)."""
        scores = self.lab.label_logprobs(self.model, rows)
        return -scores[np.arange(len(rows)), [self.lab.labels.index(answer(row)) for row in rows]]
