"""Load and validate chat JSONL sets, tokenize with the loss on the answer only, pad dynamically, mix rehearsal."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from datasets import Dataset
from transformers import DataCollatorForSeq2Seq, PreTrainedTokenizerBase


from ftkit.chat import DataValidationError, validate_messages, with_system

IGNORE_INDEX = -100  # label value the loss skips (PyTorch's cross-entropy default)


def read_jsonl(path: str | Path, required: Sequence[str] = ()) -> list[dict]:
    """Rows of a JSONL file; a line that is not a JSON object or lacks a required field raises with its line number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise DataValidationError(path, line, "<encoding>", f"not valid UTF-8 ({error.reason})") from error
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataValidationError(path, line_number, "<json>", f"not valid JSON ({error.msg})") from error
        if not isinstance(row, dict):
            raise DataValidationError(path, line_number, "<row>", f"must be a JSON object, got {type(row).__name__}")
        for field in required:
            if field not in row:
                raise DataValidationError(path, line_number, field, "is missing")
        rows.append(row)
    return rows


def load_chat_jsonl(path: str | Path) -> list[dict]:
    """Rows with a validated `messages` chat, plus whatever other fields they carry."""
    rows = read_jsonl(path, required=("messages",))
    for line_number, row in zip(jsonl_line_numbers(path), rows):
        validate_messages(row["messages"], path, line_number)
    return rows


def jsonl_line_numbers(path: str | Path) -> list[int]:
    """The 1-based numbers of the non-blank lines of a file (row i of read_jsonl sits on line [i])."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if line.strip()]



def prompt_messages(row: dict) -> list[dict]:
    """The conversation up to (not including) the final assistant answer."""
    return row["messages"][:-1]


def reference_answer(row: dict) -> str:
    """The final assistant answer of a chat row."""
    return row["messages"][-1]["content"]


def tokenize_chat(messages: list[dict], tokenizer: PreTrainedTokenizerBase, max_length: int = 256) -> dict:
    """Token ids of a chat with labels only on the final assistant answer (the prompt is masked with -100)."""
    messages = with_system(messages)  # the short system line, as every prompt the scoring engine renders
    prompt_ids = tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
    full_ids = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
    if full_ids[: len(prompt_ids)] != prompt_ids:
        raise ValueError("the chat template renders the prompt differently inside the full chat; cannot mask it")
    # The template ends each turn with "<|im_end|>\n"; keep <|im_end|> (the model must learn to stop), drop the newline.
    if full_ids and tokenizer.decode(full_ids[-1:]).strip() == "":
        full_ids = full_ids[:-1]
    full_ids = full_ids[:max_length]
    labels = [IGNORE_INDEX] * min(len(prompt_ids), len(full_ids)) + full_ids[len(prompt_ids) :]
    return {"input_ids": full_ids, "attention_mask": [1] * len(full_ids), "labels": labels}


def to_train_dataset(rows: Iterable[dict], tokenizer: PreTrainedTokenizerBase, max_length: int = 256) -> Dataset:
    """A datasets.Dataset of tokenized chats (unpadded; the collator pads each batch)."""
    encoded = [tokenize_chat(row["messages"], tokenizer, max_length) for row in rows]
    return Dataset.from_list(encoded)


def padding_collator(tokenizer: PreTrainedTokenizerBase) -> DataCollatorForSeq2Seq:
    """Dynamic padding: each batch is padded to its own longest row, labels padded with -100."""
    return DataCollatorForSeq2Seq(tokenizer, padding="longest", label_pad_token_id=IGNORE_INDEX, return_tensors="pt")


def chat_row(prompt: str, answer: str, system: str | None = None) -> dict:
    """A chat row from a prompt and an answer."""
    messages = [{"role": "system", "content": system}] if system else []
    return {"messages": messages + [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]}


def mix_rehearsal(domain_rows: Sequence[dict], replay_rows: Sequence[dict], replay_fraction: float, seed: int = 0) -> list[dict]:
    """Domain rows plus replay rows so replay makes up `replay_fraction` of the mix, shuffled; the total grows.

    Keeping every domain row (rather than replacing some) means the domain signal is the same for each ratio.
    """
    if not 0.0 <= replay_fraction < 1.0:
        raise ValueError(f"replay_fraction must be in [0, 1), got {replay_fraction}")
    rng = random.Random(seed)
    wanted = round(len(domain_rows) * replay_fraction / (1.0 - replay_fraction))
    if wanted > len(replay_rows):
        raise ValueError(f"{replay_fraction:.0%} replay needs {wanted} replay rows, only {len(replay_rows)} given")
    mixed = list(domain_rows) + rng.sample(list(replay_rows), wanted)
    rng.shuffle(mixed)
    return mixed
