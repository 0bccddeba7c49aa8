"""Broken text encoding: mojibake that ftfy can repair, and U+FFFD where the bytes are already lost.

ftfy's own test is a large regex (about 0.4 µs per character); most text cannot be mojibake at all, so a cheap
necessary condition runs first. Mojibake of UTF-8 read as a one-byte code page always shows a lead byte followed
by a continuation byte (or by a space, when a no-break space was lost), or a C1 control character; text without
such a pair is returned unchanged by `ftfy.fix_encoding`.
"""

from __future__ import annotations

import re
from functools import cache

import ftfy
from ftfy.chardata import CHARMAP_ENCODINGS

REPLACEMENT = "\ufffd"
SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON escape of a surrogate: "\\ud83d" alone is half a character; a file without one cannot hold a lone surrogate.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _decoded(byte_values: range) -> str:
    """The characters these bytes decode to in any of the code pages ftfy repairs (sorted, unique)."""
    chars = {bytes([value]).decode(encoding, errors="ignore") for encoding in CHARMAP_ENCODINGS for value in byte_values}
    return "".join(sorted(chars - {""}))


@cache
def _maybe_mojibake() -> re.Pattern[str]:
    """Lead byte (0xC0-0xF4) then continuation byte (0x80-0xBF), no-break space or space, in any of those code pages;
    or a C1 control character (ftfy maps those to Windows-1252)."""
    lead = re.escape(_decoded(range(0xC0, 0xF5)))
    continuation = re.escape(_decoded(range(0x80, 0xC0)))
    # U+0085 (next line) is a line break of its own in EBCDIC-derived and some exported text, not a lost "…".
    return re.compile(f"[{lead}][{continuation} \\xa0]|[\\x80-\\x84\\x86-\\x9f\\x1a]")


def lone_surrogate(value: object, path: str = "") -> tuple[str, str] | None:
    """(field, problem) for the first string in a decoded value (dicts and lists walked) holding a lone surrogate."""
    if isinstance(value, str):
        found = SURROGATE.search(value)
        if found is None:
            return None
        problem = f"lone surrogate U+{ord(found.group()):04X} at character {found.start()} (half of a character: not writable as UTF-8)"
        return path or "<row>", problem
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        inner = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)
        if (found := lone_surrogate(key, inner) if isinstance(key, str) else None) or (found := lone_surrogate(item, inner)):
            return found
    return None


def has_broken_encoding(text: str) -> bool:
    """True when ftfy can repair mojibake in the text, or it holds U+FFFD (bytes already lost)."""
    if REPLACEMENT in text:
        return True
    return text.isascii() is False and bool(_maybe_mojibake().search(text)) and ftfy.fix_encoding(text) != text


def fix_encoding(text: str) -> str:
    """The text with its mojibake repaired (unchanged when there is none)."""
    if text.isascii() or not _maybe_mojibake().search(text):
        return text
    return ftfy.fix_encoding(text)


def first_difference(text: str) -> str:
    """The first stretch of text that the repair changes, for the report (or 'U+FFFD')."""
    fixed = fix_encoding(text)
    start = next((i for i, (a, b) in enumerate(zip(text, fixed)) if a != b), None)
    if start is None:
        return "U+FFFD" if REPLACEMENT in text else ""
    return text[start : start + 8]
