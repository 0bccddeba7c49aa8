"""Score a model: greedy answers, the general probe, exact match / token F1, held-out loss and perplexity."""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.data import prompt_messages
from ftkit.scoring import generate, mean_token_loss, text_logprobs

_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_text(text: str) -> str:
    """Lower-case, punctuation to spaces, drop articles, squeeze spaces (SQuAD's normalisation, but "100.0" stays two tokens)."""
    text = text.lower()
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, reference: str) -> float:
    """1.0 when the normalised strings are equal."""
    return float(normalize_text(prediction) == normalize_text(reference))


def token_f1(prediction: str, reference: str) -> float:
    """Harmonic mean of token precision and recall after normalisation (SQuAD's F1)."""
    predicted, expected = normalize_text(prediction).split(), normalize_text(reference).split()
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, accepted: Sequence[str]) -> bool:
    """True when any accepted answer appears as whole words in the normalised prediction."""
    text = f" {normalize_text(prediction)} "
    return any(f" {normalize_text(answer)} " in text for answer in accepted)


# The name notebooks call: the engine's one batched greedy generation.
generate_answers = generate


def user_prompt(question: str) -> list[dict]:
    """A one-turn chat asking `question`."""
    return [{"role": "user", "content": question}]


@dataclass
class ProbeResult:
    """The general probe's score with every answer, so a learner can read what changed."""

    accuracy: float
    answers: list[str]
    correct: list[bool]


def probe_accuracy(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    probe_rows: Sequence[dict],
    max_new_tokens: int = 32,
    batch_size: int = 16,
) -> ProbeResult:
    """Share of probe questions whose greedy answer contains an accepted answer (rows: question, answers)."""
    answers = generate(
        model, tokenizer, [user_prompt(row["question"]) for row in probe_rows], max_new_tokens, batch_size, "general probe"
    )
    correct = [contains_answer(answer, row["answers"]) for answer, row in zip(answers, probe_rows)]
    return ProbeResult(sum(correct) / max(len(correct), 1), answers, correct)


def text_loss(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], batch_size: int = 8, max_length: int = 256
) -> float:
    """Mean next-token cross-entropy per token over plain texts (padding excluded)."""
    return mean_token_loss(text_logprobs(model, tokenizer, texts, batch_size, max_length))


def perplexity(loss: float) -> float:
    """exp(mean cross-entropy)."""
    return math.exp(loss)


def answers_to(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, rows: Sequence[dict], **kwargs) -> list[str]:
    """Greedy answers to the prompts of chat rows (everything before their final assistant turn)."""
    return generate(model, tokenizer, [prompt_messages(row) for row in rows], **kwargs)
