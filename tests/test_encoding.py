"""Tests for nncourse.encoding.one_hot."""

import numpy as np
import pytest

import nncourse as nn


def test_one_hot_values_and_dtype():
    Y = nn.one_hot([0, 2, 1])
    np.testing.assert_array_equal(Y, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert Y.dtype == np.float64


def test_num_classes_pads_columns_and_float_labels_accepted():
    np.testing.assert_array_equal(nn.one_hot(np.array([1.0, 0.0]), num_classes=4).shape, (2, 4))


def test_one_hot_matches_argmax_roundtrip():
    labels = np.random.default_rng(1).integers(0, 7, size=50)
    np.testing.assert_array_equal(nn.one_hot(labels).argmax(axis=1), labels)


@pytest.mark.parametrize(
    ("labels", "num_classes", "error", "match"),
    [
        ([0, -1], None, ValueError, "labels: expected non-negative class labels, got -1"),
        ([0, 1.5], None, ValueError, "labels: expected whole numbers"),
        ([0, 3], 3, ValueError, "labels: expected values smaller than num_classes=3, got label 3"),
        (
            [[0, 1]],
            None,
            ValueError,
            r"labels: expected a 1-D array of shape \(n,\), got shape \(1, 2\)",
        ),
        (["a"], None, TypeError, "labels: expected integer class labels"),
        ([0, 1], 2.0, TypeError, "num_classes: expected an integer >= 1, got 2.0"),
        ([0, 1], 0, ValueError, "num_classes: expected an integer >= 1, got 0"),
        ([], None, ValueError, "num_classes: expected a number when labels is empty"),
    ],
)
def test_bad_labels_raise(labels, num_classes, error, match):
    with pytest.raises(error, match=match):
        nn.one_hot(labels, num_classes=num_classes)
