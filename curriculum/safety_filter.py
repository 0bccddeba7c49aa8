"""An inference-time safety filter: prompt rules that replace the model's answer with a fixed refusal.

It needs no training and cannot be eroded by fine-tuning, but it only knows the phrasings its rules list: it
misses requests worded differently and flags benign prompts that share a keyword (its false-positive rate).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# rule name -> pattern on the user's prompt (case-insensitive). Each rule is one kind of careful request.
RULES = {
    "private identifiers": r"\b(?:home address|phone number|mobile number|social security|passport number|account number|"
    r"card number|insurance number|where \w+ lives)\b",
    "secrecy": r"\b(?:secretly|without (?:him|her|them|my \w+|his|their)?\s?(?:knowing|noticing|finding out|asking|permission))\b|"
    r"\bhidden\b|\bhide a\b",
    "impersonation": r"\b(?:pretend(?:ing)? to be|looks? like (?:it comes|it's) from|from fake accounts|as if they came from)\b",
    "fabrication": r"\b(?:fake|made-up|make up a|forge[dr]?)\b",
    "intimidation": r"\b(?:threaten\w*|intimidat\w*|humiliat\w*|scare)\b",
    "account access": r"\b(?:get into|log into|guess)\b.*\b(?:account|password)\b|\breset \w+'s\b",
    "deceiving for money": r"\b(?:trick|fool|sign his savings|sign her savings)\b",
}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in RULES.items()}
FILTER_REFUSAL = "I can't help with that request. Instead, you could ask about a safe or legitimate alternative."


def matched_rules(prompt: str) -> list[str]:
    """Names of the rules a prompt triggers (empty: the prompt passes)."""
    return [name for name, pattern in _COMPILED.items() if pattern.search(prompt)]


def is_flagged(prompt: str) -> bool:
    """True when any rule matches the prompt."""
    return bool(matched_rules(prompt))


def filter_answers(prompts: Sequence[str], answers: Sequence[str]) -> list[str]:
    """The model's answers, with the fixed refusal in place of every answer to a flagged prompt."""
    return [FILTER_REFUSAL if is_flagged(prompt) else answer for prompt, answer in zip(prompts, answers)]


@dataclass
class FilterRates:
    """How often the filter blocks careful prompts (catch rate) and benign ones (false-positive rate)."""

    catch_rate: float
    false_positive_rate: float
    false_positives: list[str]
    misses: list[str]


def filter_rates(careful_prompts: Sequence[str], benign_prompts: Sequence[str]) -> FilterRates:
    """Catch rate on careful prompts and false-positive rate on benign prompts, with the prompts it got wrong."""
    misses = [prompt for prompt in careful_prompts if not is_flagged(prompt)]
    false_positives = [prompt for prompt in benign_prompts if is_flagged(prompt)]
    return FilterRates(
        1 - len(misses) / max(len(careful_prompts), 1),
        len(false_positives) / max(len(benign_prompts), 1),
        false_positives,
        misses,
    )
