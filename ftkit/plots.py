"""Figures the notebooks share: loss curves and grouped bar comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def plot_loss_curves(
    curves: Mapping[str, Sequence[tuple[int, float]]], ax: Axes | None = None, title: str = "loss", mark_minimum: str | None = None
) -> Axes:
    """One line per named (step, value) series; optionally mark the minimum of one series."""
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    for name, points in curves.items():
        steps, values = zip(*points) if points else ((), ())
        ax.plot(steps, values, marker="o" if len(points) < 30 else None, markersize=3, label=name)
    if mark_minimum and curves.get(mark_minimum):
        step, value = min(curves[mark_minimum], key=lambda point: point[1])
        ax.axvline(step, color="grey", linestyle="--", linewidth=1)
        ax.annotate(f"min {value:.2f} @ step {step}", (step, value), textcoords="offset points", xytext=(5, 8), fontsize=8)
    ax.set_xlabel("step")
    ax.set_ylabel(title)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return ax


def plot_grouped_bars(
    values: Mapping[str, Mapping[str, float]], ax: Axes | None = None, title: str = "", ylabel: str = "", ylim: tuple | None = None
) -> Axes:
    """Bars grouped by outer key (e.g. method), one colour per inner key (e.g. metric), values printed on top."""
    ax = ax or plt.subplots(figsize=(6.5, 3.5))[1]
    groups = list(values)
    series = list(dict.fromkeys(key for inner in values.values() for key in inner))
    width = 0.8 / max(len(series), 1)
    for index, name in enumerate(series):
        positions = [g + (index - (len(series) - 1) / 2) * width for g in range(len(groups))]
        heights = [values[group].get(name, 0.0) for group in groups]
        bars = ax.bar(positions, heights, width, label=name)
        ax.bar_label(bars, labels=[f"{h:.2f}" for h in heights], fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    ax.legend(fontsize=8)
    return ax
