"""Notebook 04's runs: a fresh LoRA adapter on SmolLM2's top layers per run, trained on cached body outputs.

One base model serves every run: the layers below the adapted ones are frozen, so their outputs are computed once
(`ftkit.cached_body`) and a run costs only the top layers. Each run evaluates the validation rows and the training
rows it trained on every `eval_every` steps, keeps every row's loss, and removes its adapter when it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.cached_body import RowCollator, RowLossLog, TopLayersLM, row_losses, with_body_outputs
from ftkit.regularize import WeightPenaltyTrainer
from ftkit.train import TrainConfig, train

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass(frozen=True)
class Budget:
    """What every run shares unless it changes one thing on purpose."""

    steps: int
    eval_every: int
    learning_rate: float
    batch: int
    rank: int
    trained_layers: int  # LoRA on the top this-many layers; the layers below are the frozen, cached body


@dataclass
class RunRecord:
    """One run: per-row losses at every evaluation (step 0 is the untrained model), its logged loss and its cost."""

    name: str
    valid: dict[int, np.ndarray]  # step -> loss of each validation row, in the set's order
    select: np.ndarray  # True for the validation rows that choose the best step; the others measure it
    train: dict[int, np.ndarray]  # step -> loss of each training row, measured like validation (eval mode, no penalty)
    probes: dict[str, dict[int, np.ndarray]]  # the lab's extra evaluation sets: name -> step -> loss of each row
    history: list[dict]  # the Trainer's log: the loss the optimiser saw each step (with dropout, noise or penalty)
    seconds: float
    extras: dict = field(default_factory=dict)  # what `after` measured before the adapter was removed

    def curve(self, which: str = "valid") -> list[tuple[int, float]]:
        """(step, mean row loss) of the validation or the training rows."""
        losses = self.valid if which == "valid" else self.train
        return [(step, float(values.mean())) for step, values in sorted(losses.items())]

    @property
    def logged(self) -> list[tuple[int, float]]:
        """(step, the loss the optimiser minimised): with a penalty, dropout or noise, unlike `curve("train")`."""
        return [(row["step"], row["loss"]) for row in self.history if "loss" in row]

    @property
    def best_step(self) -> int:
        """The evaluation step (after step 0) where the selection rows' mean loss was lowest (the first, on a tie)."""
        return min((step for step in self.valid if step > 0), key=lambda step: self.valid[step][self.select].mean())

    @property
    def final_step(self) -> int:
        """The last evaluation step."""
        return max(self.valid)


