"""Augment a small fine-tuning set: synonym replacement, model paraphrases behind a quality filter, and
counterfactual copies that swap a spurious term (de-biasing)."""

from __future__ import annotations

import copy
import random
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from ftkit.data_quality import jaccard, row_text, words
from ftkit.scoring import generate

# A small hand-written table for review language (WordNet is not shipped offline); each entry keeps the sentiment.
SYNONYMS: dict[str, list[str]] = {
    "great": ["excellent", "superb", "terrific"],
    "happy": ["pleased", "glad", "satisfied"],
    "love": ["adore", "really like"],
    "best": ["finest", "top"],
    "solid": ["sturdy", "robust"],
    "sturdy": ["solid", "robust"],
    "excellent": ["great", "superb"],
    "reliably": ["dependably", "consistently"],
    "quietly": ["silently", "calmly"],
    "recommended": ["recommend it", "a safe pick"],
    "value": ["bang for the buck", "worth"],
    "disappointed": ["let down", "dissatisfied"],
    "poor": ["bad", "shoddy"],
    "cheap": ["flimsy", "shoddy"],
    "flimsy": ["fragile", "weak"],
    "broke": ["snapped", "gave out", "failed"],
    "failed": ["gave out", "died", "broke"],
    "waste": ["squandering", "loss"],
    "avoid": ["skip", "steer clear of"],
    "returned": ["sent back", "took back"],
    "cracked": ["broken", "split"],
    "badly": ["poorly", "sloppily"],
    "product": ["item", "purchase"],
    "bought": ["purchased", "got"],
    "price": ["cost"],
    "daily": ["everyday"],
    "quickly": ["fast", "rapidly"],
    "soon": ["early", "quickly"],
    "really": ["truly", "very"],
    "still": ["yet"],
}
PREAMBLE = re.compile(r"^\s*(sure|here|certainly|of course|rewrite|rewritten|paraphrase|i can|as an ai)\b", re.IGNORECASE)


def _match_case(word: str, replacement: str) -> str:
    """The replacement, capitalised like the word it replaces."""
    return replacement[0].upper() + replacement[1:] if word[:1].isupper() else replacement


def synonym_replace(text: str, rng: random.Random, rate: float = 0.5, table: Mapping[str, Sequence[str]] = SYNONYMS) -> str:
    """The text with about `rate` of its table words swapped for a synonym (case kept, other words untouched)."""

    def swap(match: re.Match) -> str:
        word = match.group()
        options = table.get(word.lower())
        return _match_case(word, rng.choice(list(options))) if options and rng.random() < rate else word

    return re.sub(r"[A-Za-z]+", swap, text)


def replace_prompt(row: Mapping, transform) -> dict:
    """A copy of a chat or prompt/completion row whose user text went through `transform`."""
    row = copy.deepcopy(dict(row))
    if "messages" in row:
        for message in row["messages"]:
            if message["role"] == "user":
                message["content"] = transform(message["content"])
    else:
        row["prompt"] = transform(row["prompt"])
    return row


def synonym_rows(rows: Sequence[Mapping], copies: int, seed: int = 0, rate: float = 0.5) -> list[dict]:
    """`copies` synonym-replaced variants of each row that differ from it (rows with no table word add none)."""
    rng = random.Random(seed)
    out = []
    for row in rows:
        variants = {row_text(replace_prompt(row, lambda t: synonym_replace(t, rng, rate))).prompt for _ in range(copies * 3)}
        variants.discard(row_text(row).prompt)
        for text in sorted(variants)[:copies]:
            out.append(replace_prompt(row, lambda _t, text=text: text))
    return out


@dataclass
class ParaphraseReport:
    """Accepted paraphrase rows and why every rejected one was rejected."""

    rows: list[dict]
    rejected: Counter = field(default_factory=Counter)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (source, paraphrase, verdict)


