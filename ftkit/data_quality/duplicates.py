"""Exact and near-duplicate rows, each pointed at the row that is kept.

Rows are visited in a given order (the audit puts rows without defects first), so the kept copy of a group is
always the best one there is, and a good row never goes because an earlier, defective copy of it was dropped.

Near-duplicates: MinHash signatures of each prompt's token 3-grams, made with the permutations of a datasketch
`MinHash` and banded for recall: the (bands, rows) that propose a pair at the threshold with probability at least
0.95 (datasketch's `MinHashLSH` weighs misses and extra candidates alike, and proposes a pair at 0.7 with
probability 0.44), propose candidates; the exact Jaccard similarity, equal signed numbers and names, and matching answers decide. Signatures
and buckets are computed for all rows at once with numpy: per-row `MinHash.update_batch` and `MinHashLSH.insert`
/`query` cost about 100 µs a row, the whole budget of a 100k-row audit.
"""

from __future__ import annotations

from collections import defaultdict, deque
from itertools import chain, count
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from ftkit.data_quality.formats import Sample
from ftkit.data_quality.markup import remove_tags
from ftkit.data_quality.text import jaccard, same_numbers_and_names, tokens

NGRAM = 3  # word 3-grams: small edits (case, punctuation, a word added) keep most of them
MAX_CANDIDATES = 16  # per row, the candidates sharing the most LSH bands; keeps templated sets linear
BUCKET_MEMORY = 32  # kept rows remembered per LSH bucket, most recent first
CHUNK_GRAMS = 1 << 10  # grams per numpy block: 1024 x 128 perms x 4 B = 512 kB stays in cache (3x faster than 64k)
PAD = 0  # token id that pads prompts shorter than NGRAM tokens
RECALL_AT_THRESHOLD = 0.95  # a pair exactly at the threshold is proposed at least this often; pairs above it, more


def comparable(text: str) -> str:
    """The text as near-duplicate checks compare it: HTML tags left by scraping do not count as words."""
    return remove_tags(text)


