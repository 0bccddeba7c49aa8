"""The row formats people fine-tune on, read into one view (system, prompt, answers, every text field with its path).

messages: OpenAI/TRL conversational `{"messages": [{"role", "content"}, ...]}` ending on the assistant.
prompt-completion: TRL `{"prompt", "completion"}`, both strings (plain) or both message lists (conversational).
alpaca: `{"instruction", "input", "output"}` (`input`, `system` and `history` optional).
sharegpt: `{"conversations": [{"from", "value"}, ...]}`, human/gpt/system (and tool roles) mapped to chat roles.
preference: TRL `{"prompt", "chosen", "rejected"}`, plain strings or message lists; without `prompt`, the turns
that `chosen` and `rejected` share are the prompt (TRL's implicit prompt).

Rows are never rewritten into another format: a repair replaces one string at its path, so the cleaned row keeps
its own shape and every field it carried.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

FORMATS = ("messages", "prompt-completion", "alpaca", "sharegpt", "preference")
CHAT_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
SYSTEM_ROLES = ("system", "developer")
SHAREGPT_ROLES = {
    "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant",
    "bing": "assistant", "bard": "assistant", "system": "system", "function_call": "assistant",
    "observation": "tool", "tool": "tool", "function": "tool",
}
DETECTION_SAMPLE = 1000  # rows whose keys decide the format; enough for a clear majority, cheap on any size


class RowError(ValueError):
    """A row does not fit its format; names the field (`messages[2].content`) and the problem."""

    def __init__(self, field_name: str, problem: str):
        self.field, self.problem = field_name, problem
        super().__init__(f"field '{field_name}': {problem}")


class TextField(NamedTuple):
    """One string of a row and where it sits (keys and list indices from the row down)."""

    path: tuple
    text: str

    @property
    def name(self) -> str:
        """The path as people write it: messages[1].content."""
        return field_name(self.path)


class Turn(NamedTuple):
    """One message: its chat role, its text, and the strings it was read from."""

    role: str
    text: str
    fields: tuple[TextField, ...]


@dataclass(slots=True)
class Sample:
    """What the checks read from a row of any format."""

    format: str
    system: str  # system and developer turns
    prompt: str  # the user turns before the answer
    context: tuple[tuple[str, str], ...]  # every non-system turn before the answer, as (role, text)
    answers: tuple[str, ...]  # the answer; (chosen, rejected) for preference rows
    fields: tuple[TextField, ...]  # every string of the row that holds text
    chat: tuple[Turn, ...]  # the whole chat, ending on the (chosen) answer


@dataclass(frozen=True)
class Detection:
    """The format of a set of rows and why it was chosen."""

    format: str
    reason: str


def field_name(path: Sequence) -> str:
    """("messages", 1, "content") -> "messages[1].content"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<row>"


def row_format(row: object) -> str | None:
    """The format a row's keys point to, or None."""
    if not isinstance(row, Mapping):
        return None
    if "chosen" in row and "rejected" in row:
        return "preference"
    if "messages" in row:
        return "messages"
    if "conversations" in row:
        return "sharegpt"
    if "instruction" in row and "output" in row:
        return "alpaca"
    if "prompt" in row and "completion" in row:
        return "prompt-completion"
    return None


def _style(row: Mapping, fmt: str) -> str:
    """'plain' or 'conversational' for the two formats that come in both; '' for the others."""
    key = {"prompt-completion": "completion", "preference": "chosen"}.get(fmt)
    if key is None:
        return ""
    return "conversational" if isinstance(row.get(key), list) else "plain"


KEYS_OF = {
    "messages": "a `messages` list",
    "prompt-completion": "`prompt` and `completion`",
    "alpaca": "`instruction` and `output`",
    "sharegpt": "a `conversations` list",
    "preference": "`chosen` and `rejected`",
}


def detect_format(rows: Sequence[object]) -> Detection:
    """The most common format among the first rows, with the counts behind it; ValueError when none fits."""
    sampled = [row for row in rows[:DETECTION_SAMPLE] if isinstance(row, Mapping)]
    votes = Counter(row_format(row) for row in sampled)
    votes.pop(None, None)
    if not votes:
        seen = Counter(key for row in sampled for key in row)
        keys = ", ".join(f"`{key}`" for key, _ in seen.most_common(8)) or "none"
        raise ValueError(
            f"cannot tell the format: the first {len(sampled)} rows have keys {keys}; expected one of "
            + "; ".join(f"{name} ({keys_})" for name, keys_ in KEYS_OF.items())
            + ". Pass --format to name it."
        )
    (fmt, count), others = votes.most_common(1)[0], votes.most_common()[1:]
    styles = Counter(_style(row, fmt) for row in sampled if row_format(row) == fmt)
    style = f" ({styles.most_common(1)[0][0]})" if fmt in ("prompt-completion", "preference") else ""
    reason = f"{KEYS_OF[fmt]} in {count} of {len(sampled)} sampled rows{style}"
    if others:
        reason += "; also " + ", ".join(f"{name} in {n}" for name, n in others) + " (each row is read in its own format)"
    return Detection(fmt, reason)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _require(row: Mapping, key: str) -> object:
    """row[key]; RowError naming the keys the row does have when it is missing."""
    if key not in row:
        raise RowError(key, f"is missing (the row has keys {', '.join(map(str, row))})")
    return row[key]


