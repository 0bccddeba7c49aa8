"""Rows that copy a reference (test) row: most of their word n-grams occur in one reference prompt."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from ftkit.data_quality.text import shingles


def leaked_rows(
    prompts: Mapping[int, str], reference_prompts: Sequence[str], reference_names: Sequence[str], n: int = 8, threshold: float = 0.5
) -> dict[int, str]:
    """Row -> note for rows sharing at least `threshold` of their n-grams with one reference prompt.

    Overlap is counted per reference row, not against all of them pooled: pooled, rows written from common
    phrases would match pieces of many different test rows.
    """
    rows_with: dict[str, list[int]] = defaultdict(list)  # n-gram -> reference rows holding it
    for index, prompt in enumerate(reference_prompts):
        for gram in shingles(prompt, n):
            rows_with[gram].append(index)
    found: dict[int, str] = {}
    if not rows_with:
        return found
    for row, prompt in prompts.items():
        grams = shingles(prompt, n)
        shared = Counter(index for gram in grams for index in rows_with.get(gram, ()))
        if grams and shared:
            index, hits = shared.most_common(1)[0]
            if hits / len(grams) >= threshold:
                found[row] = f"{hits / len(grams):.0%} of {n}-grams in {reference_names[index]}"
    return found
