"""The one scoring engine: eval mode, answer log-likelihoods (batched, optionally from a shared prompt's cache) and
batched greedy generation. Every chat it renders carries the short system line (`ftkit.chat.with_system`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.chat import with_system
from ftkit.data import IGNORE_INDEX, padding_collator, tokenize_chat

TokenRow = tuple[Sequence[int], Sequence[int]]  # (prompt ids, answer ids)


@contextmanager
def eval_mode(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase | None = None,
    padding_side: str | None = None,
    *,
    gradients: bool = False,
) -> Iterator[torch.nn.Module]:
    """Eval mode (no dropout), no gradients unless asked, optionally a padding side; all restored on exit, errors included."""
    if padding_side is not None and tokenizer is None:
        raise ValueError("padding_side needs the tokenizer whose padding side to set")
    # Each module's own mode: a model may hold some modules in eval mode on purpose, and model.train() would undo that.
    modes = [(module, module.training) for module in model.modules()]
    side = tokenizer.padding_side if tokenizer is not None else None
    model.eval()
    if padding_side is not None:
        tokenizer.padding_side = padding_side
    try:
        with torch.set_grad_enabled(gradients):
            yield model
    finally:
        for module, training in modes:
            module.training = training
        if tokenizer is not None:
            tokenizer.padding_side = side


def caches_prompts(model: torch.nn.Module) -> bool:
    """Whether a prompt's keys and values can be computed once and continued: not under PEFT prompt or prefix tuning.

    Those methods put virtual tokens before every input, so a cache computed for a prompt on its own would leave them
    out (wrong answers or a shape error); they score and generate from whole prompts instead.
    """
    config = getattr(model, "active_peft_config", None)
    return not getattr(config, "is_prompt_learning", False)


# ---------------------------------------------------------------- answer log-likelihood


@dataclass(frozen=True)
class AnswerScore:
    """One answer's summed log-probability (natural log) given its prompt, and how many tokens the sum covers."""

    logprob: float
    tokens: int

    @property
    def loss(self) -> float:
        """Mean cross-entropy per answer token (0.0 for an answer with no scored token, e.g. cut off by max_length)."""
        return -self.logprob / self.tokens if self.tokens else 0.0


def mean_token_loss(scores: Sequence[AnswerScore]) -> float:
    """Cross-entropy per token over all answers together: every token weighs the same, whatever its row's length."""
    return -sum(score.logprob for score in scores) / max(sum(score.tokens for score in scores), 1)


def prompt_token_ids(tokenizer: PreTrainedTokenizerBase, messages: Sequence[dict]) -> list[int]:
    """Token ids of a chat prompt as the model sees it: the short system line, the chat template, the generation prompt."""
    rendered = tokenizer.apply_chat_template(with_system(messages), add_generation_prompt=True, tokenize=True, return_dict=True)
    return list(rendered["input_ids"])


def chat_token_ids(
    tokenizer: PreTrainedTokenizerBase, prompt: Sequence[dict], answer: str, max_length: int = 256
) -> tuple[list[int], list[int]]:
    """(prompt ids, answer ids) of a prompt and its assistant answer, split and truncated exactly as training does."""
    encoded = tokenize_chat([*prompt, {"role": "assistant", "content": answer}], tokenizer, max_length)  # adds the system line
    labels = encoded["labels"]
    prompt_length = next((index for index, label in enumerate(labels) if label != IGNORE_INDEX), len(labels))
    return encoded["input_ids"][:prompt_length], encoded["input_ids"][prompt_length:]


def _scored_tokens(row: TokenRow) -> int:
    """How many answer tokens a row scores: all of them after a prompt; after no prompt, all but the first."""
    prompt, answer = row
    return len(answer) if prompt else max(len(answer) - 1, 0)


def _summed_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> tuple[list[float], list[int]]:
    """Per row: the summed log-probability of the targets that are not IGNORE_INDEX, and how many there are."""
    mask = targets != IGNORE_INDEX
    # The vocabulary-wide log-softmax runs on answer positions only, in fp32 whatever the model's dtype.
    token_logps = torch.log_softmax(logits[mask].float(), dim=-1).gather(-1, targets[mask].unsqueeze(-1)).squeeze(-1)
    sums = torch.zeros(len(targets), dtype=torch.float32, device=logits.device)
    sums.index_add_(0, mask.nonzero(as_tuple=True)[0], token_logps)
    return sums.tolist(), mask.sum(dim=1).tolist()


