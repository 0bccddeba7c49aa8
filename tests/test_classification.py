"""Classification metrics agree with scikit-learn's and reject what is not a class."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score

from ftkit.classification import confusion_counts, macro_f1, per_class_f1


@pytest.mark.parametrize("seed", range(5))
def test_macro_f1_equals_scikit_learns_on_random_labels(seed):
    rng = np.random.default_rng(seed)
    labels, predicted = rng.integers(0, 3, 40), rng.integers(0, 3, 40)
    assert macro_f1(labels, predicted, 3) == pytest.approx(f1_score(labels, predicted, average="macro", labels=[0, 1, 2]))
    np.testing.assert_allclose(per_class_f1(labels, predicted, 3), f1_score(labels, predicted, average=None, labels=[0, 1, 2]))
    np.testing.assert_array_equal(confusion_counts(labels, predicted, 3), confusion_matrix(labels, predicted, labels=[0, 1, 2]))


def test_a_model_that_always_says_one_class_gets_a_third_of_that_class_f1():
    labels = np.array([0] * 28 + [1] * 24 + [2] * 24)
    # Class 0 always: precision 28/76, recall 1 -> F1 = 56/104; the other two classes score 0.
    assert macro_f1(labels, np.zeros(76, dtype=int), 3) == pytest.approx((56 / 104) / 3)


def test_a_class_neither_present_nor_predicted_scores_zero_as_scikit_learn_does():
    labels, predicted = [0, 1, 1], [0, 1, 0]
    assert macro_f1(labels, predicted, 3) == pytest.approx(f1_score(labels, predicted, average="macro", labels=[0, 1, 2], zero_division=0))


def test_a_prediction_outside_the_classes_is_an_error_naming_the_item():
    with pytest.raises(ValueError, match="item 2"):
        macro_f1([0, 1, 2], [0, 1, 3], 3)
