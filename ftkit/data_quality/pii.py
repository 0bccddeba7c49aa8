"""E-mail addresses and phone numbers in free text, told apart from dates, times, IP addresses, versions and measures.

Both patterns only start a match at a token boundary and have bounded repeats, so a long token costs linear time
(the old e-mail pattern was quadratic: 5.5 s for one 40 kB token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RFC 5321 limits: 64 characters before the @, 63 per domain label.
EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]{1,64}@[^\W_](?:[\w-]{0,62})(?:\.[\w-]{1,63}){1,8}(?![\w-])")
# 7-15 digits in a row, or digits in groups split by one space, dot or dash, after an optional +country code and
# (area code): a candidate only.
# It may not start inside a word or number, nor stop before more digits (".254", ":8080") or an "@".
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+.,/:#-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?(?:\d{7,15}|\d{1,5}(?:[ .-]\d{1,5}){0,6})(?![\w/:@]|\.\d)"
)
GROUPS = re.compile(r"\d+")
DIGIT = re.compile(r"\d")
UNIT_AFTER = re.compile(
    r"\s?(?:%|°|mm|cm|km|m|kg|mg|g|lbs?|oz|ml|l|kwh|kw|w|v|mah|kb|mb|gb|tb|hz|khz|mhz|ghz|px|ms|s|sec|min|h|hrs?|rpm|"
    r"mph|km/h|years?|days?|steps|tokens|rows|words|people|users|euros?|dollars?|usd|eur|gbp)\b",
    re.IGNORECASE,
)
CURRENCY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:usd|eur|gbp))\s?$", re.IGNORECASE)
LABEL_BEFORE = re.compile(r"\b(?:v|ver|version|release|isbn|order|invoice|serial|id|no|ref|sku)[.:#]?\s?$", re.IGNORECASE)
PHONE_DIGITS = (7, 15)  # E.164 allows at most 15 digits; shorter runs are prices, years, counts


@dataclass(frozen=True)
class PiiMatch:
    """One piece of personal data: its kind, its text and where it is."""

    kind: str  # "email" or "phone"
    text: str
    start: int
    end: int


def _is_date(groups: list[str], separators: set[str]) -> bool:
    """2024-01-15, 15.01.2024, 1-2-2024: year, month and day in either order."""
    if len(groups) != 3 or not separators <= {"-", ".", " "}:
        return False
    sizes = tuple(map(len, groups))
    if sizes[0] == 4 and sizes[1] <= 2 and sizes[2] <= 2:
        month, day = int(groups[1]), int(groups[2])
    elif sizes[2] == 4 and sizes[0] <= 2 and sizes[1] <= 2:
        month, day = sorted((int(groups[0]), int(groups[1])))
    else:
        return False
    return 1 <= month <= 12 and 1 <= day <= 31


def _is_ip_or_version(groups: list[str], separators: set[str]) -> bool:
    """192.168.1.20 and dotted versions: dots only, four groups of at most three digits, or two groups (a decimal)."""
    if separators != {"."}:
        return False
    return len(groups) == 2 or (len(groups) == 4 and all(len(g) <= 3 for g in groups))


def _phone_or_not(text: str, match: re.Match) -> bool:
    """True when a digit run is a phone number rather than a date, time, IP address, version or measurement."""
    found = match.group()
    digits = sum(ch.isdigit() for ch in found)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return False
    if found.startswith("+"):
        return True
    groups = GROUPS.findall(found)
    separators = {ch for ch in found if not ch.isdigit() and ch not in "()"}
    if _is_date(groups, separators) or _is_ip_or_version(groups, separators):
        return False
    before = text[max(0, match.start() - 12) : match.start()]
    if CURRENCY_BEFORE.search(before) or LABEL_BEFORE.search(before):
        return False
    return not UNIT_AFTER.match(text, match.end())


def find_pii(text: str) -> list[tuple[str, str]]:
    """(kind, match) for every e-mail address and phone number in a text."""
    return [(m.kind, m.text) for m in pii_matches(text)]


def pii_matches(text: str) -> list[PiiMatch]:
    """Every e-mail address and phone number in a text, in order, not overlapping."""
    found = [PiiMatch("email", m.group(), m.start(), m.end()) for m in EMAIL.finditer(text)] if "@" in text else []
    if not DIGIT.search(text):
        return found
    # A candidate never starts after "." or inside a word, nor ends before "@": it cannot overlap an address.
    for match in PHONE_CANDIDATE.finditer(text):
        if _phone_or_not(text, match):
            found.append(PiiMatch("phone", match.group(), match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def redact_pii(text: str) -> str:
    """The text with e-mail addresses replaced by [EMAIL] and phone numbers by [PHONE]."""
    pieces, last = [], 0
    for match in pii_matches(text):
        pieces += [text[last : match.start], f"[{match.kind.upper()}]"]
        last = match.end
    return "".join(pieces) + text[last:]
