"""Personal data in free text: e-mail addresses, phone numbers, US social security numbers, payment cards and IBANs.

Each kind has its own placeholder ([EMAIL], [PHONE], [SSN], [CARD], [IBAN]). Phone numbers are decided by
libphonenumber's metadata (see phones.py); cards and IBANs must pass their checksum. Dates, years and ranges,
versions, ISBNs, postcodes, order/part/tracking numbers, prices and IP addresses are never personal data.
Every pattern starts a match only at a token boundary and has bounded repeats: a long token costs linear time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ftkit.data_quality.identifiers import CARD, IBAN, SSN, iban_valid, is_card, is_ssn
from ftkit.data_quality.phones import DEFAULT_REGIONS, labelled, phone_spans

# RFC 5321 limits: 64 characters before the @, 63 per domain label.
EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]{1,64}@[^\W_](?:[\w-]{0,62})(?:\.[\w-]{1,63}){1,8}(?![\w-])")
DIGIT = re.compile(r"\d")
IBAN_START = re.compile(r"[A-Z]{2}\d\d")  # a cheap test before the IBAN pattern
KINDS = ("email", "phone", "ssn", "card", "iban")
SHOWN_DIGITS = 2  # a masked number keeps its last two digits: enough to find it in the data, too few to use it


@dataclass(frozen=True)
class PiiMatch:
    """One piece of personal data: its kind, its text and where it is."""

    kind: str  # one of KINDS
    text: str
    start: int
    end: int


def _identifiers(text: str) -> list[PiiMatch]:
    """IBANs, card numbers and SSNs that pass their checks."""
    found = []
    if IBAN_START.search(text):
        found += [PiiMatch("iban", m.group(), m.start(), m.end()) for m in IBAN.finditer(text) if iban_valid(m.group())]
    found += [PiiMatch("card", m.group(), m.start(), m.end()) for m in CARD.finditer(text) if is_card(m.group())]
    found += [PiiMatch("ssn", m.group(), m.start(), m.end()) for m in SSN.finditer(text) if is_ssn(*m.groups())]
    return [m for m in found if not labelled(text, m.start)]  # "order 4242 4242 4242 4242" names an order


def pii_matches(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> list[PiiMatch]:
    """Every piece of personal data in a text, in order, not overlapping; national phone numbers read in `regions`."""
    found = [PiiMatch("email", m.group(), m.start(), m.end()) for m in EMAIL.finditer(text)] if "@" in text else []
    if not DIGIT.search(text):
        return found
    for match in _identifiers(text):
        if not any(m.start < match.end and match.start < m.end for m in found):
            found.append(match)
    for start, end in phone_spans(text, regions):
        if not any(m.start < end and start < m.end for m in found):
            found.append(PiiMatch("phone", text[start:end], start, end))
    return sorted(found, key=lambda m: m.start)


def find_pii(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> list[tuple[str, str]]:
    """(kind, match) for every piece of personal data in a text."""
    return [(m.kind, m.text) for m in pii_matches(text, regions)]


def _replaced(text: str, matches: Sequence[PiiMatch], replacement) -> str:
    pieces, last = [], 0
    for match in matches:
        pieces += [text[last : match.start], replacement(match)]
        last = match.end
    return "".join(pieces) + text[last:]


def redact_pii(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """The text with each piece of personal data replaced by its kind's placeholder ([EMAIL], [PHONE], [SSN], ...)."""
    return _replaced(text, pii_matches(text, regions), lambda m: f"[{m.kind.upper()}]")


def masked(match: PiiMatch) -> str:
    """What a report may show of a piece of personal data: j***@example.com, or *** and the last two digits."""
    if match.kind == "email":
        local, domain = match.text.rsplit("@", 1)
        return f"{local[:1]}***@{domain}"
    return "***" + "".join(char for char in match.text if char.isalnum())[-SHOWN_DIGITS:]


def mask_pii(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> str:
    """The text with each piece of personal data masked (for reports and ledgers)."""
    return _replaced(text, pii_matches(text, regions), masked)
