"""A language model as a pairwise judge, and the probe for its position bias.

The judge reads a prompt that shows two candidates in slots 1 and 2 and is asked which is better; its verdict is
the log-odds of the two slot labels as its first answer token (`choice_log_odds`), so no answer has to be parsed.
Ask every pair twice, in both orders: a judge without position bias gives mirror-image verdicts, and
`position_bias` counts how often the winner changes with the order alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.scoring import next_token_logprobs_after_shared_prefix
from ftkit.stats import Estimate, bootstrap_mean, rate


def single_token_id(tokenizer: PreTrainedTokenizerBase, text: str) -> int:
    """The id of `text` when the tokenizer encodes it as exactly one token (a slot label such as "1")."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        raise ValueError(f"{text!r} is {len(ids)} tokens for this tokenizer; a slot label must be one token")
    return ids[0]


def choice_log_odds(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, conversations: Sequence[Sequence[dict]],
                    labels: tuple[str, str] = ("1", "2"), batch_size: int = 16) -> np.ndarray:
    """Per judge prompt: log P(first label) - log P(second label) as the first answer token (> 0: slot 1 preferred).

    Judge prompts that open alike (the same instructions first) share that opening's forward pass.
    """
    ids = [single_token_id(tokenizer, label) for label in labels]
    logprobs = next_token_logprobs_after_shared_prefix(model, tokenizer, conversations, ids, batch_size=batch_size)
    return (logprobs[:, 0] - logprobs[:, 1]).numpy()


@dataclass(frozen=True)
class PositionBias:
    """What asking each pair in both orders shows about a judge."""

    first_slot: Estimate  # share of verdicts (both orders) that chose slot 1, resampled by pair; 0.50 without bias
    flips: Estimate  # share of pairs whose winner changed when only the order changed
    preference: np.ndarray  # per pair, the order-free log-odds that the pair's first candidate is better


def position_bias(shown_first: Sequence[float], shown_second: Sequence[float]) -> PositionBias:
    """Position bias from each pair's verdicts with its first candidate in slot 1 and then in slot 2.

    `shown_first[k]`: the log-odds for slot 1 with pair k's first candidate there; `shown_second[k]`: the same
    with the two swapped. The order-free preference averages the two verdicts, so a constant pull toward slot 1
    cancels.
    """
    forward, backward = np.asarray(shown_first, dtype=float), np.asarray(shown_second, dtype=float)
    if forward.shape != backward.shape or forward.ndim != 1 or forward.size == 0:
        raise ValueError(f"one verdict per pair in each order: {forward.shape} and {backward.shape}")
    first_wins_forward, first_wins_backward = forward > 0, backward < 0
    return PositionBias(
        # A pair's two verdicts are not independent: its share of slot-1 verdicts (0, 0.5 or 1) is one item.
        first_slot=bootstrap_mean(((forward > 0).astype(float) + (backward > 0)) / 2),
        flips=rate(first_wins_forward != first_wins_backward),
        preference=(forward - backward) / 2,
    )