class OverfitLab:
    """Trains fresh LoRA adapters on the top layers of one base model, over cached body outputs."""

    def __init__(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, budget: Budget,
                 pool: Sequence[dict], valid: Sequence[dict], select: Sequence[bool], log_dir: str | Path, seed: int,
                 probes: dict[str, Sequence[dict]] | None = None):
        self.tokenizer, self.budget, self.seed = tokenizer, budget, seed
        self.log_dir = Path(log_dir)
        first_trained = model.config.num_hidden_layers - budget.trained_layers
        self.top = TopLayersLM(model, first_trained)
        self.layers = list(range(first_trained, model.config.num_hidden_layers))
        self.collator = RowCollator(tokenizer.pad_token_id)
        self.pool = with_body_outputs(self.top, pool, tokenizer.pad_token_id)
        self.valid = with_body_outputs(self.top, valid, tokenizer.pad_token_id)
        # The best step is chosen on one part of the validation rows and measured on the other: a minimum picked and
        # measured on the same rows is biased low, so a flat noisy curve would seem to rise after it.
        self.select = np.asarray(select, dtype=bool)
        if self.select.shape != (len(valid),) or self.select.all() or not self.select.any():
            raise ValueError("select needs one flag per validation row, with rows on both sides")
        self.halves = {"select": [row for row, flag in zip(self.valid, self.select) if flag],
                       "measure": [row for row, flag in zip(self.valid, self.select) if not flag]}
        self.pool_tokens = list(pool)  # the same rows without cached outputs: the full path (NEFTune)
        # Rows evaluated beside the validation set at every evaluation (e.g. twins labelled with the training answer).
        self.probes = {name: with_body_outputs(self.top, rows, tokenizer.pad_token_id) for name, rows in (probes or {}).items()}
        # Step 0 of every run: each adapter starts as the identity (LoRA's B is zero), so these are the base model's.
        self._start_valid = row_losses(self.top, self.valid, tokenizer.pad_token_id)
        self._start_pool = row_losses(self.top, self.pool, tokenizer.pad_token_id)
        self._start_probes = {name: row_losses(self.top, rows, tokenizer.pad_token_id) for name, rows in self.probes.items()}

    def _rejoin(self, selected: np.ndarray, measured: np.ndarray) -> np.ndarray:
        """The two halves' row losses back in the validation set's order."""
        losses = np.empty(len(self.select))
        losses[self.select], losses[~self.select] = selected, measured
        return losses

    def run(
        self,
        name: str,
        rows: int,
        *,
        learning_rate: float | None = None,
        batch: int | None = None,
        optim: str = "adamw_torch",
        optimizer: Callable | None = None,
        weight_decay: float = 0.0,
        lora_dropout: float = 0.0,
        penalty: str | None = None,
        strength: float = 0.0,
        neftune_alpha: float | None = None,
        keep_best: bool = False,
        watch_train: bool = False,
        watch_probes: bool = False,
        after: Callable[[object], dict] | None = None,
    ) -> RunRecord:
        """Train one adapter on the first `rows` pool rows; `after(trainer)` runs before the adapter is removed.

        `optimizer(params, lr)` builds a torch optimizer instead of the Trainer's `optim`. `keep_best` saves the
        adapter at every evaluation and reloads the best one when training ends (`load_best_model_at_end`).
        Validation rows are evaluated at every evaluation step; the training rows and the probes too when
        `watch_train` and `watch_probes` ask for it, else once, at the end (every row evaluated costs time).
        """
        if keep_best and not (watch_train and watch_probes):
            raise ValueError("keep_best reloads the best model, so its end-point losses need watch_train and watch_probes")
        budget = self.budget
        learning_rate = learning_rate or budget.learning_rate
        batch = batch or budget.batch
        torch.manual_seed(self.seed)  # the same adapter initialisation in every run
        # alpha = 2r, the common choice: the adapter's scale alpha / r stays 2 whatever the rank.
        config = LoraConfig(r=budget.rank, lora_alpha=2 * budget.rank, lora_dropout=lora_dropout,
                            target_modules=LORA_TARGETS, layers_to_transform=self.layers)
        model = get_peft_model(self.top, config)
        train_rows = self.pool[:rows]
        # NEFTune puts noise on the token embeddings, so its training rows take the full path (no cached output).
        fit_rows = self.pool_tokens[:rows] if neftune_alpha else train_rows
        log = RowLossLog()
        # Adapter checkpoints at every evaluation; two kept: the best (reloaded at the end) and the last.
        best = dict(load_best_model_at_end=True, metric_for_best_model="eval_select_row_loss", greater_is_better=False,
                    save_strategy="steps", save_steps=budget.eval_every, save_total_limit=2, save_only_model=True)
        args = TrainConfig(
            max_steps=budget.steps, learning_rate=learning_rate, per_device_train_batch_size=batch, optim=optim,
            weight_decay=weight_decay, eval_steps=budget.eval_every, output_dir=str(self.log_dir / name),
            label_names=["labels"], seed=self.seed, neftune_noise_alpha=neftune_alpha, **(best if keep_best else {}),
            # One batch per evaluation set, and no progress bars: a notebook would store every redraw of them.
            per_device_eval_batch_size=len(self.valid), disable_tqdm=True,
        )
        extra = {}
        if penalty:
            extra = dict(trainer_class=WeightPenaltyTrainer, penalty=penalty, strength=strength)
        if optimizer:
            trained = [p for p in model.parameters() if p.requires_grad]
            extra["optimizers"] = (optimizer(trained, learning_rate), None)
        start = time.perf_counter()
        at_end = {"train": train_rows} | self.probes  # what is evaluated only at the end unless watched
        watched = {key: value for key, value in at_end.items() if (watch_train if key == "train" else watch_probes)}
        result = train(model, self.tokenizer, fit_rows, {**self.halves, **watched}, args,
                       callbacks=[log], data_collator=self.collator, compute_metrics=log, **extra)
        seconds = time.perf_counter() - start
        for set_name, rows_at_end in at_end.items():  # the model in memory is the last step's (no best one reloaded)
            if set_name not in watched:
                log.by_set[set_name] = {budget.steps: row_losses(model, rows_at_end, self.tokenizer.pad_token_id)}
        record = RunRecord(
            name=name,
            valid={0: self._start_valid, **{step: self._rejoin(log.by_set["select"][step], log.by_set["measure"][step])
                                            for step in log.by_set["select"]}},
            select=self.select,
            train={0: self._start_pool[:rows], **log.by_set["train"]},
            probes={probe: {0: self._start_probes[probe], **log.by_set[probe]} for probe in self.probes},
            history=list(result.history),
            seconds=seconds,
        )
        if after:
            record.extras = after(result.trainer)
        model.unload()  # the base model again, for the next run
        return record
