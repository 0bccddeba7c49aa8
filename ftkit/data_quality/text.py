"""Text features for comparing rows: normalised forms, sign-keeping tokens, word n-grams, numbers and names.

Every pattern here matches in linear time: no nested or overlapping quantifiers.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar): each character
# is a token, so near-duplicates compare character 3-grams and `overlong` counts characters.
NO_SPACE_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u309f\u30a0-\u30ff\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f"
NO_SPACE_CHAR = re.compile(f"[{NO_SPACE_CHARS}]")
# A number keeps its sign when the sign starts a token ("-2", not the hyphen of "X-2"), and its decimals; words keep
# inner apostrophes; a few symbols that change meaning ("%", "°", currency) are tokens of their own. ASCII words are
# tried first: the Unicode letter class is twice as slow, and texts are lower-cased before matching.
TOKEN = re.compile(
    r"[a-z]+(?:'[a-z]+)*|" + NO_SPACE_CHAR.pattern
    + r"|[^\W\d_]+(?:'[^\W\d_]+)*|(?:(?<![\w.])[-+\u2212])?\d+(?:[.,]\d+)*|[%°$€£¥#@]"
)
NUMBER = re.compile(r"[-+\u2212]?\d")
# A capitalised word that does not open a sentence: names of people, brands and places.
MID_SENTENCE_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}")


def normalized(text: str) -> str:
    """NFC, whitespace squeezed: the form in which two texts count as exactly equal."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> list[str]:
    """Lower-cased words (apostrophes kept inside words), punctuation and signs dropped."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def length_in_words(text: str) -> int:
    """Words split by spaces, plus one per character of a script written without spaces (a long Chinese row is long)."""
    return len(text.split()) + (0 if text.isascii() else len(NO_SPACE_CHAR.findall(text)))


def tokens(text: str) -> list[str]:
    """Lower-cased tokens that keep what changes a meaning: signed numbers with decimals, names, %, ° and currency."""
    return TOKEN.findall(unicodedata.normalize("NFC", text).lower().replace("\u2019", "'").replace("\u2212", "-"))


def shingles(text: str, n: int = 3) -> set[str]:
    """Token n-grams of a text (the whole text as one gram when it is shorter than n tokens)."""
    found = tokens(text)
    if len(found) < n:
        return {" ".join(found)} if found else set()
    return {" ".join(found[i : i + n]) for i in range(len(found) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def numbers(found_tokens: list[str]) -> Counter:
    """The signed numbers among tokens, with their counts."""
    return Counter(token for token in found_tokens if NUMBER.match(token))


def names(text: str) -> set[str]:
    """Lower-cased capitalised words that do not open a sentence."""
    return {name.lower() for name in MID_SENTENCE_NAME.findall(text)}


def same_numbers_and_names(text_a: str, tokens_a: list[str], text_b: str, tokens_b: list[str]) -> bool:
    """True when two texts hold the same signed numbers and each one's names occur in the other (case aside)."""
    if numbers(tokens_a) != numbers(tokens_b):
        return False
    return names(text_a) <= set(tokens_b) and names(text_b) <= set(tokens_a)