def _to_device(batch, names: Sequence[str], device: torch.device) -> dict[str, torch.Tensor]:
    """The named tensors of a collated batch, on the model's device."""
    return {name: batch[name].to(device) for name in names}


def _score_whole_rows(model: PreTrainedModel, collate, rows: Sequence[TokenRow]) -> tuple[list[float], list[int]]:
    """One forward pass over prompt + answer of every row (right padding), scoring the answer positions."""
    features = [
        {"input_ids": [*prompt, *answer], "attention_mask": [1] * (len(prompt) + len(answer)), "labels": [IGNORE_INDEX] * len(prompt) + list(answer)}
        for prompt, answer in rows
    ]
    batch = _to_device(collate(features), ("input_ids", "attention_mask", "labels"), model.device)
    # Position t predicts token t + 1, so no position before the shortest prompt's last token predicts an answer
    # token: the vocabulary projection runs from there on. Prompt tuning (PEFT) puts its virtual tokens first, so the
    # kept positions, counted from the end, are real tokens either way.
    first = max(min(len(prompt) for prompt, _ in rows) - 1, 0)
    width = batch["input_ids"].shape[1]
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], logits_to_keep=width - first).logits
    # Padding and prompt positions carry IGNORE_INDEX labels.
    return _summed_logprobs(logits[:, :-1], batch["labels"][:, first + 1 :])


def _score_from_prompt_cache(model: PreTrainedModel, collate, rows: Sequence[TokenRow]) -> tuple[list[float], list[int]]:
    """Each distinct prompt runs once; its answers continue from its cached keys and values.

    The cache holds the prompt without its last token, and each answer row starts with that token, so the row's own
    logits predict its first answer token: no logits of the prompt pass are needed. Prompts are right-padded: their
    padding sits between prompt and answer, hidden by the attention mask, and positions are given explicitly.
    """
    prefixes = list(dict.fromkeys(tuple(prompt[:-1]) for prompt, _ in rows))  # distinct, in order of appearance
    prompt_batch = _to_device(
        collate([{"input_ids": list(prefix), "attention_mask": [1] * len(prefix)} for prefix in prefixes]),
        ("input_ids", "attention_mask"), model.device,
    )
    # logits_to_keep=1: the vocabulary projection of the prompt pass is not used (a one-position projection is the least).
    cache = model(**prompt_batch, use_cache=True, logits_to_keep=1).past_key_values
    where = {prefix: index for index, prefix in enumerate(prefixes)}
    index = torch.tensor([where[tuple(prompt[:-1])] for prompt, _ in rows], device=model.device)
    cache.batch_select_indices(index)  # one cache row per answer row
    prompt_mask = prompt_batch["attention_mask"][index]
    features = [
        {"input_ids": [prompt[-1], *answer], "attention_mask": [1] * (1 + len(answer)), "labels": [IGNORE_INDEX, *answer]}
        for prompt, answer in rows
    ]
    batch = _to_device(collate(features), ("input_ids", "attention_mask", "labels"), model.device)
    width = batch["input_ids"].shape[1]
    positions = prompt_mask.sum(dim=1, keepdim=True) + torch.arange(width, device=model.device)
    logits = model(
        input_ids=batch["input_ids"], attention_mask=torch.cat([prompt_mask, batch["attention_mask"]], dim=1),
        position_ids=positions, past_key_values=cache, use_cache=True,
    ).logits
    return _summed_logprobs(logits[:, :-1], batch["labels"][:, 1:])