def _string(row: Mapping, key: str, required: bool = True) -> str | None:
    """row[key] as a string; RowError when missing (if required) or not a string."""
    if key not in row or (row[key] is None and not required):
        if required:
            raise RowError(key, f"is missing (the row has keys {', '.join(map(str, row))})")
        return None
    if not isinstance(row[key], str):
        raise RowError(key, f"must be a string, got {_type_name(row[key])}")
    return row[key]


def _message_text(message: Mapping, path: tuple, text_key: str) -> tuple[str, tuple[TextField, ...]]:
    """The text of one message: a string, a list of {type: text} parts, or the tool calls of an assistant turn."""
    content = message.get(text_key)
    if isinstance(content, str):
        return content, (TextField(path + (text_key,), content),)
    if isinstance(content, list) and text_key == "content":  # OpenAI content parts; images and audio carry no text
        fields = []
        for index, part in enumerate(content):
            where = path + (text_key, index)
            if not isinstance(part, Mapping):
                raise RowError(field_name(where), f"must be an object, got {_type_name(part)}")
            if part.get("type") == "text":
                if not isinstance(part.get("text"), str):
                    raise RowError(field_name(where + ("text",)), f"must be a string, got {_type_name(part.get('text'))}")
                fields.append(TextField(where + ("text",), part["text"]))
        return "\n".join(f.text for f in fields), tuple(fields)
    calls = message.get("tool_calls") or message.get("function_call")
    if content is None and calls:  # an assistant turn that calls a tool has no text; its calls are what it says
        return json.dumps(calls, sort_keys=True, ensure_ascii=False, default=str), ()
    raise RowError(field_name(path + (text_key,)), f"must be a string, got {_type_name(content)}")


def read_turns(value: object, path: tuple, sharegpt: bool = False) -> list[Turn]:
    """A list of messages ({role, content}, or ShareGPT's {from, value}) as turns; RowError naming the bad field."""
    if not isinstance(value, list) or not value:
        got = "an empty list" if isinstance(value, list) else _type_name(value)
        raise RowError(field_name(path), f"must be a non-empty list of messages, got {got}")
    turns = []
    for index, message in enumerate(value):
        where = path + (index,)
        if type(message) is not dict and not isinstance(message, Mapping):  # the exact-type test first: it is cheap
            raise RowError(field_name(where), f"must be an object, got {_type_name(message)}")
        role_key, text_key = ("from", "value") if sharegpt and "from" in message else ("role", "content")
        role = message.get(role_key)
        if sharegpt and role_key == "from":
            if role not in SHAREGPT_ROLES:
                raise RowError(field_name(where + (role_key,)), f"must be one of {', '.join(SHAREGPT_ROLES)}, got {role!r}")
            role = SHAREGPT_ROLES[role]
        elif role not in CHAT_ROLES:
            raise RowError(field_name(where + (role_key,)), f"must be one of {', '.join(CHAT_ROLES)}, got {role!r}")
        content = message.get(text_key)
        if type(content) is str:  # the common case, without the general reader's checks
            turns.append(Turn(role, content, (TextField(where + (text_key,), content),)))
        else:
            turns.append(Turn(role, *_message_text(message, where, text_key)))
    return turns


def _ends_on_assistant(turns: list[Turn], path: tuple, sharegpt: bool = False) -> None:
    if turns[-1].role != "assistant":
        key = "from" if sharegpt else "role"
        raise RowError(field_name(path + (len(turns) - 1, key)), "the last message must be the assistant's answer")


def _sample(fmt: str, before: list[Turn], answers: list[list[Turn]], extra: tuple[TextField, ...] = ()) -> Sample:
    """A Sample from the turns before the answer and the answer turns (one list per answer)."""
    system, prompt, context, fields = [], [], [], list(extra)
    for turn in before:
        if turn.role in SYSTEM_ROLES:
            system.append(turn.text)
        else:
            context.append((turn.role, turn.text))
            if turn.role == "user":
                prompt.append(turn.text)
        fields += turn.fields
    answer_texts = []
    for turns in answers:
        answer_texts.append(turns[0].text if len(turns) == 1 else "\n".join(t.text for t in turns))
        for turn in turns:
            fields += turn.fields
    return Sample(fmt, "\n".join(system), "\n".join(prompt), tuple(context), tuple(answer_texts), tuple(fields), (*before, *answers[0]))


def _plain_turn(role: str, row: Mapping, key: str) -> Turn:
    text = row[key]
    return Turn(role, text, (TextField((key,), text),))


def read_messages(row: Mapping) -> Sample:
    """OpenAI/TRL conversational rows."""
    turns = read_turns(_require(row, "messages"), ("messages",))
    _ends_on_assistant(turns, ("messages",))
    return _sample("messages", turns[:-1], [turns[-1:]])


