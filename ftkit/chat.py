"""The chats the model sees (one short system line, the same in training and evaluation) and the one chat validator."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# SmolLM2's chat template inserts a ~20-token default system prompt when a chat has none. One short line instead
# costs ~10 tokens fewer per row, and training and evaluation render every chat the same way.
SYSTEM_LINE = "You are a helpful assistant."


def with_system(messages: Sequence[dict], system: str = SYSTEM_LINE) -> list[dict]:
    """The chat with `system` as its first message, unless it already opens with a system message."""
    messages = list(messages)
    if messages and messages[0].get("role") == "system":
        return messages
    return [{"role": "system", "content": system}, *messages]


# ---------------------------------------------------------------- validation: the one check every loader uses

ROLES = ("system", "user", "assistant")
PREFERENCE_FIELDS = ("prompt", "chosen", "rejected")


class DataValidationError(ValueError):
    """A dataset row is malformed; the message names the file, the line and the field."""

    def __init__(self, path: str | Path, line: int, field: str, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field, problem
        super().__init__(f"{path}:{line}: field '{field}': {problem}")


def validate_chat(value: object, path: str | Path, line: int, field: str, last_role: str) -> list[dict]:
    """Check a conversation: a non-empty list of {role, content} turns, known roles, non-empty text, ending on `last_role`.

    A plain string is an error, not a one-turn chat: code downstream iterates over turns, and a string would be
    iterated character by character.
    """
    if isinstance(value, str):
        raise DataValidationError(
            path, line, field, f'must be a list of {{role, content}} turns, got a plain string (write [{{"role": "{last_role}", "content": ...}}])'
        )
    if not isinstance(value, list) or not value:
        got = "an empty list" if isinstance(value, list) else type(value).__name__
        raise DataValidationError(path, line, field, f"must be a non-empty list of {{role, content}} turns, got {got}")
    for index, turn in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(turn, dict):
            raise DataValidationError(path, line, where, f"must be an object {{role, content}}, got {type(turn).__name__}")
        role, content = turn.get("role"), turn.get("content")
        if role not in ROLES:
            raise DataValidationError(path, line, f"{where}.role", f"must be one of {ROLES}, got {role!r}")
        if not isinstance(content, str):
            raise DataValidationError(path, line, f"{where}.content", f"must be a string, got {type(content).__name__}")
        if not content.strip():
            raise DataValidationError(path, line, f"{where}.content", "is empty")
    if value[-1]["role"] != last_role:
        raise DataValidationError(
            path, line, f"{field}[{len(value) - 1}].role", f"the last turn must be the {last_role}'s, got {value[-1]['role']!r}"
        )
    return value


def validate_messages(messages: object, path: str | Path, line: int) -> list[dict]:
    """Check a chat row's `messages`: a valid conversation ending on the assistant's answer."""
    return validate_chat(messages, path, line, "messages", "assistant")


def validate_preference_row(row: object, path: str | Path, line: int) -> dict:
    """Check one pair in TRL's conversational format: a prompt ending on the user, two different assistant answers."""
    if not isinstance(row, dict):
        raise DataValidationError(path, line, "<row>", f"must be a JSON object, got {type(row).__name__}")
    for field in PREFERENCE_FIELDS:
        if field not in row:
            raise DataValidationError(path, line, field, "is missing")
    validate_chat(row["prompt"], path, line, "prompt", "user")
    chosen = validate_chat(row["chosen"], path, line, "chosen", "assistant")
    rejected = validate_chat(row["rejected"], path, line, "rejected", "assistant")
    if [(t["role"], t["content"].strip()) for t in chosen] == [(t["role"], t["content"].strip()) for t in rejected]:
        raise DataValidationError(path, line, "rejected", "is identical to 'chosen'; a pair must prefer one answer over another")
    return row