def _shared_prompt_batches(rows: Sequence[TokenRow], indices: Sequence[int], batch_size: int) -> list[list[int]]:
    """Batches of at most `batch_size` rows that keep the answers of one prompt together (split only when they overflow)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for index in indices:
        groups.setdefault(tuple(rows[index][0]), []).append(index)
    batches: list[list[int]] = [[]]
    for members in groups.values():
        for start in range(0, len(members), batch_size):
            piece = members[start : start + batch_size]
            if len(batches[-1]) + len(piece) > batch_size:
                batches.append([])
            batches[-1] += piece
    return [batch for batch in batches if batch]


def score_token_ids(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[TokenRow],
    batch_size: int = 8,
    shared_prompt: bool = False,
) -> list[AnswerScore]:
    """Summed log-probability of each row's answer ids after its prompt ids: the core of every log-likelihood here.

    Rows are batched by length with one collator (right padding, so every real token keeps its unpadded position).
    `shared_prompt=True` runs each distinct prompt once per batch and scores its answers from the prompt's cache:
    the same numbers up to float rounding, for less compute when several answers share a prompt (pairs, labels).
    A row with nothing to score (an empty answer, or a one-token text) gets AnswerScore(0.0, 0) without a forward pass.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    scores = [AnswerScore(0.0, 0)] * len(rows)
    scored = [index for index, row in enumerate(rows) if _scored_tokens(row) > 0]
    shared_prompt = shared_prompt and caches_prompts(model)  # prompt and prefix tuning: whole rows, the same numbers
    if shared_prompt:
        short = [index for index in scored if len(rows[index][0]) < 2]
        if short:
            raise ValueError(f"shared_prompt needs prompts of at least two tokens; row {short[0]} has {len(rows[short[0]][0])}")
        batches = _shared_prompt_batches(rows, scored, batch_size)
    else:
        # Longest first: rows of similar length share a batch, so little of it is padding.
        scored.sort(key=lambda index: -(len(rows[index][0]) + len(rows[index][1])))
        batches = [scored[start : start + batch_size] for start in range(0, len(scored), batch_size)]
    score_batch = _score_from_prompt_cache if shared_prompt else _score_whole_rows
    collate = padding_collator(tokenizer)
    with eval_mode(model, tokenizer, padding_side="right"):
        for batch in batches:
            sums, counts = score_batch(model, collate, [rows[index] for index in batch])
            for index, total, count in zip(batch, sums, counts):
                scores[index] = AnswerScore(total, int(count))
    return scores


def answer_logprobs(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[Sequence[dict]],
    answers: Sequence[str],
    batch_size: int = 8,
    shared_prompt: bool = False,
    max_length: int = 256,
) -> list[AnswerScore]:
    """Summed log-probability and token count of each answer given its chat prompt, rendered and masked as in training.

    The answer's tokens include the end-of-turn token (the model must also predict stopping); prompt + answer are
    truncated to `max_length` tokens, as `tokenize_chat` truncates training rows.
    """
    if len(prompts) != len(answers):
        raise ValueError(f"{len(prompts)} prompts but {len(answers)} answers")
    rows = [chat_token_ids(tokenizer, prompt, answer, max_length) for prompt, answer in zip(prompts, answers)]
    return score_token_ids(model, tokenizer, rows, batch_size, shared_prompt)


def text_logprobs(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], batch_size: int = 8, max_length: int = 256
) -> list[AnswerScore]:
    """Summed log-probability of each plain text: an answer to a prompt of zero tokens (every token but the first)."""
    rows = [([], tokenizer(text, truncation=True, max_length=max_length)["input_ids"]) for text in texts]
    return score_token_ids(model, tokenizer, rows, batch_size)


# ---------------------------------------------------------------- generation


def end_of_turn_id(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> int | list[int]:
    """The token(s) that end an answer: the model's generation config, else the tokenizer's end-of-turn token."""
    eos = model.generation_config.eos_token_id
    return tokenizer.eos_token_id if eos is None else eos


MIN_SHARED_OPENING = 8  # tokens: a shorter common opening saves less prefill than copying its cache into every row costs


def generate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    conversations: Sequence[Sequence[dict]],
    max_new_tokens: int = 48,
    batch_size: int = 16,
    description: str = "generating",
) -> list[str]:
    """Greedy answers to chat prompts, in order: batches of similar length, a progress bar.

    The opening every prompt shares (the system line and chat header, a common instruction, the same few-shot
    examples) runs once when it is at least `MIN_SHARED_OPENING` tokens and `caches_prompts(model)`; each batch then
    runs only its own tokens and its answers from a copy of that cache. A row's padding sits between the opening and
    its own tokens (left padding when there is no opening), masked out, so every token keeps the position it has in the
    unpadded prompt: the answers are those of one prompt at a time, up to float rounding. Each answer stops at the
    end-of-turn token or after `max_new_tokens` (the set's cap); call it once per evaluation set so the set is batched
    as a whole.
    """
    prompts = [prompt_token_ids(tokenizer, conversation) for conversation in conversations]
    if not prompts:
        return []
    order = sorted(range(len(prompts)), key=lambda index: -len(prompts[index]))  # longest first: little padding
    eos = end_of_turn_id(model, tokenizer)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    answers = [""] * len(prompts)
    with eval_mode(model):
        shared, cache = _opening_cache(model, prompts, min_length=MIN_SHARED_OPENING)
        opening = list(prompts[0][:shared])
        for start in tqdm(range(0, len(order), batch_size), desc=description, leave=False):
            batch = order[start : start + batch_size]
            own = [prompts[index][shared:] for index in batch]
            width = max(map(len, own))
            ids = torch.tensor([[*opening, *[pad] * (width - len(p)), *p] for p in own], device=model.device)
            mask = torch.tensor([[1] * shared + [0] * (width - len(p)) + [1] * len(p) for p in own], device=model.device)
            output = model.generate(
                input_ids=ids, attention_mask=mask, past_key_values=_cache_for_batch(cache, len(own)),
                max_new_tokens=max_new_tokens, do_sample=False, eos_token_id=eos, pad_token_id=tokenizer.pad_token_id,
            )
            texts = tokenizer.batch_decode(output[:, ids.shape[1] :], skip_special_tokens=True)
            for index, text in zip(batch, texts):
                answers[index] = text.strip()
    return answers


