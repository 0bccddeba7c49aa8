"""Classification metrics in numpy, fast enough to run inside a bootstrap (the tests check them against scikit-learn)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_counts(labels: Sequence[int], predicted: Sequence[int], classes: int) -> np.ndarray:
    """[true class, predicted class] counts for class indices 0..classes-1."""
    truth, guess = np.asarray(labels, dtype=int), np.asarray(predicted, dtype=int)
    if truth.shape != guess.shape:
        raise ValueError(f"one prediction per label: {truth.size} labels, {guess.size} predictions")
    outside = (truth < 0) | (truth >= classes) | (guess < 0) | (guess >= classes)
    if outside.any():
        item = int(np.flatnonzero(outside)[0])
        raise ValueError(f"item {item}: label {truth[item]} / prediction {guess[item]} is not a class in 0..{classes - 1}")
    return np.bincount(truth * classes + guess, minlength=classes * classes).reshape(classes, classes)


def per_class_f1(labels: Sequence[int], predicted: Sequence[int], classes: int) -> np.ndarray:
    """F1 of each class (2·TP / (2·TP + FP + FN)); 0 for a class that is neither present nor predicted."""
    counts = confusion_counts(labels, predicted, classes)
    true_positive = np.diag(counts).astype(float)
    denominator = counts.sum(axis=0) + counts.sum(axis=1)  # (TP + FP) + (TP + FN)
    return np.divide(2 * true_positive, denominator, out=np.zeros(classes), where=denominator > 0)


def macro_f1(labels: Sequence[int], predicted: Sequence[int], classes: int) -> float:
    """The mean of the classes' F1 scores: every class weighs the same, whatever its share of the items."""
    return float(per_class_f1(labels, predicted, classes).mean())
