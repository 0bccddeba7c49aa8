"""Notebook 06's tasks and training mixes: routing with a chosen instruction, the urgency task, bare notes (the
conflicting pair), task tags, and mixes drawn by task weight or temperature."""

from __future__ import annotations

import random
from collections.abc import Sequence

from curriculum.evaluation_lab import BODY_SYSTEMS, note_of, routing_row
from ftkit.data import chat_row

URGENCY_LABELS = ("emergency", "urgent", "routine")
TASK_TAGS = {"route": "Task: body system.", "urgency": "Task: urgency."}  # an explicit instruction naming the task


def routing_answer(row: dict) -> str:
    """The body-system word of a triage row."""
    return BODY_SYSTEMS[row["department"]]


def with_instruction(row: dict, instruction: str) -> dict:
    """A triage row as a routing question under `instruction`, answered with its body system."""
    return {**routing_row(row, instruction), "task": "route"}


def task_row(row: dict, task: str, tagged: bool = False) -> dict:
    """The triage row's note alone as the prompt (optionally after the task's tag), answered for `task`."""
    answer = routing_answer(row) if task == "route" else row["urgency"]
    note = note_of(row)
    return {**chat_row(f"{TASK_TAGS[task]}\n\n{note}" if tagged else note, answer), "task": task}


def sample_mix(by_task: dict[str, Sequence[dict]], total: int, temperature: float, seed: int) -> list[dict]:
    """`total` rows drawn with replacement, task i with probability ∝ n_i^(1/temperature), rows uniform within a task.

    Temperature 1 samples in proportion to each task's size; a higher temperature moves toward equal shares, so a
    small task is not drowned by a large one (the temperature sampling of multilingual and multi-task training).
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    names = list(by_task)
    weights = _task_weights([len(by_task[name]) for name in names], temperature)
    rng = random.Random(seed)
    return [rng.choice(by_task[rng.choices(names, weights)[0]]) for _ in range(total)]


def task_shares(names: Sequence[str], sizes: Sequence[int], temperature: float) -> dict[str, float]:
    """Each task's expected share of a mix drawn at `temperature` (as `sample_mix` draws it)."""
    weights = _task_weights(sizes, temperature)
    return {name: weight / sum(weights) for name, weight in zip(names, weights)}


def _task_weights(sizes: Sequence[int], temperature: float) -> list[float]:
    """n_i^(1/temperature) for each task size: the unnormalised sampling weights of both functions above."""
    return [size ** (1 / temperature) for size in sizes]
