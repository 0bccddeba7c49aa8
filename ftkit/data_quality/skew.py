"""Names that predict one answer far above its base rate: the usual carriers of a spurious signal."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ftkit.data_quality.text import MID_SENTENCE_NAME


@dataclass
class SkewedTerm:
    """A name that co-occurs with one answer far more than the answers' base rates predict."""

    term: str
    count: int
    answer: str
    share: float  # share of the term's rows with that answer
    base_share: float  # share of all rows with that answer


def skewed_terms(pairs: Iterable[tuple[str, str]], min_count: int = 15, min_share: float = 0.9) -> list[SkewedTerm]:
    """Mid-sentence names in (prompt, answer) pairs whose rows carry one answer at least `min_share` of the time."""
    pairs = [(prompt, answer.strip()) for prompt, answer in pairs]
    answers = Counter(answer for _, answer in pairs)
    by_term: dict[str, Counter] = defaultdict(Counter)
    for prompt, answer in pairs:
        for term in set(MID_SENTENCE_NAME.findall(prompt)):
            by_term[term][answer] += 1
    found = []
    for term, counter in by_term.items():
        count = sum(counter.values())
        answer, hits = counter.most_common(1)[0]
        base = answers[answer] / len(pairs)
        # Require the skew to be far from the base rate, so a term in a one-label dataset is not flagged.
        if count >= min_count and hits / count >= min_share and base <= 0.75:
            found.append(SkewedTerm(term, count, answer, hits / count, base))
    return sorted(found, key=lambda t: -t.count)
