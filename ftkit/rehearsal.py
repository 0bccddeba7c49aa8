"""Pseudo-rehearsal: when the original instruction data is gone, the base model's own answers become the replay set."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.data import chat_row
from ftkit.evaluate import user_prompt
from ftkit.scoring import generate

_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


@dataclass
class ReplaySet:
    """Replay chat rows and, for every prompt that gave none, the counted reason."""

    rows: list[dict]
    dropped: Counter = field(default_factory=Counter)

    def report(self) -> str:
        """One line: kept rows and dropped rows by reason."""
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(self.dropped.items())) or "none"
        return f"replay set: {len(self.rows)} rows kept; dropped: {reasons}"


def trim_to_sentence(answer: str) -> str:
    """The answer up to its last complete sentence ('' when no sentence ends in it)."""
    ends = list(_SENTENCE_END.finditer(answer))
    return answer[: ends[-1].end()].strip() if ends else ""


def self_generated_replay(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    max_new_tokens: int = 64,
    batch_size: int = 16,
) -> ReplaySet:
    """Chat rows pairing each prompt with the model's own greedy answer (call it on the base model, before tuning).

    An answer that hit `max_new_tokens` was cut mid-thought; training on it would teach stopping mid-sentence, so it is
    trimmed to its last complete sentence. Empty answers and cut answers without a complete sentence are dropped
    and counted.
    """
    answers = generate(model, tokenizer, [user_prompt(p) for p in prompts], max_new_tokens, batch_size, "replay answers")
    replay = ReplaySet(rows=[])
    for prompt, answer in zip(prompts, answers):
        if not answer:
            replay.dropped["empty answer"] += 1
            continue
        cut = len(tokenizer(answer, add_special_tokens=False)["input_ids"]) >= max_new_tokens - 1
        if cut:
            answer = trim_to_sentence(answer)
            if not answer:
                replay.dropped["cut off with no complete sentence"] += 1
                continue
        replay.rows.append(chat_row(prompt, answer))
    return replay
