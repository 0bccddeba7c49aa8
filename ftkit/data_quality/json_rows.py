"""JSON Lines and JSON arrays read row by row, each row with its line number and each problem with file:line:field.

Lines are split on "\\n" only (U+2028 and U+2029 are valid inside JSON strings), "\\r\\n" endings are accepted, a UTF-8
byte-order mark is skipped, and objects with a repeated key are reported instead of silently keeping the last value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


class InputError(ValueError):
    """The input cannot be read as rows; the message names the file, the line and the field."""

    def __init__(self, path: object, line: int | None, field_name: str, problem: str):
        self.path, self.line, self.field, self.problem = str(path), line, field_name, problem
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {field_name + ': ' if field_name else ''}{problem}")


@dataclass(frozen=True)
class UnreadableRow:
    """A place in the input that holds no readable row: what is wrong with it."""

    field: str
    problem: str


@dataclass
class ParsedRow:
    """One decoded row (or an UnreadableRow), its line, and the keys that appeared twice in one of its objects."""

    row: object
    line: int
    repeated_keys: list[str]


UTF8_BOM = b"\xef\xbb\xbf"
OTHER_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def check_utf8_start(data: bytes, path: object) -> bytes:
    """The bytes without a UTF-8 BOM; InputError for a UTF-16/32 BOM (convert the file first)."""
    for bom, name in OTHER_BOMS.items():
        if data.startswith(bom):
            raise InputError(path, 1, "<encoding>", f"the file is {name}; convert it to UTF-8 (e.g. iconv -f {name} -t UTF-8)")
    return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


def _decoder(repeated: list[str]) -> json.JSONDecoder:
    """A JSON decoder that records keys repeated inside one object (the standard decoder keeps the last silently)."""

    def pairs_to_dict(pairs: list[tuple[str, object]]) -> dict:
        row = dict(pairs)
        if len(row) != len(pairs):
            seen: set[str] = set()
            repeated.extend(key for key, _ in pairs if key in seen or seen.add(key))
        return row

    return json.JSONDecoder(object_pairs_hook=pairs_to_dict)


def _problem(error: Exception) -> str:
    """What a decoding error means, in words."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    if isinstance(error, ValueError) and "digits" in str(error):  # Python's int limit (sys.get_int_max_str_digits)
        return "an integer has too many digits to read (over 4300)"
    return f"not valid JSON ({error})"


def parse_json_lines(data: bytes) -> list[ParsedRow]:
    """Every non-blank line of a JSON Lines file, decoded; a bad line becomes an UnreadableRow, not an exception."""
    parsed = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw[:-1] if raw.endswith(b"\r") else raw
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problem = f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})"
            parsed.append(ParsedRow(UnreadableRow("<encoding>", problem), number, []))
            continue
        repeated: list[str] = []
        try:
            row = _decoder(repeated).decode(text)
        except (ValueError, RecursionError) as error:
            parsed.append(ParsedRow(UnreadableRow("<json>", _problem(error)), number, []))
            continue
        parsed.append(ParsedRow(row, number, repeated))
    return parsed


def parse_json_array(text: str, path: object) -> list[ParsedRow]:
    """The elements of a top-level JSON array with their line numbers; InputError where the array breaks off."""
    repeated: list[str] = []
    decoder = _decoder(repeated)
    position, line, line_at = text.index("[") + 1, 1, 0
    parsed: list[ParsedRow] = []

    def line_of(index: int) -> int:
        nonlocal line, line_at
        line += text.count("\n", line_at, index)
        line_at = index
        return line

    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position < len(text) and text[position] == "]":
            break
        if parsed:
            if position >= len(text) or text[position] != ",":
                raise InputError(path, line_of(min(position, len(text))), "<json>", "expected ',' or ']' between rows")
            position += 1
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
        if position >= len(text):
            raise InputError(path, line_of(len(text)), "<json>", "the array is not closed with ']'")
        start = position
        repeated.clear()
        try:
            row, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as error:
            at = error.pos if isinstance(error, json.JSONDecodeError) else start  # pos counts from the file's start
            raise InputError(path, line_of(at), "<json>", _problem(error)) from None
        parsed.append(ParsedRow(row, line_of(start), list(repeated)))
    trailing = text[position + 1 :].strip()
    if trailing:
        raise InputError(path, line_of(position + 1), "<json>", "text after the closing ']'")
    return parsed
