"""One `train(...)` over the HF Trainer: returns the loss history, wall time, tokens/s and peak memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from datasets import Dataset
from transformers import PreTrainedModel, PreTrainedTokenizerBase, Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_callback import ProgressCallback
from transformers.utils.notebook import NotebookProgressCallback

from ftkit.data import padding_collator
from ftkit.env import Profile, get_profile, get_seed
from ftkit.measure import Measurement, measure


@dataclass
class TrainConfig:
    """The budget and optimiser of one run; `extra` passes any other TrainingArguments field."""

    max_steps: int = 20
    learning_rate: float = 1e-4
    batch_size: int = 4
    lr_scheduler_type: str = "constant"  # short runs: a schedule would hide the effect of the step count
    warmup_steps: int = 0
    weight_decay: float = 0.0
    optim: str = "adamw_torch"
    eval_steps: int | None = None  # evaluate every n steps when an eval set is given
    logging_steps: int = 1
    output_dir: str = "runs/train"
    seed: int | None = None  # None: FTKIT_SEED
    extra: dict = field(default_factory=dict)


@dataclass
class TrainResult:
    """What a run produced: the Trainer's log history and what the run cost."""

    history: list[dict]
    cost: Measurement
    trainer: Trainer

    @property
    def train_losses(self) -> list[tuple[int, float]]:
        """(step, training loss) pairs."""
        return [(row["step"], row["loss"]) for row in self.history if "loss" in row]

    @property
    def eval_losses(self) -> list[tuple[int, float]]:
        """(step, evaluation loss) pairs."""
        return [(row["step"], row["eval_loss"]) for row in self.history if "eval_loss" in row]

    @property
    def final_train_loss(self) -> float:
        """Mean loss of the last logged steps (up to 3), a less noisy end point than the last batch."""
        tail = [loss for _, loss in self.train_losses[-3:]]
        return sum(tail) / len(tail)


class QuietProgressCallback(ProgressCallback):
    """The Trainer's tqdm bar without printing every log line (the history is returned instead)."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        return None


def training_arguments(config: TrainConfig, profile: Profile, has_eval: bool) -> TrainingArguments:
    """TrainingArguments for a config and profile: TensorBoard logs, no checkpoints unless asked, progress bar."""
    evaluate = has_eval and config.eval_steps is not None
    arguments = dict(
        output_dir=config.output_dir,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=profile.eval_batch_size,
        lr_scheduler_type=config.lr_scheduler_type,
        warmup_steps=config.warmup_steps,
        weight_decay=config.weight_decay,
        optim=config.optim,
        logging_steps=config.logging_steps,
        eval_strategy="steps" if evaluate else "no",
        eval_steps=config.eval_steps if evaluate else None,
        save_strategy="no",  # the notebooks keep models in memory; checkpoints would cost disk and time
        report_to=["tensorboard"],
        seed=get_seed() if config.seed is None else config.seed,
        bf16=profile.mixed_precision and profile.compute_dtype.is_floating_point and "bfloat16" in str(profile.compute_dtype),
        use_cpu=profile.device == "cpu",
        include_num_input_tokens_seen="non_padding",  # tokens/s counts real tokens, not padding
        dataloader_num_workers=0,  # tokenized data is in memory; workers would only add start-up time
        disable_tqdm=False,
    )
    arguments.update(config.extra)
    return TrainingArguments(**arguments)


def train(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    train_dataset: Dataset,
    eval_dataset: Dataset | None = None,
    config: TrainConfig | None = None,
    callbacks: Sequence[TrainerCallback] = (),
    trainer_class: type[Trainer] = Trainer,
    profile: Profile | None = None,
    **trainer_kwargs,
) -> TrainResult:
    """Fine-tune `model` in place with the HF Trainer (or a subclass) and measure the run."""
    config = config or TrainConfig()
    profile = profile or get_profile()
    trainer = trainer_class(
        model=model,
        args=training_arguments(config, profile, eval_dataset is not None),
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=padding_collator(tokenizer),
        processing_class=tokenizer,
        callbacks=list(callbacks),
        **trainer_kwargs,
    )
    return run_measured(trainer, profile.device)


def run_measured(trainer: Trainer, device: str) -> TrainResult:
    """Run any HF/TRL trainer with one quiet progress bar and return its history, time, tokens and peak memory."""
    # One progress bar, no per-step log dump: notebooks show the returned history as a plot instead.
    trainer.remove_callback(NotebookProgressCallback)
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(QuietProgressCallback)
    with measure(device) as cost:
        trainer.train()
    cost.tokens = int(trainer.state.num_input_tokens_seen)  # 0 unless the trainer counts input tokens
    trainer.model.eval()
    return TrainResult(history=list(trainer.state.log_history), cost=cost, trainer=trainer)