def read_prompt_completion(row: Mapping) -> Sample:
    """TRL prompt/completion rows, plain or conversational."""
    for key in ("prompt", "completion"):
        if key not in row:
            raise RowError(key, f"is missing (the row has keys {', '.join(map(str, row))})")
    if isinstance(row["prompt"], list) or isinstance(row["completion"], list):
        for key in ("prompt", "completion"):
            if not isinstance(row[key], list):
                raise RowError(key, f"must be a list of messages like the other field, got {_type_name(row[key])}")
        prompt = read_turns(row["prompt"], ("prompt",))
        completion = read_turns(row["completion"], ("completion",))
        _ends_on_assistant(completion, ("completion",))
        return _sample("prompt-completion", prompt, [completion])
    _string(row, "prompt"), _string(row, "completion")
    return _sample("prompt-completion", [_plain_turn("user", row, "prompt")], [[_plain_turn("assistant", row, "completion")]])


def read_alpaca(row: Mapping) -> Sample:
    """Alpaca rows: instruction, optional input, output (and the optional system and history of some exports)."""
    instruction, output = _string(row, "instruction"), _string(row, "output")
    before = []
    if _string(row, "system", required=False) is not None:
        before.append(_plain_turn("system", row, "system"))
    history = row.get("history") or []
    if not isinstance(history, list):
        raise RowError("history", f"must be a list of [instruction, answer] pairs, got {_type_name(history)}")
    for index, pair in enumerate(history):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise RowError(f"history[{index}]", "must be a pair of strings [instruction, answer]")
        before += [Turn("user", pair[0], (TextField(("history", index, 0), pair[0]),)),
                   Turn("assistant", pair[1], (TextField(("history", index, 1), pair[1]),))]
    user_fields = [TextField(("instruction",), instruction)]
    input_text = _string(row, "input", required=False)
    if input_text:
        user_fields.append(TextField(("input",), input_text))
    before.append(Turn("user", "\n".join(f.text for f in user_fields), tuple(user_fields)))
    return _sample("alpaca", before, [[Turn("assistant", output, (TextField(("output",), output),))]])


def read_sharegpt(row: Mapping) -> Sample:
    """ShareGPT rows (conversations of from/value turns; an optional top-level system string)."""
    turns = read_turns(_require(row, "conversations"), ("conversations",), sharegpt=True)
    _ends_on_assistant(turns, ("conversations",), sharegpt=True)
    before = turns[:-1]
    if _string(row, "system", required=False) is not None:
        before = [_plain_turn("system", row, "system")] + before
    return _sample("sharegpt", before, [turns[-1:]])


def read_preference(row: Mapping) -> Sample:
    """TRL preference rows: prompt (explicit or implicit), chosen and rejected; plain or conversational."""
    for key in ("chosen", "rejected"):
        if key not in row:
            raise RowError(key, f"is missing (the row has keys {', '.join(map(str, row))})")
    if isinstance(row["chosen"], list) or isinstance(row["rejected"], list):
        chosen = read_turns(row["chosen"], ("chosen",))
        rejected = read_turns(row["rejected"], ("rejected",))
        if "prompt" in row:
            if not isinstance(row["prompt"], list):
                raise RowError("prompt", f"must be a list of messages like chosen and rejected, got {_type_name(row['prompt'])}")
            prompt = read_turns(row["prompt"], ("prompt",))
        else:  # implicit prompt: the turns both answers start with
            shared = 0
            last = min(len(chosen), len(rejected)) - 1  # each side keeps at least its answer
            while shared < last and chosen[shared][:2] == rejected[shared][:2]:  # same role and text
                shared += 1
            prompt, chosen, rejected = chosen[:shared], chosen[shared:], rejected[shared:]
        _ends_on_assistant(chosen, ("chosen",))
        _ends_on_assistant(rejected, ("rejected",))
        return _sample("preference", prompt, [chosen, rejected])
    chosen_text, rejected_text = _string(row, "chosen"), _string(row, "rejected")
    before = [_plain_turn("user", row, "prompt")] if _string(row, "prompt", required=False) is not None else []
    return _sample("preference", before, [[_plain_turn("assistant", row, "chosen")], [_plain_turn("assistant", row, "rejected")]])


READERS = {
    "messages": read_messages,
    "prompt-completion": read_prompt_completion,
    "alpaca": read_alpaca,
    "sharegpt": read_sharegpt,
    "preference": read_preference,
}


def read_sample(row: object, fmt: str) -> Sample:
    """A row read in the named format; RowError naming the field when it does not fit."""
    if type(row) is not dict and not isinstance(row, Mapping):
        raise RowError("<row>", f"must be an object, got {_type_name(row)}")
    if fmt not in READERS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return READERS[fmt](row)


def set_text(row: object, path: Sequence, text: str) -> None:
    """Replace the string at `path` inside a row (in place)."""
    for part in path[:-1]:
        row = row[part]
    row[path[-1]] = text


def as_messages(row: Mapping, fmt: str | None = None) -> list[dict]:
    """The row as a chat: [{role, content}, ...] ending on its (chosen) answer, whatever its format."""
    sample = read_sample(row, fmt or row_format(row) or "messages")
    return [{"role": turn.role, "content": turn.text} for turn in sample.chat]
