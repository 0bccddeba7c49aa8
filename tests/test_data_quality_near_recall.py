"""Near-duplicates at the documented threshold: pairs with word 3-gram Jaccard 0.70-0.80 are found (recall >= 0.95)."""

from __future__ import annotations

import random

from ftkit.data_quality import audit
from ftkit.data_quality.duplicates import bands_for_recall

VOCABULARY = ("river stone lamp garden window paper orange silver quiet morning letter bridge market candle "
              "forest ladder mirror pocket harbor basket meadow thread kettle saddle lantern violet pebble "
              "shadow willow copper feather blanket cottage engine tunnel pillow marble velvet anchor").split()


def grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def pair(rng: random.Random) -> tuple[list[str], list[str], float]:
    """A prompt of distinct-enough words and a copy with two words replaced far apart: Jaccard about 0.7-0.8."""
    while True:
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(36, 60))]
        copy = list(words)
        for position in (len(words) // 4, 3 * len(words) // 4):
            copy[position] = rng.choice([w for w in VOCABULARY if w != words[position]])
        a, b = grams(words), grams(copy)
        similarity = len(a & b) / len(a | b)
        if 0.70 <= similarity <= 0.80:
            return words, copy, similarity


def test_lsh_bands_propose_a_pair_at_the_threshold_at_least_95_in_100():
    bands, rows = bands_for_recall(0.7, 128)
    assert (bands, rows) == (25, 5)  # 1 - (1 - 0.7**5)**25 = 0.990


def test_pairs_between_jaccard_0_7_and_0_8_are_found_at_least_95_in_100():
    rng = random.Random(36)
    rows, copies = [], []
    for index in range(60):
        words, copy, _ = pair(rng)
        rows.append({"id": f"p{index}", "prompt": " ".join(words), "completion": "Noted."})
        rows.append({"id": f"c{index}", "prompt": " ".join(copy), "completion": "Noted."})
        copies.append(f"c{index}")
    found = set(audit(rows).findings["near_duplicate"])
    assert len(found & set(copies)) >= 57  # 0.95 of 60
    assert not any(row_id.startswith("p") for row_id in found)
