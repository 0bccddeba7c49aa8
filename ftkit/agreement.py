"""How far a metric agrees with people, and a ranking from pairwise preferences.

- `kendall_tau_within` (with `kendall_tau_by_group` and `kendall_tau_interval`): Kendall's tau-b (scipy) between a
  metric and human ratings inside each group (e.g. the candidate answers to one prompt), averaged over groups: it asks
  "does the metric order this prompt's answers as people do?", free of how hard each prompt is.
- `bradley_terry`: strengths from pairwise wins (Bradley & Terry 1952), fitted by Hunter's (2004) MM updates.
Intervals resample whole groups (`group_bootstrap`), since the answers to one prompt are not independent.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace

import numpy as np

from ftkit.stats import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, Estimate, bootstrap_mean


def kendall_tau_by_group(scores: Sequence[float], ratings: Sequence[float], groups: Sequence[Hashable]) -> dict[Hashable, float]:
    """Kendall's tau-b between scores and ratings inside each group; a group whose scores or ratings are all tied is left out."""
    from scipy.stats import kendalltau  # deferred: importing ftkit loads no scipy

    scores, ratings, groups = np.asarray(scores, dtype=float), np.asarray(ratings, dtype=float), np.asarray(groups)
    if not scores.shape == ratings.shape == groups.shape:
        raise ValueError(f"one score, rating and group per item: {scores.size}, {ratings.size}, {groups.size}")
    taus = {}
    for group in dict.fromkeys(groups.tolist()):
        member = groups == group
        if np.ptp(scores[member]) > 0 and np.ptp(ratings[member]) > 0:  # tau is undefined when one side has no order
            taus[group] = float(kendalltau(scores[member], ratings[member]).statistic)
    return taus


def kendall_tau_within(scores: Sequence[float], ratings: Sequence[float], groups: Sequence[Hashable]) -> float:
    """Mean over groups of Kendall's tau-b between scores and ratings (`kendall_tau_by_group`)."""
    taus = kendall_tau_by_group(scores, ratings, groups)
    if not taus:
        raise ValueError("no group has both scores and ratings that differ: tau is undefined")
    return float(np.mean(list(taus.values())))


def group_bootstrap(
    statistic: Callable[[np.ndarray, np.ndarray], float],
    groups: Sequence[Hashable],
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
) -> Estimate:
    """`statistic(item indices, their group labels)` with a percentile interval from resampling whole groups.

    A resampled group keeps all its items; a group drawn twice enters twice, under a new label, so statistics
    computed within groups see two groups.
    """
    labels = np.asarray(groups)
    names = list(dict.fromkeys(labels.tolist()))
    members = [np.flatnonzero(labels == name) for name in names]
    rng = np.random.default_rng(seed)
    values = [statistic(np.concatenate([members[g] for g in draw]), np.repeat(np.arange(len(draw)), [members[g].size for g in draw]))
              for draw in rng.integers(0, len(names), size=(resamples, len(names)))]
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    point = statistic(np.arange(labels.size), np.unique(labels, return_inverse=True)[1])
    return Estimate(point=float(point), low=float(low), high=float(high), n=len(names), kind="group bootstrap")


def kendall_tau_interval(scores: Sequence[float], ratings: Sequence[float], groups: Sequence[Hashable],
                         resamples: int = DEFAULT_RESAMPLES, seed: int = 0) -> Estimate:
    """`kendall_tau_within` with a bootstrap interval over groups (n counts the groups with a defined tau).

    The statistic is a mean of per-group values, so resampling groups is resampling their taus.
    """
    taus = kendall_tau_by_group(scores, ratings, groups)
    if not taus:
        raise ValueError("no group has both scores and ratings that differ: tau is undefined")
    return replace(bootstrap_mean(list(taus.values()), resamples=resamples, seed=seed), kind="bootstrap over groups")


def bradley_terry(winners: Sequence[Hashable], losers: Sequence[Hashable], prior: float = 0.5,
                  iterations: int = 500, tolerance: float = 1e-10) -> dict[Hashable, float]:
    """Log-strengths (mean zero) from pairwise outcomes: P(i beats j) = 1 / (1 + exp(s_j - s_i)).

    `prior` adds that many virtual wins and losses against a virtual item of strength 1 (log-strength 0), so an
    item that never won (or never lost) still gets a finite strength.
    """
    if len(winners) != len(losers):
        raise ValueError(f"one loser per winner: {len(winners)} winners, {len(losers)} losers")
    if len(winners) == 0:
        raise ValueError("no comparisons to fit")
    if any(w == l for w, l in zip(winners, losers)):
        raise ValueError("an item cannot beat itself")
    if prior <= 0:
        raise ValueError(f"prior must be positive (it keeps every strength finite), got {prior}")
    items = list(dict.fromkeys([*winners, *losers]))
    index = {item: k for k, item in enumerate(items)}
    size = len(items)
    games = np.zeros((size, size))  # games[i, j]: comparisons between i and j
    wins = np.full(size, prior)
    for winner, loser in zip(winners, losers):
        i, j = index[winner], index[loser]
        games[i, j] += 1
        games[j, i] += 1
        wins[i] += 1
    strength = np.ones(size)
    for _ in range(iterations):
        # Hunter's MM step; the virtual item (strength 1) plays 2·prior games against each item.
        denominator = (games / (strength[:, None] + strength[None, :])).sum(axis=1) + 2 * prior / (strength + 1)
        updated = wins / denominator
        done = np.max(np.abs(np.log(updated) - np.log(strength))) < tolerance
        strength = updated
        if done:
            break
    log_strength = np.log(strength)
    return {item: float(value) for item, value in zip(items, log_strength - log_strength.mean())}
