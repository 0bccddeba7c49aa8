"""Reading hand-made validation-loss curves: a U-shape, a plateau, a steadily falling curve."""

import pytest

from ftkit.history import PLATEAU, STILL_FALLING, TURNED_UP, generalisation_gap, loss_points, read_validation_curve, early_stopping_step

U_SHAPE = [(2, 2.0), (4, 1.4), (6, 1.1), (8, 1.0), (10, 1.2), (12, 1.6), (14, 2.1)]
PLATEAU_CURVE = [(2, 2.0), (4, 1.5), (6, 1.21), (8, 1.2), (10, 1.205), (12, 1.2), (14, 1.202)]
FALLING = [(2, 2.0), (4, 1.8), (6, 1.6), (8, 1.4), (10, 1.2), (12, 1.0), (14, 0.8)]


def test_u_shaped_curve_is_reported_as_turned_up_at_its_minimum():
    report = read_validation_curve(U_SHAPE)
    assert report.verdict == TURNED_UP and report.turned_up
    assert (report.best_step, report.best_loss) == (8, 1.0)
    assert report.final_step == 14 and report.rise == pytest.approx(1.1)
    assert report.evaluations == 7 and report.evaluations_after_best == 3
    assert "turned up" in report.summary() and "step 8" in report.summary()


def test_plateau_is_not_reported_as_a_turn():
    report = read_validation_curve(PLATEAU_CURVE)
    assert report.verdict == PLATEAU and not report.turned_up
    assert report.best_step == 8 and report.rise == pytest.approx(0.002)


def test_steadily_falling_curve_has_its_best_at_the_last_evaluation():
    report = read_validation_curve(FALLING)
    assert report.verdict == STILL_FALLING and not report.turned_up
    assert (report.best_step, report.best_loss) == (14, 0.8)
    assert report.rise == 0.0 and report.evaluations_after_best == 0


def test_min_rise_sets_how_large_a_rise_counts_as_a_turn():
    small_rise = [(1, 1.0), (2, 0.9), (3, 0.93)]
    assert read_validation_curve(small_rise, min_rise=0.05).verdict == PLATEAU
    assert read_validation_curve(small_rise, min_rise=0.01).verdict == TURNED_UP


def test_trainer_log_history_is_read_by_key_skipping_training_rows():
    history = [
        {"step": 1, "loss": 2.5},
        {"step": 2, "loss": 2.0, "eval_loss": 1.7},  # a row can hold both
        {"step": 3, "loss": 1.5},
        {"step": 4, "eval_loss": 1.3},
        {"step": 6, "eval_loss": 1.9},
        {"step": 6, "train_runtime": 1.0},
    ]
    assert loss_points(history) == [(2, 1.7), (4, 1.3), (6, 1.9)]
    report = read_validation_curve(history)
    assert report.best_step == 4 and report.turned_up


def test_first_step_of_a_tied_minimum_is_the_best_step():
    assert read_validation_curve([(1, 2.0), (2, 1.0), (3, 1.0), (4, 1.5)]).best_step == 2


def test_too_short_or_malformed_history_raises_a_clear_error():
    with pytest.raises(ValueError, match="at least two evaluations"):
        read_validation_curve([{"step": 1, "eval_loss": 1.0}, {"step": 1, "loss": 2.0}])
    with pytest.raises(ValueError, match=r"history\[1\]"):
        loss_points([(1, 1.0), "oops"])


def test_generalisation_gap_is_validation_minus_training_loss():
    assert generalisation_gap(2.5, 0.5) == pytest.approx(2.0)


def test_early_stopping_replay_stops_where_the_callback_would():
    history = [{"step": 4 * (i + 1), "eval_loss": loss} for i, loss in enumerate([3.0, 2.0, 2.5, 1.9, 2.0, 2.1, 1.0])]
    # patience 2: the miss at step 12 is forgiven by the new best at 16; steps 20 and 24 use the patience up.
    assert early_stopping_step(history, patience=2) == 24
    assert early_stopping_step(history, patience=3) == 28  # never stopped: the last evaluation
    # threshold 0.2: 1.9 does not beat 2.0 by more than 0.2, so 12, 16 are misses and the run stops at 16.
    assert early_stopping_step(history, patience=2, threshold=0.2) == 16
    # A small gain still becomes the best (as in the Trainer): 2.75 is measured against 2.9, not 3.0, and is a miss.
    creeping = [{"step": step, "eval_loss": loss} for step, loss in [(1, 3.0), (2, 2.9), (3, 2.75), (4, 2.7)]]
    assert early_stopping_step(creeping, patience=3, threshold=0.2) == 4


def test_early_stopping_replay_needs_a_patience_and_evaluations():
    with pytest.raises(ValueError, match="patience"):
        early_stopping_step([{"step": 1, "eval_loss": 1.0}], patience=0)
    with pytest.raises(ValueError, match="no 'eval_loss'"):
        early_stopping_step([{"step": 1, "loss": 1.0}], patience=1)
