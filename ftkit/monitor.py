"""Watch forgetting happen: a Trainer callback that scores the general probe every n steps and records the curve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from transformers import PreTrainedTokenizerBase, TrainerCallback

from ftkit.evaluate import probe_accuracy


@dataclass
class ProbePoint:
    """The probe at one training step: accuracy and the share of answers a `flag` marks (e.g. domain format leaks)."""

    step: int
    accuracy: float
    flagged: float
    answers: list[str]


class ProbeMonitor(TrainerCallback):
    """Evaluates the general probe before training, every `every_steps` steps and at the last step.

    Pair it with a domain metric (the training loss, or a domain eval set) to see both benchmarks move together.
    """

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        probe_rows: Sequence[dict],
        every_steps: int,
        max_new_tokens: int = 16,  # probe answers are a word or a name; short generations keep monitoring cheap
        flag: Callable[[str], bool] | None = None,
    ):
        if every_steps < 1:
            raise ValueError(f"every_steps must be >= 1, got {every_steps}")
        if not probe_rows:
            raise ValueError("the probe is empty")
        self.tokenizer, self.probe_rows, self.every_steps = tokenizer, list(probe_rows), every_steps
        self.max_new_tokens, self.flag = max_new_tokens, flag
        self.curve: list[ProbePoint] = []

    def _record(self, model, step: int) -> ProbePoint:
        result = probe_accuracy(model, self.tokenizer, self.probe_rows, max_new_tokens=self.max_new_tokens)
        flagged = sum(map(self.flag, result.answers)) / len(result.answers) if self.flag else 0.0
        point = ProbePoint(step, result.accuracy, flagged, result.answers)
        self.curve.append(point)
        return point

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        if not self.curve or self.curve[-1].step != state.global_step:
            self._record(model, state.global_step)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step % self.every_steps == 0 or state.global_step >= state.max_steps:
            self._record(model, state.global_step)

    @property
    def steps(self) -> list[int]:
        """Steps at which the probe was scored."""
        return [point.step for point in self.curve]

    @property
    def accuracies(self) -> list[float]:
        """Probe accuracy at each recorded step."""
        return [point.accuracy for point in self.curve]
