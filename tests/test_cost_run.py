"""Notebook 03's method runs: the learning rates it uses are the ones its recorded sweep chose."""

from pathlib import Path

import pandas as pd
import pytest

from curriculum.cost_run import SWEPT_RATES

SWEEP_CSV = Path(__file__).resolve().parent.parent / "results" / "sweeps" / "03_compute_cost_qlora.csv"
QUANTITY = "held-out loss, mean of seeds"


def test_swept_rates_are_the_recorded_sweeps_lowest_mean_loss():
    recorded = pd.read_csv(SWEEP_CSV).iloc[0]
    losses: dict[str, dict[float, float]] = {}
    for column, value in recorded.items():  # "<method> | <rate> | <quantity>", unrounded
        if column.count(" | ") == 2 and column.endswith(f" | {QUANTITY}"):
            method, rate, _ = column.split(" | ")
            losses.setdefault(method, {})[float(rate)] = float(value)
    assert set(losses) == set(SWEPT_RATES)
    for method, rate in SWEPT_RATES.items():
        assert len(losses[method]) == 3, f"{method}: the sweep has three rates"
        chosen = min(losses[method], key=losses[method].get)
        assert rate == pytest.approx(chosen, rel=1e-4), f"{method}: SWEPT_RATES {rate:g}, the sweep chose {chosen:g}"
