"""Kendall's tau within groups, the group bootstrap and the Bradley-Terry fit, on hand-checkable cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ftkit.agreement import bradley_terry, group_bootstrap, kendall_tau_by_group, kendall_tau_interval, kendall_tau_within


def test_tau_is_one_when_the_metric_orders_every_group_as_people_do():
    groups = ["a"] * 3 + ["b"] * 3
    assert kendall_tau_within([1, 2, 3, 10, 20, 30], [1, 2, 3, 4, 5, 6], groups) == pytest.approx(1.0)


def test_tau_averages_groups_so_one_reversed_group_cancels_one_agreeing_group():
    groups = ["a"] * 3 + ["b"] * 3
    assert kendall_tau_within([1, 2, 3, 3, 2, 1], [1, 2, 3, 1, 2, 3], groups) == pytest.approx(0.0)


def test_tau_ignores_the_scale_across_groups():
    # Pooled over all six items the metric would look perfect; within each group it is exactly reversed.
    groups = ["a"] * 3 + ["b"] * 3
    assert kendall_tau_within([3, 2, 1, 30, 20, 10], [1, 2, 3, 4, 5, 6], groups) == pytest.approx(-1.0)


def test_tau_skips_a_group_whose_ratings_are_all_tied():
    groups = ["a"] * 3 + ["b"] * 3
    assert kendall_tau_within([1, 2, 3, 1, 2, 3], [1, 2, 3, 4, 4, 4], groups) == pytest.approx(1.0)


def test_tau_refuses_when_no_group_has_an_order():
    with pytest.raises(ValueError, match="undefined"):
        kendall_tau_within([1, 1], [1, 2], ["a", "a"])


def test_tau_interval_is_degenerate_when_every_group_agrees_perfectly():
    groups = np.repeat(np.arange(6), 3)
    scores = np.tile([1.0, 2.0, 3.0], 6)
    estimate = kendall_tau_interval(scores, scores, groups, resamples=200)
    assert (estimate.point, estimate.low, estimate.high, estimate.n) == (1.0, 1.0, 1.0, 6)


def test_group_bootstrap_resamples_whole_groups():
    # Group means are 0 and 10; a resample holds 0, 1 or 2 copies of group 1, so the mean of the items is 0, 5 or 10.
    values = np.array([0.0, 0.0, 10.0, 10.0])
    estimate = group_bootstrap(lambda items, labels: float(values[items].mean()), [0, 0, 1, 1], resamples=500)
    assert estimate.point == 5.0
    assert estimate.low == 0.0 and estimate.high == 10.0
    assert estimate.n == 2


def test_bradley_terry_recovers_the_win_probability_of_a_two_item_comparison():
    # a beats b 3 times in 4; with no prior the fit gives P(a beats b) = 3/4, i.e. s_a - s_b = log 3.
    strengths = bradley_terry(["a", "a", "a", "b"], ["b", "b", "b", "a"], prior=1e-9)
    assert strengths["a"] - strengths["b"] == pytest.approx(math.log(3), abs=1e-4)
    assert strengths["a"] + strengths["b"] == pytest.approx(0.0)


def test_bradley_terry_orders_a_transitive_tournament_and_keeps_an_unbeaten_item_finite():
    winners, losers = ["a", "a", "b"], ["b", "c", "c"]
    strengths = bradley_terry(winners, losers)
    assert strengths["a"] > strengths["b"] > strengths["c"]
    assert all(math.isfinite(value) for value in strengths.values())


def test_bradley_terry_refuses_a_self_comparison():
    with pytest.raises(ValueError, match="cannot beat itself"):
        bradley_terry(["a"], ["a"])


def test_tau_by_group_names_each_group_with_an_order():
    groups = ["a"] * 3 + ["b"] * 3
    assert kendall_tau_by_group([1, 2, 3, 1, 1, 1], [3, 2, 1, 1, 2, 3], groups) == {"a": pytest.approx(-1.0)}


def test_bradley_terry_takes_numpy_arrays_of_names():
    strengths = bradley_terry(np.array(["a", "a", "b"]), np.array(["b", "c", "c"]))
    assert strengths["a"] > strengths["b"] > strengths["c"]