def paraphrase_problem(source: str, candidate: str, keep: Sequence[str] = (), min_ratio: float = 0.5, max_ratio: float = 2.0) -> str | None:
    """Why a paraphrase is unusable (None when it passes): empty, a chat preamble, wrong length, a copy, or lost facts."""
    if not candidate.strip():
        return "empty"
    if PREAMBLE.match(candidate):
        return "preamble"
    ratio = len(candidate.split()) / max(len(source.split()), 1)
    if not min_ratio <= ratio <= max_ratio:
        return "length"
    similarity = jaccard(set(words(source)), set(words(candidate)))
    if similarity > 0.8:
        return "copy"
    if similarity < 0.15 or any(term.lower() not in candidate.lower() for term in keep):
        return "drift"  # a different topic, or the brand/product it reviews is gone
    return None


def paraphrase_rows(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    rows: Sequence[Mapping],
    keep_fields: Sequence[str] = (),
    prefix: str = "Review: ",
    max_new_tokens: int = 64,
) -> ParaphraseReport:
    """Ask the model to rewrite each row's user text, keep the answer, and filter the results (`paraphrase_problem`)."""
    sources = [row_text(row).prompt.removeprefix(prefix) for row in rows]
    requests = [
        [{"role": "user", "content": f"Rewrite this product review in different words. Keep the opinion. Reply with the review only.\n\n{text}"}]
        for text in sources
    ]
    outputs = generate(model, tokenizer, requests, max_new_tokens=max_new_tokens, description="paraphrasing")
    report = ParaphraseReport(rows=[])
    for row, source, output in zip(rows, sources, outputs):
        candidate = output.strip().strip('"')
        problem = paraphrase_problem(source, candidate, [str(row[f]) for f in keep_fields if f in row])
        if problem:
            report.rejected[problem] += 1
        else:
            report.rows.append(replace_prompt(row, lambda _t, c=candidate: prefix + c))
        report.examples.append((source, candidate, problem or "kept"))
    return report


def letter_swaps(text: str, rng: random.Random, rate: float = 0.12, protect: Collection[str] = ()) -> str:
    """Hurried typing: two adjacent inner letters swapped in about `rate` of the all-letter words of five or more
    letters; the first and last letters stay, and the words in `protect` (case aside) are never changed."""
    protected = {word.lower() for word in protect}
    words_ = text.split(" ")
    for index, word in enumerate(words_):
        if len(word) > 4 and word.isalpha() and word.lower() not in protected and rng.random() < rate:
            cut = rng.randrange(1, len(word) - 2)
            words_[index] = word[:cut] + word[cut + 1] + word[cut] + word[cut + 2 :]
    return " ".join(words_)


def swap_term(row: Mapping, old: str, new: str) -> dict:
    """A copy of the row with every `old` in its user text replaced by `new` (a counterfactual twin)."""
    return replace_prompt(row, lambda text: text.replace(old, new))


def counterfactual_rows(
    rows: Sequence[Mapping], term_field: str, spurious: str, alternatives: Sequence[str], seed: int = 0
) -> list[dict]:
    """Twins that break a spurious term's link to one answer.

    Each row carrying the spurious term gets a twin with another term, and as many rows with another term and a
    different answer get a twin with the spurious term. Answers are unchanged: the term never decided them.
    """
    rng = random.Random(seed)
    with_term = [row for row in rows if row.get(term_field) == spurious]
    if not with_term:
        return []
    usual = Counter(row_text(row).answer for row in with_term).most_common(1)[0][0]
    others = [row for row in rows if row.get(term_field) not in (None, spurious) and row_text(row).answer != usual]
    twins = [dict(swap_term(row, spurious, new), **{term_field: new}) for row, new in ((r, rng.choice(alternatives)) for r in with_term)]
    for row in rng.sample(others, min(len(with_term), len(others))):
        twins.append(dict(swap_term(row, row[term_field], spurious), **{term_field: spurious}))
    return twins