def shared_prefix_length(prompts: Sequence[Sequence[int]]) -> int:
    """How many leading token ids every prompt shares, leaving each at least one token of its own."""
    shared = min(len(prompt) for prompt in prompts) - 1
    first = prompts[0]
    for prompt in prompts[1:]:
        shared = min(shared, next((i for i, (a, b) in enumerate(zip(first, prompt)) if a != b), shared))
    return max(shared, 0)


def _opening_cache(
    model: PreTrainedModel, prompts: Sequence[Sequence[int]], min_length: int = 1
) -> tuple[int, object | None]:
    """(length, key/value cache) of the opening every prompt shares; (0, None) when it is shorter than `min_length`
    tokens, or when the model cannot continue from a cached prompt (`caches_prompts`)."""
    shared = shared_prefix_length(prompts)
    if shared < max(min_length, 1) or not caches_prompts(model):
        return 0, None
    opening = torch.tensor([list(prompts[0][:shared])], device=model.device)
    return shared, model(input_ids=opening, use_cache=True).past_key_values


def _cache_for_batch(cache: object | None, rows: int) -> object | None:
    """A copy of the opening's cache with one row per prompt of a batch; None when there is no opening."""
    if cache is None:
        return None
    batch_cache = copy.deepcopy(cache)  # each batch extends its own copy
    batch_cache.batch_repeat_interleave(rows)
    return batch_cache


def next_token_logprobs_after_shared_prefix(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    conversations: Sequence[Sequence[dict]],
    token_ids: Sequence[int],
    batch_size: int = 16,
) -> torch.Tensor:
    """[prompts, tokens] log-probabilities of `token_ids` as the first answer token of chat prompts that open alike.

    As in `generate`: the shared opening (e.g. the same few-shot examples) runs once; each batch of
    prompts then runs only its own tokens, right-padded, from a copy of that cache, so a long common opening costs one
    forward pass, not one per prompt.
    """
    if not caches_prompts(model):
        raise ValueError("next-token scoring from a shared opening does not support PEFT prompt or prefix tuning")
    prompts = [prompt_token_ids(tokenizer, conversation) for conversation in conversations]
    if not prompts:
        return torch.empty(0, len(token_ids))
    columns = torch.as_tensor(list(token_ids))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    rows = []
    with eval_mode(model):
        shared, cache = _opening_cache(model, prompts)
        for start in range(0, len(prompts), batch_size):
            own = [prompt[shared:] for prompt in prompts[start : start + batch_size]]
            width = max(map(len, own))
            ids = torch.tensor([p + [pad] * (width - len(p)) for p in own], device=model.device)
            # The opening is attended by every row; a row's padding comes after its last token, so nothing attends it.
            mask = torch.tensor([[1] * (shared + len(p)) + [0] * (width - len(p)) for p in own], device=model.device)
            # Only each row's last token predicts its answer: the vocabulary projection runs at that position alone.
            last = torch.tensor([[len(p) - 1] for p in own], device=model.device)
            logits = model(
                input_ids=ids, attention_mask=mask, past_key_values=_cache_for_batch(cache, len(own)), use_cache=shared > 0,
                logits_to_keep=last,
            ).logits
            rows.append(torch.log_softmax(logits[:, 0].float(), dim=-1).cpu()[:, columns])
    return torch.cat(rows)