def exact_duplicates(keys: Mapping[int, Hashable], order: Sequence[int]) -> dict[int, int]:
    """Row -> the row kept for it, for rows whose key was already seen earlier in `order`."""
    first: dict[Hashable, int] = {}
    found = {}
    for row in order:
        if keys[row] in first:
            found[row] = first[keys[row]]
        else:
            first[keys[row]] = row
    return found


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (the pre-mix datasketch applies to input hashes before permuting them)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def gram_hashes(token_ids: Sequence[Sequence[int]]) -> list[np.ndarray]:
    """Per row, the uint32 hashes of its token-id 3-grams (rows shorter than 3 tokens are padded)."""
    lengths = np.fromiter((len(ids) for ids in token_ids), dtype=np.int64, count=len(token_ids))
    flat = np.fromiter(chain.from_iterable(token_ids), dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate([[0], np.cumsum(lengths)])
    if len(flat) < NGRAM:
        return [np.empty(0, dtype=np.uint32) for _ in token_ids]
    # A gram at k is inside one row when k + 2 is still in that row; the first k of row i is starts[i].
    grams = flat[:-2] * np.uint64(0x9E3779B97F4A7C15) + flat[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F) + flat[2:]
    grams = (grams ^ (grams >> np.uint64(29))) * np.uint64(0xBF58476D1CE4E5B9)
    grams = (grams >> np.uint64(32)).astype(np.uint32)
    return [grams[starts[i] : starts[i + 1] - (NGRAM - 1)] for i in range(len(token_ids))]


def signatures(hashes: Sequence[np.ndarray], num_perm: int) -> np.ndarray:
    """[rows, num_perm] MinHash values, equal to datasketch's `MinHash(num_perm).update_batch(hashes)` per row."""
    from datasketch import MinHash  # imported here: datasketch loads scipy (0.7 s), which `ftkit audit --help` need not

    a, b = MinHash(num_perm=num_perm).permutations  # datasketch's affine32 permutations (seed 1)
    out = np.full((len(hashes), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)  # an empty set keeps the maximum
    row = 0
    while row < len(hashes):
        end, total = row, 0
        while end < len(hashes) and (end == row or total + len(hashes[end]) <= CHUNK_GRAMS):
            total += len(hashes[end])
            end += 1
        flat = fmix32(np.concatenate(hashes[row:end]))
        if end - row == 1:  # one long row: reduce its grams block by block
            minimum = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
            for start in range(0, len(flat), CHUNK_GRAMS):
                block = flat[start : start + CHUNK_GRAMS, None] * a[None, :] + b[None, :]
                minimum = np.minimum(minimum, block.min(axis=0))
            out[row] = minimum
        else:
            offsets = np.concatenate([[0], np.cumsum([len(h) for h in hashes[row : end - 1]])])
            reduced = np.minimum.reduceat(flat[:, None] * a[None, :] + b[None, :], offsets, axis=0)
            filled = np.array([len(h) > 0 for h in hashes[row:end]])  # reduceat gives an empty row its neighbour's value
            out[row:end][filled] = reduced[filled]
        row = end
    return out


def proposal_probability(similarity: float, bands: int, rows: int) -> float:
    """How often LSH with `bands` bands of `rows` values proposes a pair of this Jaccard similarity: 1 - (1 - s^r)^b."""
    return 1 - (1 - similarity**rows) ** bands


def bands_for_recall(threshold: float, num_perm: int, recall: float = RECALL_AT_THRESHOLD) -> tuple[int, int]:
    """(bands, rows per band): the longest bands (fewest extra candidates) that still propose a pair at the threshold
    with probability >= recall."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if proposal_probability(threshold, bands, rows) >= recall:
            return bands, rows
    return num_perm, 1


def band_buckets(signature: np.ndarray, threshold: float) -> np.ndarray:
    """[rows, bands] bucket numbers: two rows share a bucket when one band of their signatures is equal."""
    bands, rows = bands_for_recall(threshold, signature.shape[1])
    buckets = np.empty((signature.shape[0], bands), dtype=np.int64)
    for band in range(bands):
        # One 64-bit hash per band (a band of r 32-bit values); np.unique on it is far faster than on raw bytes.
        key = np.zeros(signature.shape[0], dtype=np.uint64)
        for column in range(band * rows, (band + 1) * rows):
            key = (key ^ signature[:, column].astype(np.uint64)) * np.uint64(0x100000001B3)
            key ^= key >> np.uint64(31)
        buckets[:, band] = np.unique(key, return_inverse=True)[1].ravel() + band * signature.shape[0]
    return buckets


def _answers_match(a: Sample, b: Sample, threshold: float) -> bool:
    """Same answers, or long answers with the same numbers and names and 3-gram Jaccard >= threshold."""
    if len(a.answers) != len(b.answers):
        return False
    for x, y in zip(a.answers, b.answers):
        x, y = comparable(x), comparable(y)
        tokens_x, tokens_y = tokens(x), tokens(y)
        if tokens_x == tokens_y:
            continue
        if min(len(tokens_x), len(tokens_y)) < 2 * NGRAM:  # short answers ("4", "positive") must be equal
            return False
        grams_x = {tuple(tokens_x[i : i + NGRAM]) for i in range(len(tokens_x) - NGRAM + 1)}
        grams_y = {tuple(tokens_y[i : i + NGRAM]) for i in range(len(tokens_y) - NGRAM + 1)}
        if jaccard(grams_x, grams_y) < threshold or not same_numbers_and_names(x, tokens_x, y, tokens_y):
            return False
    return True


def _prompt_grams(samples: Mapping[int, Sample], visit: Sequence[int]) -> tuple[dict[int, list[str]], list[np.ndarray]]:
    """Per row (in visiting order): its prompt tokens (its answers' when the prompt has none) and their 3-gram hashes."""
    vocabulary: defaultdict[str, int] = defaultdict(count(PAD + 1).__next__)  # token -> id, numbered as first seen
    token_lists, token_ids = {}, []
    for row in visit:
        sample = samples[row]
        found = tokens(comparable(sample.prompt)) or tokens(comparable(" ".join(sample.answers)))
        token_lists[row] = found
        ids = [vocabulary[token] for token in found]
        token_ids.append(ids + [PAD] * (NGRAM - len(ids)) if ids else ids)
    return token_lists, gram_hashes(token_ids)


def near_duplicates(
    samples: Mapping[int, Sample], order: Sequence[int], threshold: float = 0.7, num_perm: int = 128
) -> dict[int, tuple[int, float]]:
    """Row -> (kept row, prompt Jaccard) for rows whose prompt is near one visited earlier and whose answers match.

    Numbers keep their sign and names their identity: "Convert -2 °C" and "Convert 2 °C" are different rows, and
    templated prompts that differ in their slot are near-duplicates only when their answers match too.
    """
    visit = [row for row in order if row in samples]
    token_lists, hashes = _prompt_grams(samples, visit)
    with_grams = [i for i, h in enumerate(hashes) if len(h)]
    if len(with_grams) < 2:
        return {}
    buckets = band_buckets(signatures([hashes[i] for i in with_grams], num_perm), threshold)
    shared = np.bincount(buckets.ravel())[buckets] > 1  # a band no other row has can propose nothing
    index_of = {row: index for index, row in enumerate(visit)}
    gram_sets: dict[int, frozenset] = {}

    def gram_set(row: int) -> frozenset:
        if row not in gram_sets:
            gram_sets[row] = frozenset(hashes[index_of[row]].tolist())
        return gram_sets[row]

    def same_content(row: int, other: int) -> bool:
        a, b = samples[row], samples[other]
        return same_numbers_and_names(a.prompt, token_lists[row], b.prompt, token_lists[other]) and _answers_match(a, b, threshold)

    found: dict[int, tuple[int, float]] = {}
    kept_in: dict[int, deque] = {}  # bucket -> kept rows in it
    for position in np.flatnonzero(shared.any(axis=1)):
        row = visit[with_grams[position]]
        keys = buckets[position][shared[position]].tolist()
        votes: dict[int, int] = {}  # kept row -> bands it shares with this row
        for key in keys:
            for candidate in kept_in.get(key, ()):
                votes[candidate] = votes.get(candidate, 0) + 1
        best = None
        for candidate in sorted(votes, key=votes.__getitem__, reverse=True)[:MAX_CANDIDATES]:
            similarity = jaccard(gram_set(row), gram_set(candidate))
            if similarity >= threshold and (best is None or similarity > best[1]) and same_content(row, candidate):
                best = (candidate, similarity)
        if best:
            found[row] = best
            continue
        for key in keys:
            kept_in.setdefault(key, deque(maxlen=BUCKET_MEMORY)).append(row)
    return found
