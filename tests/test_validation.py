"""Tests for nncourse._validation: the vocabulary of argument checks and its one message style."""

import re

import numpy as np
import pytest

from nncourse._validation import (
    ArgumentTypeError,
    as_choice,
    as_float_array,
    as_float_dtype,
    as_int,
    as_integer_labels,
    as_real,
    check_finite,
    check_no_nan,
    check_probabilities,
    check_same_shape,
    expected,
    reduce,
    reduction_scale,
)

STYLE = re.compile(r"^[A-Za-z_][\w\[\]]*: expected .+, got .+$")
"""Every message: the argument's name, what was expected, what came."""


def message(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert STYLE.match(text), text
    return text


def test_expected_builds_the_one_style():
    assert (
        expected("lr", "a real number in (0, inf)", 0)
        == "lr: expected a real number in (0, inf), got 0"
    )


def test_a_wrong_type_is_both_a_type_error_and_a_value_error():
    assert issubclass(ArgumentTypeError, TypeError)
    assert issubclass(ArgumentTypeError, ValueError)


@pytest.mark.parametrize(
    ("value", "minimum", "result"),
    [(0, 0, 0), (3, 1, 3), (np.int64(7), 1, 7), (-2, -5, -2)],
)
def test_as_int_accepts_integers_at_or_above_the_minimum(value, minimum, result):
    converted = as_int(value, "n", minimum=minimum)
    assert converted == result
    assert type(converted) is int


@pytest.mark.parametrize(
    ("value", "minimum", "error", "text"),
    [
        (2.5, 1, ArgumentTypeError, "n: expected an integer >= 1, got 2.5"),
        (2.0, 1, ArgumentTypeError, "n: expected an integer >= 1, got 2.0"),
        (True, 0, ArgumentTypeError, "n: expected an integer >= 0, got True"),
        ("3", 0, ArgumentTypeError, "n: expected an integer >= 0, got '3'"),
        (0, 1, ValueError, "n: expected an integer >= 1, got 0"),
        (-1, 0, ValueError, "n: expected an integer >= 0, got -1"),
    ],
)
def test_as_int_refuses_everything_else(value, minimum, error, text):
    with pytest.raises(error) as raised:
        as_int(value, "n", minimum=minimum)
    assert message(raised) == text


@pytest.mark.parametrize(
    ("value", "within"),
    [
        (0.5, "(0, 1)"),
        (0, "[0, 1)"),
        (1, "(0, 1]"),
        (1e300, "(0, inf)"),
        (-3, None),
        (np.float32(2), "[0, inf)"),
    ],
)
def test_as_real_accepts_numbers_in_the_interval(value, within):
    converted = as_real(value, "x", within)
    assert converted == float(value)
    assert type(converted) is float


def test_as_real_without_interval_lets_nan_and_infinity_through():
    assert np.isnan(as_real(float("nan"), "x"))
    assert as_real(float("inf"), "x") == float("inf")


@pytest.mark.parametrize(
    ("value", "within", "error", "text"),
    [
        (0, "(0, inf)", ValueError, "x: expected a real number in (0, inf), got 0"),
        (1.0, "[0, 1)", ValueError, "x: expected a real number in [0, 1), got 1.0"),
        (float("inf"), "(0, inf)", ValueError, "x: expected a real number in (0, inf), got inf"),
        (float("nan"), "[0, 1]", ValueError, "x: expected a real number in [0, 1], got nan"),
        ("0.1", "(0, inf)", ArgumentTypeError, "x: expected a real number in (0, inf), got '0.1'"),
        (None, None, ArgumentTypeError, "x: expected a real number, got None"),
        (False, None, ArgumentTypeError, "x: expected a real number, got False"),
        (1j, None, ArgumentTypeError, "x: expected a real number, got 1j"),
    ],
)
def test_as_real_refuses_everything_else(value, within, error, text):
    with pytest.raises(error) as raised:
        as_real(value, "x", within)
    assert message(raised) == text


def test_as_choice():
    assert as_choice("tanh", ("sigmoid", "tanh"), "g") == "tanh"
    for bad in ["Tanh", None, ["tanh"]]:
        with pytest.raises(ValueError) as raised:
            as_choice(bad, ("sigmoid", "tanh"), "g")
        assert message(raised) == f"g: expected one of 'sigmoid', 'tanh', got {bad!r}"


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float64"), "f8"])
def test_as_float_dtype_accepts_the_two_float_types(dtype):
    assert as_float_dtype(dtype) == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float16", "int64", None, "bogus", 3])
def test_as_float_dtype_refuses_others(dtype):
    with pytest.raises(ValueError) as raised:
        as_float_dtype(dtype)
    assert message(raised) == f"dtype: expected 'float64' or 'float32', got {dtype!r}"


def test_as_float_array_keeps_floats_and_widens_integers():
    x32 = np.ones(2, np.float32)
    assert as_float_array(x32, "x") is x32
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array(True, "x").dtype == np.float64
    with pytest.raises(ArgumentTypeError) as raised:
        as_float_array(["a"], "x")
    assert message(raised) == "x: expected real numbers, got an array of dtype <U1"


def test_as_integer_labels():
    np.testing.assert_array_equal(as_integer_labels([0.0, 2.0], "y"), [0, 2])
    cases = [
        ([0, -1], ValueError, "y: expected non-negative class labels, got -1"),
        ([0.5], ValueError, "y: expected whole numbers (class indices), got [0.5]"),
        ([np.inf], ValueError, "y: expected finite numbers, got an infinity"),
        (["a"], ArgumentTypeError, "y: expected integer class labels, got an array of dtype <U1"),
    ]
    for labels, error, text in cases:
        with pytest.raises(error) as raised:
            as_integer_labels(labels, "y")
        assert message(raised) == text


def test_array_checks():
    check_finite(np.zeros(3), "x")
    check_probabilities(np.array([0.0, 0.5, 1.0]), "p")
    check_same_shape(np.zeros(2), np.ones(2), "a", "b")
    cases = [
        (lambda: check_no_nan(np.array([np.nan]), "x"), "x: expected real numbers, got NaN"),
        (
            lambda: check_finite(np.array([-np.inf]), "x"),
            "x: expected finite numbers, got an infinity",
        ),
        (
            lambda: check_probabilities(np.array([-0.1, 1.0]), "p"),
            "p: expected probabilities in [0, 1], got values from -0.1 to 1",
        ),
        (
            lambda: check_same_shape(np.zeros(2), np.zeros((1, 2)), "y", "p"),
            "p: expected the shape of y, (2,), got (1, 2)",
        ),
    ]
    for check, text in cases:
        with pytest.raises(ValueError) as raised:
            check()
        assert message(raised) == text


def test_reductions():
    values = np.array([1.0, 2.0, 3.0])
    assert reduce(values, "mean") == 2.0
    assert reduce(values, "sum") == 6.0
    assert reduce(values, "none") is values
    assert reduction_scale(4, "mean") == 0.25
    assert reduction_scale(4, "sum") == reduction_scale(4, "none") == 1.0
    for call in (lambda: reduce(values, "avg"), lambda: reduction_scale(3, "avg")):
        with pytest.raises(ValueError) as raised:
            call()
        assert message(raised) == "reduction: expected one of 'mean', 'sum', 'none', got 'avg'"


def _bad_calls():
    """One bad call for every check of every numerics module (for the message-style sweep)."""
    import nncourse as nn
    from nncourse import datasets, optim
    from nncourse.autodiff import Value

    X, y = datasets.xor()
    net = nn.MLP([2, 3, 1], seed=0)
    return [
        lambda: nn.sigmoid(["a"]),
        lambda: nn.leaky_relu([1.0], alpha="x"),
        lambda: nn.one_hot([[0]]),
        lambda: nn.one_hot([], None),
        lambda: nn.one_hot([3], 2),
        lambda: nn.one_hot([0], 0),
        lambda: nn.binary_cross_entropy([1.0], [1.5]),
        lambda: nn.binary_cross_entropy([1.0], [0.5], reduction="avg"),
        lambda: nn.mse([1.0], [[1.0, 2.0]]),
        lambda: nn.categorical_cross_entropy([0, 5], [[0.5, 0.5], [0.5, 0.5]]),
        lambda: nn.categorical_cross_entropy([0], [[0.5, 0.5], [0.5, 0.5]]),
        lambda: nn.categorical_cross_entropy([0], [0.5, 0.5]),
        lambda: nn.softmax_cross_entropy([0], [[np.inf, 0.0]]),
        lambda: nn.entropy([0.5, 0.6]),
        lambda: nn.entropy(np.zeros((2, 0))),
        lambda: nn.kl_divergence([0.5, 0.5], [[0.5, 0.5]]),
        lambda: nn.numerical_gradient(3, [1.0]),
        lambda: nn.numerical_gradient(np.sum, [1.0], eps=-1),
        lambda: nn.numerical_gradient(lambda v: v, [1.0, 2.0]),
        lambda: nn.gradient_descent(lambda x: x, [1.0], lr=0, steps=1),
        lambda: nn.gradient_descent(lambda x: x, [[1.0]], lr=0.1, steps=1),
        lambda: nn.gradient_descent(lambda x: np.ones(3), [1.0], lr=0.1, steps=1),
        lambda: optim.adam(lambda x: x, [1.0], lr=0.1, steps=1, beta2=1.0),
        lambda: optim.rmsprop(lambda x: x, [1.0], lr=0.1, steps=1, eps=0),
        lambda: optim.make_update("adagrad", np.zeros(2), 0.1),
        lambda: optim.make_update("adam", np.zeros(2), 0.1, momentum=0.9),
        lambda: nn.MLP([2]),
        lambda: nn.MLP([2, 0, 1]),
        lambda: nn.MLP([2, 1], output_activation="identity"),
        lambda: nn.MLP([2, 1], output_activation="softmax", loss="categorical_cross_entropy"),
        lambda: nn.MLP([2, 1], dtype="int8"),
        lambda: nn.MLP([2, 1], init="glorot"),
        lambda: net.fit(X, y, epochs=-1, lr=0.1),
        lambda: net.fit(X, y, epochs=1, lr=0.1, batch_size=0),
        lambda: net.fit(X, y, epochs=1, lr=0.1, optimizer="SGD"),
        lambda: net.fit(X[:, :1], y, epochs=1, lr=0.1),
        lambda: net.fit(X, y[:3], epochs=1, lr=0.1),
        lambda: net.loss(X, np.full(4, 2.0)),
        lambda: nn.MLP([2, 2], output_activation="softmax", loss="categorical_cross_entropy").loss(
            X, np.full((4, 2), 0.3)
        ),
        lambda: setattr(net.layers[0], "W", np.zeros((3, 3))),
        lambda: datasets.moons(n_samples=0),
        lambda: datasets.xor(noise=-1.0),
        lambda: datasets.two_gaussians(means=[0, 0]),
        lambda: datasets.digits(test_size=1.0),
        lambda: Value("a"),
        lambda: Value(1.0) + "a",
        lambda: Value(0.0) ** -1,
        lambda: Value(-1.0).log(),
    ]


@pytest.mark.parametrize("index", range(len(_bad_calls())))
def test_every_numerics_error_speaks_the_one_style(index):
    with pytest.raises(ValueError) as raised:  # ArgumentTypeError is a ValueError too
        _bad_calls()[index]()
    message(raised)
