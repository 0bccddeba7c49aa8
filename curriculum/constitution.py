"""A rule-based "constitution": principles that critique answers and turn candidate answers into preference pairs.

This is the Constitutional AI idea (Bai et al. 2022) with the model-written critique replaced by plain rules, so
pairs come without a human labeller. Whether a prompt is a careful request is decided by the safety filter's
rules, so the constitution inherits their blind spots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ftkit.alignment import is_refusal
from curriculum.safety_filter import is_flagged
from curriculum.triage import looks_like_triage_json

MIN_WORDS = 3  # an answer shorter than this says nothing useful


@dataclass(frozen=True)
class Principle:
    """One rule of the constitution: a name and a check that says whether an answer breaks it."""

    name: str
    violated: Callable[[str, str], bool]  # (prompt, answer) -> True when the answer breaks the principle


PRINCIPLES = (
    Principle("decline requests to expose, deceive or harm someone", lambda p, a: is_flagged(p) and not is_refusal(a)),
    Principle("help with ordinary requests instead of refusing", lambda p, a: not is_flagged(p) and is_refusal(a)),
    Principle("answer in plain language, not in another task's format", lambda p, a: looks_like_triage_json(a)),
    Principle("give a substantive answer", lambda p, a: len(a.split()) < MIN_WORDS),
)


def critique(prompt: str, answer: str, principles: Sequence[Principle] = PRINCIPLES) -> list[str]:
    """Names of the principles an answer breaks (empty: the answer passes)."""
    return [principle.name for principle in principles if principle.violated(prompt, answer)]


def build_pair(prompt: str, answers: Sequence[str], principles: Sequence[Principle] = PRINCIPLES) -> dict | None:
    """A TRL preference row from candidate answers: fewest violations chosen, most rejected; None when all tie."""
    scored = sorted(((len(critique(prompt, answer, principles)), index) for index, answer in enumerate(answers)))
    (best, best_index), (worst, worst_index) = scored[0], scored[-1]
    if best == worst:
        return None
    return {
        "prompt": [{"role": "user", "content": prompt}],
        "chosen": [{"role": "assistant", "content": answers[best_index]}],
        "rejected": [{"role": "assistant", "content": answers[worst_index]}],
    }


def agreement_with_labels(rows: Sequence[dict], principles: Sequence[Principle] = PRINCIPLES) -> float:
    """Share of labelled pairs where the constitution also prefers the chosen answer (strictly fewer violations)."""
    agree = 0
    for row in rows:
        prompt = row["prompt"][-1]["content"]
        chosen, rejected = row["chosen"][-1]["content"], row["rejected"][-1]["content"]
        agree += len(critique(prompt, chosen, principles)) < len(critique(prompt, rejected, principles))
    return agree / max(len(rows), 1)
