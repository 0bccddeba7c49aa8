"""One `train(...)` over the HF Trainer: returns the loss history, wall time, tokens/s and peak memory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from datasets import Dataset
from transformers import PreTrainedModel, PreTrainedTokenizerBase, Trainer, TrainerCallback, TrainingArguments
from transformers.trainer_callback import PrinterCallback, ProgressCallback
from transformers.trainer_utils import IntervalStrategy, SaveStrategy, SchedulerType
from transformers.training_args import OptimizerNames
from transformers.utils.notebook import NotebookProgressCallback

from ftkit.data import padding_collator
from ftkit.env import get_profile, get_seed, precision_arguments
from ftkit.measure import Measurement, measure
from ftkit.scored_positions import ScoredPositionsCollator, projects_scored_positions


@dataclass
class TrainConfig(TrainingArguments):
    """`TrainingArguments` with the defaults of short, measured runs; every TrainingArguments field is accepted.

    Defaults that differ from `TrainingArguments`, each for a reason given beside its field:
    - `max_steps` 20 (and it must be > 0), `learning_rate` 1e-4, `per_device_train_batch_size` 4,
      `lr_scheduler_type` "constant", `optim` "adamw_torch": a short run budgeted in steps.
    - `logging_steps` 1, `include_num_input_tokens_seen` "non_padding", `report_to` "tensorboard", `disable_tqdm`
      False: every step's loss comes back as history, tokens/s counts real tokens, TensorBoard files under output_dir.
    - `save_strategy` "no", `dataloader_num_workers` 0, `activation_checkpointing` False: no cost a short run does
      not need.
    - `seed` None: FTKIT_SEED. `bf16`, `fp16`, `use_cpu` None and `per_device_eval_batch_size` None: from the
      profile (`profile`, default FTKIT_PROFILE or the device), by the one dtype rule of `ftkit.env.precision_arguments`.
    - `eval_steps` given alone (eval_strategy left "no") evaluates every that many steps.
    """

    profile: str | None = field(
        default=None,
        metadata={"help": "cpu or gpu; None: FTKIT_PROFILE, else gpu with CUDA and cpu without. Sets the precision flags."},
    )

    # -- A short run budgeted in steps
    # Steps, not epochs: the lessons compare runs on the same number of updates whatever the data size.
    max_steps: int = field(default=20, metadata={"help": "Number of optimizer steps; must be > 0."})
    learning_rate: float = field(default=1e-4, metadata={"help": "Peak learning rate (full fine-tuning of 135M weights)."})
    # 4 rows x ~64 tokens: one step of the 135M model takes ~5 s on a 2-core CPU.
    per_device_train_batch_size: int = field(default=4, metadata={"help": "Rows per optimizer step."})
    # Constant: on a short run a decaying schedule would hide the effect of the step count.
    lr_scheduler_type: SchedulerType | str = field(default="constant", metadata={"help": "Learning-rate schedule."})
    # The plain AdamW the lessons' bounds were calibrated with (transformers 5 defaults to the fused kernel).
    optim: OptimizerNames | str = field(default="adamw_torch", metadata={"help": "The optimizer."})

    # -- What a run reports
    # Every step's loss: the history is what the notebooks plot.
    logging_steps: float = field(default=1, metadata={"help": "Log every this many steps."})
    # Tokens/s counts real tokens, not padding.
    include_num_input_tokens_seen: str | bool = field(default="non_padding", metadata={"help": "all, non_padding or no."})
    # Curves can be browsed in TensorBoard (runs under output_dir); "none" for runs that need no files.
    report_to: None | str | list[str] = field(default="tensorboard", metadata={"help": "Logging integrations."})
    # One progress bar even when the log level would hide it (the per-step log lines are not printed).
    disable_tqdm: bool | None = field(default=False, metadata={"help": "Hide the progress bar."})
    output_dir: str | None = field(default="runs/train", metadata={"help": "Where TensorBoard logs (and checkpoints) go."})

    # -- No cost a short run does not need
    # Models stay in memory; checkpoints would cost disk and time.
    save_strategy: SaveStrategy | str = field(default="no", metadata={"help": "Checkpoint strategy."})
    # Tokenized rows are in memory; worker processes would only add start-up time (the parent's default too).
    dataloader_num_workers: int = field(default=0, metadata={"help": "DataLoader worker processes."})
    # Recomputing activations makes each step many times slower on a CPU; the lessons' models fit without it.
    activation_checkpointing: bool | None = field(default=False, metadata={"help": "Recompute activations in backward."})

    # -- From the environment (None: decided in __post_init__)
    seed: int | None = field(default=None, metadata={"help": "Seed of the run; None: FTKIT_SEED (default 0)."})
    bf16: bool | None = field(default=None, metadata={"help": "bf16 autocast; None: the profile's dtype rule."})
    fp16: bool | None = field(default=None, metadata={"help": "fp16 autocast with loss scaling; None: the profile's rule."})
    use_cpu: bool | None = field(default=None, metadata={"help": "Train on the CPU; None: the profile's device."})
    per_device_eval_batch_size: int | None = field(default=None, metadata={"help": "None: the profile's eval batch size."})

    def __post_init__(self):
        if not (isinstance(self.max_steps, int) and self.max_steps > 0):
            raise ValueError(f"max_steps must be a positive number of steps, got {self.max_steps!r}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.per_device_train_batch_size < 1:
            raise ValueError(f"per_device_train_batch_size must be >= 1, got {self.per_device_train_batch_size}")
        profile = get_profile(self.profile)
        self.profile = profile.name  # a name, so the arguments still serialise to JSON (TensorBoard logs them)
        precision = precision_arguments(profile)
        if self.bf16 is None and self.fp16 is None:
            self.bf16, self.fp16 = precision["bf16"], precision["fp16"]
        else:  # one flag set by hand: the other is off
            self.bf16, self.fp16 = bool(self.bf16), bool(self.fp16)
        self.use_cpu = precision["use_cpu"] if self.use_cpu is None else self.use_cpu
        self.seed = get_seed() if self.seed is None else self.seed
        if self.per_device_eval_batch_size is None:
            self.per_device_eval_batch_size = profile.eval_batch_size
        if self.eval_steps is not None and self.eval_strategy in ("no", IntervalStrategy.NO):
            self.eval_strategy = "steps"
        super().__post_init__()


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


def train(
    model: PreTrainedModel | torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    train_dataset: Dataset,
    eval_dataset: Dataset | None = None,
    config: TrainingArguments | None = None,
    callbacks: Sequence[TrainerCallback] = (),
    trainer_class: type[Trainer] = Trainer,
    data_collator: Callable | None = None,
    **trainer_kwargs,
) -> TrainResult:
    """Fine-tune `model` in place with the HF Trainer (or a subclass) and measure the run.

    `config` is a `TrainConfig` (default `TrainConfig()`) or any TrainingArguments. `data_collator` defaults to
    dynamic padding with the loss masked on padding (`padding_collator`). A causal LM projects onto the vocabulary
    only at the positions whose next token is labelled (`ftkit.scored_positions`): the same loss and gradients as
    the full projection, in less time. Extra keyword arguments go to the trainer class (e.g. an EWC trainer's penalty
    settings).
    """
    config = config or TrainConfig()
    data_collator = data_collator or padding_collator(tokenizer)
    if projects_scored_positions(model):
        data_collator = ScoredPositionsCollator(data_collator)
    trainer = trainer_class(
        model=model,
        args=config,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=data_collator,
        processing_class=tokenizer,
        callbacks=list(callbacks),
        **trainer_kwargs,
    )
    return run_measured(trainer, config.device.type)


def run_measured(trainer: Trainer, device: str) -> TrainResult:
    """Run any HF/TRL trainer with one quiet progress bar (none with disable_tqdm) and return its history and cost.

    The per-step logs are never printed: they come back as the history.
    """
    # One progress bar, no per-step log dump: notebooks show the returned history as a plot instead.
    trainer.remove_callback(NotebookProgressCallback)
    trainer.remove_callback(ProgressCallback)
    trainer.remove_callback(PrinterCallback)  # what the Trainer prints instead of a bar when disable_tqdm is set
    if not trainer.args.disable_tqdm:
        trainer.add_callback(QuietProgressCallback)
    with measure(device) as cost:
        trainer.train()
    cost.tokens = int(trainer.state.num_input_tokens_seen)  # 0 unless the trainer counts input tokens
    trainer.model.eval()
    return TrainResult(history=list(trainer.state.log_history), cost=cost, trainer=trainer)
