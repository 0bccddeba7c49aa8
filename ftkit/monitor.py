"""Watch forgetting happen: a Trainer callback that scores the general probe every n steps and records the curve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from transformers import PreTrainedTokenizerBase, TrainerCallback

from ftkit.evaluate import ProbeResult, probe_accuracy


@dataclass
class ProbePoint:
    """The probe at one training step: accuracy and the share of answers a `flag` marks (e.g. domain format leaks)."""

    step: int
    accuracy: float
    flagged: float
    answers: list[str]
    correct: list[bool] = field(default_factory=list)  # per question, for paired intervals against another model

    def as_result(self) -> ProbeResult:
        """The point as a probe result, so the last point can stand in for a final evaluation of the same model."""
        return ProbeResult(self.accuracy, self.answers, self.correct)


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
        batch_size: int = 16,
    ):
        if every_steps < 1:
            raise ValueError(f"every_steps must be >= 1, got {every_steps}")
        if not probe_rows:
            raise ValueError("the probe is empty")
        self.tokenizer, self.probe_rows, self.every_steps = tokenizer, list(probe_rows), every_steps
        self.max_new_tokens, self.flag, self.batch_size = max_new_tokens, flag, batch_size
        self.curve: list[ProbePoint] = []

    def _record(self, model, step: int) -> ProbePoint:
        result = probe_accuracy(model, self.tokenizer, self.probe_rows, self.max_new_tokens, self.batch_size)
        flagged = sum(map(self.flag, result.answers)) / len(result.answers) if self.flag else 0.0
        point = ProbePoint(step, result.accuracy, flagged, result.answers, result.correct)
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
