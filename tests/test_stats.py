"""Intervals against published values and independent formulas; bootstrap behaviour on constructed pairs."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from ftkit.stats import (
    Estimate,
    bootstrap_mean,
    bootstrap_statistic,
    estimates_table,
    paired_bootstrap_difference,
    rate,
    rate_from_counts,
    wilson_interval,
)

# 95% Wilson score intervals, worked by hand from (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964;
# 81/263 and 15/148 are also in Newcombe (1998), Statistics in Medicine 17:857, Table II (method 3).
PUBLISHED_WILSON_95 = {
    (0, 20): (0.0, 0.1611),
    (19, 20): (0.7639, 0.9911),
    (10, 20): (0.2993, 0.7007),
    (81, 263): (0.2553, 0.3662),
    (15, 148): (0.0624, 0.1605),
}


@pytest.mark.parametrize("counts", PUBLISHED_WILSON_95, ids=lambda c: f"{c[0]}of{c[1]}")
def test_wilson_interval_matches_published_values(counts):
    low, high = wilson_interval(*counts)
    assert low == pytest.approx(PUBLISHED_WILSON_95[counts][0], abs=5e-5)
    assert high == pytest.approx(PUBLISHED_WILSON_95[counts][1], abs=5e-5)


def test_wilson_interval_for_no_successes_is_zero_to_z2_over_n_plus_z2():
    # With k = 0 the Wilson bounds reduce to [0, z²/(n + z²)].
    z2 = 1.959964**2
    assert wilson_interval(0, 38) == (0.0, pytest.approx(z2 / (38 + z2), abs=1e-6))


def test_wilson_interval_is_exactly_zero_and_one_at_the_edges():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    # All successes mirror no successes.
    assert wilson_interval(20, 20)[0] == pytest.approx(1 - 0.1611, abs=5e-5)


def test_wilson_interval_widens_with_confidence():
    assert wilson_interval(10, 20, confidence=0.99)[0] == pytest.approx(0.2504, abs=5e-4)  # z = 2.5758, by hand


@pytest.mark.parametrize("successes, n", [(0, 0), (-1, 5), (6, 5)])
def test_wilson_interval_rejects_impossible_counts(successes, n):
    with pytest.raises(ValueError, match="n"):
        wilson_interval(successes, n)


def test_wilson_interval_rejects_fractional_counts():
    with pytest.raises(TypeError, match="whole numbers"):
        wilson_interval(2.5, 10)


def test_rate_counts_true_outcomes_and_carries_the_wilson_interval():
    estimate = rate([True] * 19 + [False])
    assert (estimate.point, estimate.n, estimate.kind) == (0.95, 20, "wilson")
    assert estimate.low == pytest.approx(0.7639, abs=5e-5)
    assert estimate.high == pytest.approx(0.9911, abs=5e-5)


def test_rate_rejects_values_other_than_zero_and_one():
    with pytest.raises(ValueError, match="item 2 is 2"):
        rate([1, 0, 2])


def test_rate_of_no_items_is_an_error():
    with pytest.raises(ValueError, match="at least one item"):
        rate([])


def test_rate_from_counts_equals_rate_of_outcomes():
    assert rate_from_counts(3, 8) == rate([1, 1, 1, 0, 0, 0, 0, 0])


def test_paired_bootstrap_of_identical_scores_is_exactly_zero():
    scores = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1]
    assert paired_bootstrap_difference(scores, scores) == Estimate(0.0, 0.0, 0.0, 10, "paired bootstrap")


def test_paired_bootstrap_of_equally_good_models_contains_zero():
    # Same accuracy (0.5), right on different items.
    a = [1, 0] * 20
    b = [0, 1] * 20
    estimate = paired_bootstrap_difference(a, b)
    assert estimate.point == 0.0
    assert estimate.low < 0.0 < estimate.high


def test_paired_bootstrap_of_a_model_better_on_every_item_is_strictly_positive():
    rng = np.random.default_rng(1)
    naive_loss = rng.uniform(1.0, 3.0, size=25)
    fixed_loss = naive_loss - rng.uniform(0.05, 0.5, size=25)  # lower loss on every item
    estimate = paired_bootstrap_difference(naive_loss, fixed_loss)
    assert estimate.low > 0.05 - 1e-12  # no resampled mean can fall below the smallest per-item gain
    assert estimate.high <= 0.5
    assert estimate.point == pytest.approx(float(np.mean(naive_loss - fixed_loss)))


def test_paired_bootstrap_of_a_better_classifier_excludes_zero():
    # 0/1 scores: a is right on 30 of 40 items, b on 10 of them (a superset), so a wins 20 items and loses none.
    a = [1] * 30 + [0] * 10
    b = [1] * 10 + [0] * 30
    estimate = paired_bootstrap_difference(a, b)
    assert estimate.point == 0.5
    assert 0.3 < estimate.low < 0.5 < estimate.high < 0.7


def test_paired_bootstrap_interval_is_close_to_the_normal_approximation_for_many_items():
    # 200 items, differences +1 on 60, -1 on 20, 0 elsewhere: mean 0.2, sd 0.6, normal 95% half-width 1.96*0.6/sqrt(200).
    a = [1] * 60 + [0] * 20 + [1] * 60 + [0] * 60
    b = [0] * 60 + [1] * 20 + [1] * 60 + [0] * 60
    estimate = paired_bootstrap_difference(a, b)
    half = 1.96 * 0.6 / 200**0.5
    assert estimate.point == pytest.approx(0.2)
    assert estimate.low == pytest.approx(0.2 - half, abs=0.01)
    assert estimate.high == pytest.approx(0.2 + half, abs=0.01)


def test_paired_bootstrap_rejects_scores_of_different_items():
    with pytest.raises(ValueError, match="a has 3 values, b has 2"):
        paired_bootstrap_difference([1, 0, 1], [1, 0])


def test_bootstrap_rejects_non_finite_values():
    with pytest.raises(ValueError, match="item 1 is nan"):
        bootstrap_mean([0.5, float("nan")])


def test_bootstrap_is_reproducible_for_a_seed_and_varies_across_seeds():
    values = np.random.default_rng(0).normal(size=30)
    assert bootstrap_mean(values, seed=3) == bootstrap_mean(values, seed=3)
    assert paired_bootstrap_difference(values, values[::-1], seed=3) == paired_bootstrap_difference(values, values[::-1], seed=3)
    assert bootstrap_mean(values, seed=3).low != bootstrap_mean(values, seed=4).low


def test_bootstrap_mean_matches_the_normal_approximation_for_a_rate_of_one_half():
    # 100 items, half right: mean 0.5, sd 0.5, normal 95% half-width 1.96*0.5/sqrt(100) = 0.098.
    estimate = bootstrap_mean([1, 0] * 50)
    assert (estimate.point, estimate.n, estimate.kind) == (0.5, 100, "bootstrap")
    assert estimate.low == pytest.approx(0.402, abs=0.01)
    assert estimate.high == pytest.approx(0.598, abs=0.01)


def test_bootstraps_default_to_at_least_two_thousand_resamples():
    for function in (bootstrap_mean, paired_bootstrap_difference):
        assert inspect.signature(function).parameters["resamples"].default >= 2000


def test_estimate_formats_point_interval_and_n():
    estimate = Estimate(0.7123, 0.5799, 0.8234, 38)
    assert str(estimate) == "0.71 [0.58, 0.82] n=38"
    assert estimate.format(digits=3) == "0.712 [0.580, 0.823] n=38"
    assert Estimate(-0.04, -0.16, 0.08, 12).format(1) == "0.0 [-0.2, 0.1] n=12"  # no "-0.0"


def test_estimate_is_immutable():
    with pytest.raises(AttributeError):
        Estimate(0.5, 0.4, 0.6, 10).point = 0.9


def test_estimates_table_has_one_row_per_name_with_the_formatted_string():
    table = estimates_table({"naive": Estimate(0.25, 0.125, 0.5, 20), "fixed": Estimate(0.75, 0.5, 0.875, 20)})
    assert list(table.index) == ["naive", "fixed"]
    assert list(table.columns) == ["point", "low", "high", "n", "formatted"]
    assert table.loc["fixed", "formatted"] == "0.75 [0.50, 0.88] n=20"
    assert table.loc["naive", "low"] == 0.125
    assert table.loc["naive", "n"] == 20


def test_cluster_bootstrap_widens_the_interval_of_items_that_move_together():
    # Ten clusters of five identical items: really ten observations, not fifty.
    values = np.repeat(np.arange(10, dtype=float), 5)
    clusters = np.repeat(np.arange(10), 5)
    by_item = bootstrap_mean(values)
    by_cluster = bootstrap_mean(values, clusters=clusters)
    assert by_cluster.point == by_item.point == 4.5 and by_cluster.kind == "cluster bootstrap"
    assert (by_cluster.high - by_cluster.low) > 1.8 * (by_item.high - by_item.low)  # about sqrt(5) wider
    single = bootstrap_mean(np.arange(10, dtype=float))  # one item a cluster: the items' own interval
    assert bootstrap_mean(np.arange(10, dtype=float), clusters=np.arange(10)).low == pytest.approx(single.low, abs=0.3)


def test_paired_cluster_bootstrap_keeps_pairs_and_checks_labels():
    a, b = np.array([3.0, 3.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0, 1.0])
    estimate = paired_bootstrap_difference(a, b, clusters=["x", "x", "y", "y"])
    assert estimate.point == 1.0 and estimate.kind == "paired cluster bootstrap"
    assert {estimate.low, estimate.high} <= {0.0, 1.0, 2.0}  # a resample holds clusters x and y whole
    with pytest.raises(ValueError, match="one label per item"):
        bootstrap_mean([1.0, 2.0], clusters=["x"])


def test_bootstrap_statistic_keeps_each_items_columns_together():
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    # Every prediction right: every resample keeps label and prediction together, so accuracy is 1 in all of them.
    accuracy = bootstrap_statistic(lambda y, p: float((y == p).mean()), labels, labels.copy(), resamples=200)
    assert (accuracy.point, accuracy.low, accuracy.high, accuracy.n) == (1.0, 1.0, 1.0, 8)


def test_bootstrap_statistic_point_is_the_statistic_of_all_items_and_the_interval_brackets_it():
    values = np.arange(20, dtype=float)
    estimate = bootstrap_statistic(lambda v: float(np.median(v)), values, resamples=500, seed=3)
    assert estimate.point == 9.5
    assert estimate.low < 9.5 < estimate.high and 0 <= estimate.low and estimate.high <= 19


def test_bootstrap_statistic_rejects_columns_of_different_lengths():
    with pytest.raises(ValueError, match="one value per item"):
        bootstrap_statistic(lambda a, b: 0.0, [1, 2, 3], [1, 2])
