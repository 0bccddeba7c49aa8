"""Markup that does not belong in training text: HTML left over from scraping, and chat-template control tokens.

Markup inside Markdown code (``` fences or `backticks`) is content, not a leftover: it is never flagged or changed.
Outside code, a text holds HTML only when it shows markup: an element that is closed (<p>...</p>), a tag with a
quoted attribute or a self-closing slash, two line breaks, or an entity. A tag name in prose ("What does the
<table> tag do?") or angle brackets in a formula ("a<b and c>d") are text.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

# Tags of scraped pages and rich-text exports; "<T>" generics and "<email>" placeholders are not among them.
HTML_TAG_NAMES = frozenset(
    "a abbr article b blockquote body br center div em font footer h1 h2 h3 h4 h5 h6 head header hr html i iframe img "
    "li link meta nav ol p section small span strong style script sub sup table tbody td th thead title tr u ul".split()
)
VOID_TAGS = frozenset("br hr img meta link".split())
ATTRIBUTE = re.compile(r"""\s[a-zA-Z][a-zA-Z:-]{0,30}\s?=\s?(?:"[^"<>]*"|'[^'<>]*')""")
LINE_BREAK_TAGS = frozenset("br /p /div /li /tr /h1 /h2 /h3 /h4 /h5 /h6 /blockquote /table /ul /ol".split())
# Any tag-shaped text; the name is then checked against the set (one short pattern instead of 45 alternatives:
# ten times faster on text full of "<").
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,9})(?=[\s/>])(?:\s[^<>]{0,300})?\s*/?>")
HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# Special tokens of common chat templates: ChatML and Llama 3 (<|...|>), DeepSeek (fullwidth bars), Llama 2, Gemma.
CONTROL_TOKEN = re.compile(
    r"<\|[A-Za-z0-9_.\-]{1,40}\|>|<\uff5c[^<>\s\uff5c]{1,40}\uff5c>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>"
)
TRAILING_SPACES = re.compile(r"(?<![ \t])[ \t]+\n")  # starts only where a run starts: linear
BLANK_LINES = re.compile(r"\n{3,}")


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of Markdown code: ``` fenced blocks (an unclosed fence runs to the end) and `inline` code."""
    spans, position = [], 0
    while (tick := text.find("`", position)) != -1:
        if text.startswith("```", tick):
            close = text.find("```", tick + 3)
            end = len(text) if close == -1 else close + 3
        else:
            close = text.find("`", tick + 1)
            newline = text.find("\n", tick + 1)
            if close == -1 or (newline != -1 and newline < close):  # inline code stays on one line
                position = tick + 1
                continue
            end = close + 1
        spans.append((tick, end))
        position = end
    return spans


def prose_pieces(text: str) -> list[tuple[bool, str]]:
    """The text cut into (is_code, piece) in order."""
    if "`" not in text:
        return [(False, text)]
    pieces, last = [], 0
    for start, end in code_spans(text):
        pieces += [(False, text[last:start]), (True, text[start:end])]
        last = end
    return pieces + [(False, text[last:])]


def _html_tags(text: str) -> list[re.Match]:
    """Tag-shaped matches whose name is an HTML tag."""
    return [m for m in TAG.finditer(text) if m.group(2).lower() in HTML_TAG_NAMES] if "<" in text else []


def _holds_markup(tags: list[re.Match], entities: list[str]) -> bool:
    """True when tags and entities show real markup, not tag names or angle brackets in prose (see the module)."""
    if entities:
        return True
    opened = {m.group(2).lower() for m in tags if not m.group(1)}
    closed = {m.group(2).lower() for m in tags if m.group(1)}
    voids = sum(m.group(2).lower() in VOID_TAGS for m in tags if not m.group(1))
    quoted_or_self_closing = any(m.group().endswith("/>") or ATTRIBUTE.search(m.group()) for m in tags)
    return bool(opened & closed) or quoted_or_self_closing or voids >= 2


def _markup(piece: str) -> tuple[list[re.Match], list[str]]:
    """The HTML tags and entities of a prose piece, or nothing when it holds no markup."""
    tags = _html_tags(piece)
    entities = _entities(piece) if "&" in piece else []
    return (tags, entities) if _holds_markup(tags, entities) else ([], [])


def _tag_replacement(match: re.Match) -> str:
    """A line break for <br> and block-closing tags, nothing for other HTML tags; other tag-shaped text stays."""
    name = match.group(2).lower()
    if name not in HTML_TAG_NAMES:
        return match.group()
    return "\n" if match.group(1) + name in LINE_BREAK_TAGS else ""


def remove_tags(text: str) -> str:
    """The text with its HTML tags replaced by spaces (for comparing texts), code and all."""
    return TAG.sub(lambda m: " " if m.group(2).lower() in HTML_TAG_NAMES else m.group(), text) if "<" in text else text


def _entities(text: str) -> list[str]:
    return [m.group() for m in HTML_ENTITY.finditer(text) if m.group()[1] == "#" or m.group()[1:] in html5]


def find_html(text: str) -> str | None:
    """The first HTML tag or entity outside code, or None."""
    if "<" not in text and "&" not in text:
        return None
    for is_code, piece in prose_pieces(text):
        if is_code:
            continue
        tags, entities = _markup(piece)
        if tags or entities:
            return tags[0].group() if tags else entities[0]
    return None


def strip_html(text: str) -> str:
    """Tags removed outside code where a piece holds markup (a line-break or block-closing tag becomes a newline),
    entities decoded."""
    out = []
    for is_code, piece in prose_pieces(text):
        if not is_code and any(_markup(piece)):
            piece = html.unescape(TAG.sub(_tag_replacement, piece))
            piece = BLANK_LINES.sub("\n\n", TRAILING_SPACES.sub("\n", piece))
        out.append(piece)
    return "".join(out).strip()


def find_control_tokens(text: str) -> list[str]:
    """Chat-template control tokens written inside the text, outside code."""
    if "<" not in text and "[" not in text:
        return []
    return [m.group() for is_code, piece in prose_pieces(text) if not is_code for m in CONTROL_TOKEN.finditer(piece)]
