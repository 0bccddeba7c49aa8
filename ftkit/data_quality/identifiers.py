"""Numbers that carry their own check: US social security numbers, payment cards (Luhn), IBANs (mod 97), ISBNs.

A checksum tells an identifier from a number of the same shape: one in ten 16-digit runs passes Luhn, one in 97
IBAN-shaped strings passes mod 97, so an order or tracking number is rarely taken for a card or an account.
"""

from __future__ import annotations

import re

# 123-45-6789: dashes only (with spaces or none it is any 9-digit number).
SSN = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-]|\.\d)")
# 13-19 digits, optionally in groups split by one space or dash; issuers' numbers start with 2-6.
CARD = re.compile(r"(?<![\w.,-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\w-]|\.\d)")
# Country code, two check digits, then 11-30 letters or digits, optionally in groups of four.
IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?!\w)")
CARD_LENGTHS = (13, 19)
# How issuers print card numbers: 16 in fours, 15 as 4-6-5, 14 as 4-6-4, 19 as four fours and three.
CARD_GROUPS = ((4, 4, 4, 4), (4, 6, 5), (4, 6, 4), (4, 4, 4, 4, 3))
GROUP = re.compile(r"\d+")


def is_ssn(area: str, group: str, serial: str) -> bool:
    """True for a number the US Social Security Administration can issue (no 000/666/9xx area, 00 group, 0000 serial)."""
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


def luhn_valid(digits: str) -> bool:
    """True when the digits pass the Luhn check of payment card numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_card(text: str) -> bool:
    """True for 13-19 digits, unbroken or grouped as cards are printed, that pass the Luhn check."""
    groups = tuple(map(len, GROUP.findall(text)))
    separators = {char for char in text if not char.isdigit()}
    shaped = len(groups) == 1 or (len(separators) == 1 and groups in CARD_GROUPS)
    digits = "".join(char for char in text if char.isdigit())
    return shaped and CARD_LENGTHS[0] <= len(digits) <= CARD_LENGTHS[1] and luhn_valid(digits)


def iban_valid(text: str) -> bool:
    """True when an IBAN (spaces allowed) passes its mod-97 check."""
    compact = text.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def isbn_valid(digits: str) -> bool:
    """True for an ISBN-10 or ISBN-13 (978/979) whose check digit is right (digits only; an ISBN-10 'X' is 10)."""
    if len(digits) == 10:
        values = [10 if char in "xX" else int(char) for char in digits]
        return sum((10 - i) * value for i, value in enumerate(values)) % 11 == 0
    if len(digits) == 13 and digits[:3] in ("978", "979"):
        return sum(int(char) * (3 if i % 2 else 1) for i, char in enumerate(digits)) % 10 == 0
    return False
