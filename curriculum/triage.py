"""Score the triage domain task: the answer must be JSON with the right urgency and department."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.data import prompt_messages
from ftkit.scoring import generate


def parse_triage_answer(answer: str) -> dict | None:
    """The first flat JSON object in an answer that parses, or None when there is none."""
    start = answer.find("{")
    while start != -1:
        end = answer.find("}", start)
        if end == -1:
            return None
        try:
            parsed = json.loads(answer[start : end + 1])
            return parsed if isinstance(parsed, dict) else None
        except json.JSONDecodeError:  # e.g. "{not json}" before the answer: try the next brace
            start = answer.find("{", start + 1)
    return None


def triage_correct(answer: str, row: dict) -> bool:
    """True when the answer's JSON names the row's urgency and department."""
    parsed = parse_triage_answer(answer)
    return parsed is not None and parsed.get("urgency") == row["urgency"] and parsed.get("department") == row["department"]


def looks_like_triage_json(answer: str) -> bool:
    """True when an answer is a triage decision (JSON with an urgency key): the domain format leaking elsewhere."""
    parsed = parse_triage_answer(answer)
    return parsed is not None and "urgency" in parsed


def in_triage_format(answer: str) -> bool:
    """True when an answer opens a triage decision (an "urgency" key), even one that breaks off before it parses."""
    return '"urgency"' in answer


@dataclass
class TriageResult:
    """Per-note outcomes (correct decision, valid triage JSON) and the answers, with their rates."""

    correct: list[bool]
    is_json: list[bool]
    answers: list[str]

    @property
    def accuracy(self) -> float:
        """Share of notes with the right urgency and department."""
        return sum(self.correct) / max(len(self.correct), 1)

    @property
    def json_rate(self) -> float:
        """Share of answers that are triage JSON."""
        return sum(self.is_json) / max(len(self.is_json), 1)


def triage_accuracy(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, rows: Sequence[dict], batch_size: int = 16
) -> TriageResult:
    """Greedy answers to triage notes, scored on urgency and department (an opening all prompts share runs once)."""
    conversations = [prompt_messages(row) for row in rows]
    # The JSON answer is ~15 tokens; 32 leaves room for a preamble without paying for long rambles.
    answers = generate(model, tokenizer, conversations, max_new_tokens=32, batch_size=batch_size, description="triage")
    correct = [triage_correct(answer, row) for answer, row in zip(answers, rows)]
    return TriageResult(correct, [looks_like_triage_json(answer) for answer in answers], answers)
