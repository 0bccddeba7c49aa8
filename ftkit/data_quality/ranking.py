"""Rank rows by how implausible a model finds their answers: the model-based side of the audit (label noise).

torch, transformers and ftkit.data are imported inside the functions, so the audit itself never loads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ftkit.data_quality.formats import as_messages

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from ftkit.scoring import AnswerScore


def as_chat(row: Mapping) -> dict:
    """A chat row ({"messages": [...]}) from a row of any format; chat rows are returned as they are."""
    if "messages" in row:
        return dict(row)
    return {"messages": as_messages(row)}


def answer_scores(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, rows: Sequence[Mapping], batch_size: int = 16, max_length: int = 256
) -> list[AnswerScore]:
    """Each row's answer log-probability and scored token count (0 when max_length cut the whole answer off)."""
    from ftkit.scoring import answer_logprobs

    chats = [as_chat(row)["messages"] for row in rows]
    return answer_logprobs(
        model, tokenizer, [chat[:-1] for chat in chats], [chat[-1]["content"] for chat in chats], batch_size, max_length=max_length
    )


def answer_losses(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, rows: Sequence[Mapping], batch_size: int = 16, max_length: int = 256
) -> list[float]:
    """Each row's mean cross-entropy on its answer tokens: high values mark answers the model finds implausible."""
    return [score.loss for score in answer_scores(model, tokenizer, rows, batch_size, max_length)]


def label_logprobs(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[Mapping],
    labels: Sequence[str],
    batch_size: int = 16,
    answer_prefix: str = "",
) -> torch.Tensor:
    """[rows, labels] log-probabilities of each label's first token as the start of the answer (after `answer_prefix`).

    Forward passes instead of generation (the prompts once, then one token per label); the labels must start with
    different tokens. `answer_prefix` is answer text every label follows (e.g. '{"urgency": "' for a JSON answer).
    """
    import torch

    from ftkit.scoring import prompt_token_ids, score_token_ids

    prefix = tokenizer(answer_prefix, add_special_tokens=False)["input_ids"] if answer_prefix else []
    first_tokens = []
    for label in labels:
        ids = tokenizer(answer_prefix + label, add_special_tokens=False)["input_ids"]
        if ids[: len(prefix)] != prefix or len(ids) == len(prefix):
            raise ValueError(f"label {label!r} does not start a new token after the answer prefix {answer_prefix!r}")
        first_tokens.append(ids[len(prefix)])
    if len(set(first_tokens)) != len(first_tokens):
        raise ValueError(f"labels {list(labels)} share a first token; they cannot be told apart in one step")
    prompts = [prompt_token_ids(tokenizer, as_chat(row)["messages"][:-1]) + prefix for row in rows]
    # One scored row per (prompt, label): each prompt runs once and every label's first token is read from its cache.
    # batch_size counts prompts, as before: a batch holds batch_size prompts and their labels.
    scores = score_token_ids(
        model, tokenizer, [(prompt, [token]) for prompt in prompts for token in first_tokens],
        batch_size * len(labels), shared_prompt=True,
    )
    return torch.tensor([score.logprob for score in scores]).reshape(len(rows), len(labels))
