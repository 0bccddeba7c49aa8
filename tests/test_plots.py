"""The shared figures draw what they are given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from ftkit.plots import plot_grouped_bars, plot_loss_curves  # noqa: E402


def test_loss_curves_draw_one_line_per_series_and_mark_the_minimum():
    ax = plot_loss_curves({"train": [(1, 3.0), (2, 2.0)], "eval": [(1, 2.5), (2, 2.2), (3, 2.4)]}, mark_minimum="eval")
    assert len(ax.get_lines()) == 3  # two series + the minimum marker
    assert "min 2.20 @ step 2" in [text.get_text() for text in ax.texts]


def test_grouped_bars_have_one_bar_per_group_and_series():
    ax = plot_grouped_bars({"base": {"probe": 1.0, "domain": 0.1}, "tuned": {"probe": 0.2, "domain": 0.9}})
    heights = sorted(round(patch.get_height(), 2) for patch in ax.patches)
    assert heights == [0.1, 0.2, 0.9, 1.0]
