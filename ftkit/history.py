"""Read a training history: where validation loss was lowest, whether it turned up after, and the final gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TURNED_UP, PLATEAU, STILL_FALLING = "turned up", "plateau", "still falling"


@dataclass(frozen=True)
class CurveReport:
    """What a validation-loss curve did: its minimum, its end, and a verdict."""

    verdict: str  # TURNED_UP, PLATEAU or STILL_FALLING
    best_step: int
    best_loss: float
    final_step: int
    final_loss: float
    evaluations: int
    evaluations_after_best: int

    @property
    def turned_up(self) -> bool:
        """True when the curve ended clearly above its minimum."""
        return self.verdict == TURNED_UP

    @property
    def rise(self) -> float:
        """How far the last evaluation sits above the minimum."""
        return self.final_loss - self.best_loss

    def summary(self) -> str:
        """One sentence for a person reading the run."""
        where = f"minimum {self.best_loss:.3f} at step {self.best_step}"
        if self.turned_up:
            return (f"validation loss turned up: {where}, then rose by {self.rise:.3f} to {self.final_loss:.3f} "
                    f"at step {self.final_step} ({self.evaluations_after_best} evaluations later)")
        if self.verdict == PLATEAU:
            return f"validation loss reached a plateau: {where}, {self.final_loss:.3f} at the last step {self.final_step}"
        return f"validation loss was still falling at the last step {self.final_step}: {where}"


def loss_points(history: Sequence, key: str = "eval_loss") -> list[tuple[int, float]]:
    """(step, loss) pairs from a Trainer log history (dicts holding `key`) or from (step, loss) pairs as given."""
    points = []
    for index, row in enumerate(history):
        if isinstance(row, dict):
            if key in row:
                points.append((int(row["step"]), float(row[key])))
        elif isinstance(row, Sequence) and len(row) == 2:
            points.append((int(row[0]), float(row[1])))
        else:
            raise ValueError(f"history[{index}] is neither a log dict nor a (step, loss) pair: {row!r}")
    return points


def read_validation_curve(
    history: Sequence, key: str = "eval_loss", min_rise: float = 0.05, window: int = 3, min_fall: float = 0.01
) -> CurveReport:
    """Report whether and where validation loss turned up.

    Turned up: the last evaluation is more than `min_rise` above the minimum. Still falling: the last evaluation is
    within `min_fall` of the minimum and the last `window` evaluations lowered the loss by more than `min_fall`.
    Anything else is a plateau.
    """
    points = loss_points(history, key)
    if len(points) < 2:
        raise ValueError(f"need at least two evaluations with '{key}' to read a curve, got {len(points)}")
    losses = [loss for _, loss in points]
    best_index = min(range(len(losses)), key=losses.__getitem__)  # the first evaluation at the minimum
    final_step, final_loss = points[-1]
    if final_loss - losses[best_index] > min_rise:
        verdict = TURNED_UP
    else:
        recent_fall = losses[max(len(losses) - 1 - window, 0)] - final_loss
        at_minimum = final_loss - losses[best_index] <= min_fall
        verdict = STILL_FALLING if at_minimum and recent_fall > min_fall else PLATEAU
    return CurveReport(
        verdict=verdict,
        best_step=points[best_index][0],
        best_loss=losses[best_index],
        final_step=final_step,
        final_loss=final_loss,
        evaluations=len(points),
        evaluations_after_best=len(points) - 1 - best_index,
    )


def generalisation_gap(validation_loss: float, training_loss: float) -> float:
    """Validation minus training loss: how much better the model does on rows it has seen."""
    return validation_loss - training_loss


def early_stopping_step(history: Sequence, patience: int, threshold: float = 0.0, key: str = "eval_loss") -> int:
    """The step at which `EarlyStoppingCallback(patience, threshold)` would have stopped this run (lower is better).

    Replays the callback's rule on a finished history: an evaluation that does not beat the best so far by more
    than `threshold` counts against the patience, and training stops at the evaluation that uses it up. As in the
    Trainer, any improvement becomes the new best, even one too small to reset the count. A run the rule would not
    have stopped returns its last evaluation step.
    """
    if patience < 1:
        raise ValueError(f"patience must be at least 1, got {patience}")
    points = loss_points(history, key)
    if not points:
        raise ValueError(f"the history holds no '{key}' to replay")
    best, waited = None, 0
    for step, loss in points:
        if best is None or best - loss > threshold:
            waited = 0
        else:
            waited += 1
            if waited >= patience:
                return step
        best = loss if best is None else min(best, loss)
    return points[-1][0]
