"""Intervals for what the notebooks measure: Wilson for one rate, bootstrap over items for means and paired differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# The standard's default: 95% intervals, and enough resamples that the 2.5% and 97.5% percentiles are stable to
# about a hundredth of the interval's width.
DEFAULT_CONFIDENCE = 0.95
DEFAULT_RESAMPLES = 2000


@dataclass(frozen=True)
class Estimate:
    """A measured value with its interval and the number of items behind it; `kind` names how the interval was made."""

    point: float
    low: float
    high: float
    n: int
    kind: str = ""

    def format(self, digits: int = 2) -> str:
        """`0.71 [0.58, 0.82] n=38`, rounded to `digits` decimals (two: what a few dozen items support)."""
        point, low, high = (_rounded(value, digits) for value in (self.point, self.low, self.high))
        return f"{point} [{low}, {high}] n={self.n}"

    def __str__(self) -> str:
        return self.format()


def _rounded(value: float, digits: int) -> str:
    """`value` to `digits` decimals, without the minus sign of a value that rounds to zero ("-0.00")."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _z_for(confidence: float) -> float:
    """The two-sided standard-normal quantile for a confidence level (1.96 for 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for the rate successes/n; exact 0 and 1 at the edges (k=0, k=n)."""
    if isinstance(successes, bool) or isinstance(n, bool) or int(successes) != successes or int(n) != n:
        raise TypeError(f"successes and n must be whole numbers, got successes={successes!r}, n={n!r}")
    successes, n = int(successes), int(n)
    if n <= 0:
        raise ValueError(f"a rate needs at least one item, got n={n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, n], got successes={successes}, n={n}")
    z = _z_for(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At k=0 (k=n) the bound is 0 (1) in exact arithmetic; floating point leaves a 1e-17 residue otherwise.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return low, high


def rate_from_counts(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> Estimate:
    """The rate successes/n with its Wilson interval."""
    low, high = wilson_interval(successes, n, confidence)
    return Estimate(point=int(successes) / int(n), low=low, high=high, n=int(n), kind="wilson")


def rate(outcomes: Sequence[bool | int], confidence: float = DEFAULT_CONFIDENCE) -> Estimate:
    """The share of true outcomes (one 0/1 or bool per item) with its Wilson interval."""
    values = np.asarray(outcomes)
    if values.ndim != 1:
        raise ValueError(f"outcomes must be one value per item (1-D), got shape {values.shape}")
    if values.size and not np.isin(values, (0, 1)).all():
        bad = int(np.flatnonzero(~np.isin(values, (0, 1)))[0])
        raise ValueError(f"outcomes must be 0/1 or bool; item {bad} is {values[bad].item()!r}")
    return rate_from_counts(int(values.sum()), int(values.size), confidence)


def _per_item(values: Sequence[float], what: str) -> np.ndarray:
    """Per-item values as a 1-D float array; rejects empty, nested and non-finite input."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{what} must be one value per item (1-D), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} has no items")
    if not np.isfinite(array).all():
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"{what}: item {bad} is {array[bad]} (not finite)")
    return array


def _bootstrap_means(values: np.ndarray, resamples: int, seed: int, clusters: Sequence | None = None) -> np.ndarray:
    """Means of `resamples` resamples drawn with replacement: of items, or of whole clusters of items when given."""
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    rng = np.random.default_rng(seed)
    if clusters is None:
        indices = rng.integers(0, values.size, size=(resamples, values.size))
        return values[indices].mean(axis=1)
    labels = np.asarray(clusters)
    if labels.shape != values.shape:
        raise ValueError(f"clusters must give one label per item: {labels.size} labels for {values.size} items")
    _, cluster_of = np.unique(labels, return_inverse=True)
    # Items of one cluster (e.g. three variants of one order) are not independent: resample the clusters whole.
    sums = np.bincount(cluster_of, weights=values)
    counts = np.bincount(cluster_of).astype(float)
    chosen = rng.integers(0, sums.size, size=(resamples, sums.size))
    return sums[chosen].sum(axis=1) / counts[chosen].sum(axis=1)


def _percentile_interval(means: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central `confidence` share of the bootstrap means."""
    _z_for(confidence)  # validates the level
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def bootstrap_mean(
    values: Sequence[float],
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
    clusters: Sequence | None = None,
) -> Estimate:
    """Mean of per-item values (scores, losses) with a percentile bootstrap interval over items (or their `clusters`)."""
    array = _per_item(values, "values")
    low, high = _percentile_interval(_bootstrap_means(array, resamples, seed, clusters), confidence)
    kind = "bootstrap" if clusters is None else "cluster bootstrap"
    return Estimate(point=float(array.mean()), low=low, high=high, n=int(array.size), kind=kind)


def paired_bootstrap_difference(
    a: Sequence[float],
    b: Sequence[float],
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
    clusters: Sequence | None = None,
) -> Estimate:
    """mean(a) - mean(b) for two models scored on the same items, with a paired percentile bootstrap over items.

    `clusters` (one label per item) resamples whole clusters instead: items that share a source vary together.
    """
    first, second = _per_item(a, "a"), _per_item(b, "b")
    if first.size != second.size:
        raise ValueError(f"paired scores need the same items: a has {first.size} values, b has {second.size}")
    # Resampling the per-item differences keeps each item's pair together: item difficulty cancels out.
    differences = first - second
    low, high = _percentile_interval(_bootstrap_means(differences, resamples, seed, clusters), confidence)
    kind = "paired bootstrap" if clusters is None else "paired cluster bootstrap"
    return Estimate(point=float(differences.mean()), low=low, high=high, n=int(differences.size), kind=kind)


def bootstrap_statistic(
    statistic: Callable[..., float],
    *columns: Sequence,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
) -> Estimate:
    """`statistic(*columns)` (e.g. macro-F1 of labels and predictions) with a percentile bootstrap over items.

    Each column holds one value per item; a resample draws items with replacement and keeps each item's values
    together across columns.
    """
    arrays = [np.asarray(column) for column in columns]
    if not arrays or arrays[0].size == 0:
        raise ValueError("bootstrap_statistic needs at least one non-empty column")
    sizes = {array.shape[0] for array in arrays}
    if len(sizes) != 1:
        raise ValueError(f"every column must have one value per item; lengths are {sorted(sizes)}")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}")
    size = sizes.pop()
    rng = np.random.default_rng(seed)
    values = np.array([statistic(*(array[indices] for array in arrays))
                       for indices in rng.integers(0, size, size=(resamples, size))])
    low, high = _percentile_interval(values, confidence)
    return Estimate(point=float(statistic(*arrays)), low=low, high=high, n=size, kind="bootstrap")


def estimates_table(estimates: Mapping[str, Estimate], digits: int = 2) -> pd.DataFrame:
    """One row per named Estimate: point, low, high, n and the formatted `0.71 [0.58, 0.82] n=38`."""
    import pandas as pd  # deferred: only tables need pandas

    rows = {
        name: {"point": e.point, "low": e.low, "high": e.high, "n": e.n, "formatted": e.format(digits)}
        for name, e in estimates.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["point", "low", "high", "n", "formatted"])
