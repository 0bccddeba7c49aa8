"""Phone numbers in free text, decided by Google's libphonenumber metadata (the `phonenumbers` package), not by digit counts.

A digit run is a candidate; it is a phone number when it has a "+" country code, or when it is a possible number
of one of the given regions and is written as that region writes its numbers (555-014-2291, 020 7946 0958,
030 901820), starts with a trunk 0 and is valid there, or follows a word such as "call" or "tel". Before that,
what is known not to be a phone number is set aside: dates, year ranges, ZIP+4 codes, ISBNs, IP addresses,
versions, prices, measures and numbers after a label (order, part, build, tracking, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from ftkit.data_quality.identifiers import isbn_valid

# National numbers (no "+") are read as numbers of these regions; "+" numbers in any region. The four cover the
# trunk-0 and North American shapes most seen in English-language sets; pass others (e.g. ("IN",)) for other data.
DEFAULT_REGIONS = ("US", "GB", "DE", "FR")
# Digits in groups split by one space, dot, dash or slash, after an optional +country code and (area code).
# It may not start inside a word or number, nor stop before more digits (".254", ":8080", "-X") or an "@".
CANDIDATE = re.compile(
    r"(?<![\w+.,/:#-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?(?:\d{7,15}|\d{1,8}(?:[ ./-]\d{1,8}){0,6})"
    r"(?![\w/:@]|\.\d|-\w)"
)
TEL_LINK = re.compile(r"(?i)(?<!\w)tel:(?://)?\s?(\+?[\d(][\d ().-]{5,24}\d)")
GROUPS = re.compile(r"\d+")
PHONE_DIGITS = (7, 15)  # E.164 allows at most 15 digits; shorter runs are prices, years, counts
CUE_BEFORE = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|fax|ring|text|sms|whatsapp|dial|hotline|reach|contact|number)\b"
    r"(?:\W{1,3}[^\W\d]{1,6}){0,2}\W{0,4}$",  # "call", "call me on", "my number is:"
    re.IGNORECASE,
)
LABEL_BEFORE = re.compile(
    r"\b(?:v|ver|version|release|build|isbn(?:-1[03])?|issn|order|invoice|serial|id|no|ref|reference|sku|part|pn|"
    r"item|model|tracking|shipment|parcel|ticket|case|batch|lot|zip|postcode|patent|account|acct)"
    r"(?:\s?(?:number|no|nr|#|code|id))?[.:#]?\s?$",
    re.IGNORECASE,
)
UNIT_AFTER = re.compile(
    r"\s?(?:%|°|mm|cm|km|m|kg|mg|g|lbs?|oz|ml|l|kwh|kw|w|v|mah|kb|mb|gb|tb|hz|khz|mhz|ghz|px|ms|s|sec|min|h|hrs?|rpm|"
    r"mph|km/h|years?|days?|steps|tokens|rows|words|people|users|euros?|dollars?|usd|eur|gbp)\b",
    re.IGNORECASE,
)
CURRENCY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:usd|eur|gbp))\s?$", re.IGNORECASE)
YEAR_RANGE = re.compile(r"(?:1[5-9]|20)\d\d[-/](?:(?:1[5-9]|20)\d\d|\d\d)")  # 1939-1945, 2023/24
ZIP_PLUS_4 = re.compile(r"\d{5}-\d{4}")
CONTEXT = 24  # characters looked at before a number for a label, a currency or a cue


def _is_date(groups: list[str], separators: set[str]) -> bool:
    """2024-01-15, 15.01.2024, 01/15/2024: year, month and day in either order."""
    if len(groups) != 3 or not separators <= {"-", ".", " ", "/"}:
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


def labelled(text: str, start: int) -> bool:
    """True when the number at `start` follows a label that names what it is (order, part, build, tracking, ...)."""
    return bool(LABEL_BEFORE.search(text, max(0, start - CONTEXT), start))


def _is_isbn(groups: list[str]) -> bool:
    """An ISBN written as one: 13 digits from 978/979, or ISBN-10 in its four hyphenated parts, with a right check digit."""
    digits = "".join(groups)
    shaped = (len(digits) == 13 and digits[:3] in ("978", "979")) or (len(digits) == 10 and len(groups) == 4 and len(groups[-1]) == 1)
    return shaped and isbn_valid(digits)


def known_not_phone(text: str, start: int, end: int) -> bool:
    """True for a digit run that is a date, year range, ZIP+4, ISBN, IP, version, price, measure or labelled number."""
    found = text[start:end]
    groups = GROUPS.findall(found)
    separators = {ch for ch in found if not ch.isdigit() and ch not in "()+"}
    if _is_date(groups, separators) or _is_ip_or_version(groups, separators):
        return True
    if YEAR_RANGE.fullmatch(found) or ZIP_PLUS_4.fullmatch(found) or _is_isbn(groups):
        return True
    if labelled(text, start) or CURRENCY_BEFORE.search(text, max(0, start - CONTEXT), start):
        return True
    return bool(UNIT_AFTER.match(text, end))


@cache
def _library():
    """The phonenumbers module, imported on first use (its metadata loads lazily, region by region)."""
    import phonenumbers

    return phonenumbers


def _parse(found: str, region: str | None):
    """The parsed number, or None when the library cannot read it."""
    phonenumbers = _library()
    try:
        return phonenumbers.parse(found, region)
    except phonenumbers.NumberParseException:
        return None


def _written_as_region_writes(found: str, number) -> bool:
    """True when the digit groups are those of the region's national format (a leading 1 or 0 prefix aside)."""
    phonenumbers = _library()
    national = [len(g) for g in GROUPS.findall(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))]
    written = [len(g) for g in GROUPS.findall(found)]
    if len(national) < 2:
        return False
    return written == national or (written[1:] == national and GROUPS.match(found.lstrip("(")).group() in ("0", "1"))


def is_phone_number(text: str, start: int, end: int, regions: Sequence[str] = DEFAULT_REGIONS, cued: bool = False) -> bool:
    """True when text[start:end] is a phone number (see the module's rules); `cued`: a tel: link or the like."""
    found = text[start:end]
    digits = sum(ch.isdigit() for ch in found)
    if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1] or known_not_phone(text, start, end):
        return False
    phonenumbers = _library()
    if found.startswith("+"):
        number = _parse(found, None)
        return number is not None and phonenumbers.is_possible_number(number)
    cued = cued or bool(CUE_BEFORE.search(text, max(0, start - CONTEXT), start))
    grouped = len(GROUPS.findall(found)) > 1
    for region in regions:
        number = _parse(found, region)
        if number is None or not phonenumbers.is_possible_number(number):
            continue
        trunk_valid = found.lstrip("(").startswith("0") and phonenumbers.is_valid_number(number)
        if cued or (trunk_valid and (grouped or digits >= 10)) or (grouped and _written_as_region_writes(found, number)):
            return True
    return False


def phone_spans(text: str, regions: Sequence[str] = DEFAULT_REGIONS) -> Iterator[tuple[int, int]]:
    """(start, end) of every phone number in a text: tel: links and digit runs that pass is_phone_number."""
    links = []
    if "tel:" in text.lower():
        for match in TEL_LINK.finditer(text):
            if is_phone_number(text, match.start(1), match.end(1), regions, cued=True):
                links.append((match.start(1), match.end(1)))
    yield from links
    for match in CANDIDATE.finditer(text):
        inside_link = any(start <= match.start() < end for start, end in links)
        if not inside_link and is_phone_number(text, match.start(), match.end(), regions):
            yield match.start(), match.end()
