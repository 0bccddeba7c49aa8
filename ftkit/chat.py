"""The chats the model sees: one short system line, the same in training and evaluation."""

from __future__ import annotations

from collections.abc import Sequence

# SmolLM2's chat template inserts a ~20-token default system prompt when a chat has none. One short line instead
# costs ~10 tokens fewer per row, and training and evaluation render every chat the same way.
SYSTEM_LINE = "You are a helpful assistant."


def with_system(messages: Sequence[dict], system: str = SYSTEM_LINE) -> list[dict]:
    """The chat with `system` as its first message, unless it already opens with a system message."""
    messages = list(messages)
    if messages and messages[0].get("role") == "system":
        return messages
    return [{"role": "system", "content": system}, *messages]
