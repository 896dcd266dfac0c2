"""Tests for nncourse.autodiff.Value: every operation against finite differences, reuse, repeated
backward passes and bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncourse.autodiff import Value
from nncourse.gradcheck import numerical_gradient


def gradients_of(f, point):
    """Gradient of f at point by Value.backward, as a float array."""
    inputs = [Value(float(v)) for v in point]
    out = f(*inputs)
    out.backward()
    return np.array([v.grad for v in inputs]), out.data


def check_against_finite_differences(f, point):
    grad, value = gradients_of(f, point)
    expected = numerical_gradient(lambda p: f(*p), np.array(point, dtype=float))
    assert value == pytest.approx(f(*point))
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)


# Each expression uses one operation (or one way of mixing numbers in); the same function runs on
# floats (for finite differences) and on Values (for backward), so the two cannot drift apart.
EXPRESSIONS = {
    "add": (lambda a, b: a + b, [1.5, -2.0]),
    "radd": (lambda a, b: 3 + a + b * 1, [1.5, -2.0]),
    "sub": (lambda a, b: a - b, [1.5, -2.0]),
    "rsub": (lambda a, b: 3 - a * b, [1.5, -2.0]),
    "mul": (lambda a, b: a * b, [1.5, -2.0]),
    "rmul": (lambda a, b: 2.5 * a + b * -0.5, [1.5, -2.0]),
    "div": (lambda a, b: a / b, [1.5, -2.0]),
    "rdiv": (lambda a, b: 2 / a + b / 4, [1.5, -2.0]),
    "pow": (lambda a, b: a**3 + b**2 + a**0.5, [1.5, -2.0]),
    "neg": (lambda a, b: -a * b, [1.5, -2.0]),
    "exp": (lambda a, b: (a * b).exp() if isinstance(a, Value) else math.exp(a * b), [0.3, -1.2]),
    "log": (lambda a, b: (a * b).log() if isinstance(a, Value) else math.log(a * b), [0.3, 1.7]),
    "tanh": (lambda a, b: (a + b).tanh() if isinstance(a, Value) else math.tanh(a + b), [0.3, 0.2]),
    "sigmoid": (
        lambda a, b: (a * b).sigmoid() if isinstance(a, Value) else 1 / (1 + math.exp(-a * b)),
        [0.7, -1.1],
    ),
    "relu": (lambda a, b: (a - b).relu() if isinstance(a, Value) else max(0.0, a - b), [1.5, -2.0]),
    "relu_off": (
        lambda a, b: (b - a).relu() * a if isinstance(a, Value) else max(0.0, b - a) * a,
        [1.5, -2.0],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_every_operation_against_finite_differences(name):
    f, point = EXPRESSIONS[name]
    check_against_finite_differences(f, point)


def neuron(x1, x2, w1, w2, b):
    """A tanh neuron, written once for floats and Values (as in the chapter's worked example)."""
    z = x1 * w1 + x2 * w2 + b
    return z.tanh() if isinstance(z, Value) else math.tanh(z)


def test_a_whole_neuron_against_finite_differences():
    check_against_finite_differences(neuron, [2.0, 0.0, -3.0, 1.0, 6.8813735870195432])


def test_a_node_used_twice_accumulates_its_gradient():
    a = Value(3.0)
    b = a + a  # db/da = 2, not 1
    b.backward()
    assert a.grad == 2.0
    x = Value(-2.0)
    y = x * x * x  # dy/dx = 3x^2 = 12
    y.backward()
    assert x.grad == pytest.approx(12.0)


def test_reuse_across_branches_sums_both_paths():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e  # df/da = b*e + d = 3*1 + (-6) = -3; df/db = a*e + d = -2 - 6 = -8
    f.backward()
    assert (a.grad, b.grad) == (pytest.approx(-3.0), pytest.approx(-8.0))


def test_backward_twice_accumulates_in_leaves_exactly_once_more():
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a
    c.backward()
    first = (a.grad, b.grad)
    c.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    c.zero_grad()
    c.backward()
    assert (a.grad, b.grad) == first


def test_zero_grad_clears_the_whole_graph():
    a = Value(1.5)
    out = (a * 2).exp()
    out.backward()
    out.zero_grad()
    assert a.grad == 0.0 and out.grad == 0.0


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(1.0)
    total = Value(0.0)
    for _ in range(5000):
        total = total + x
    total.backward()
    assert x.grad == 5000.0


def test_sigmoid_is_stable_at_large_inputs():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-3, 3),
    st.floats(-3, 3),
    st.floats(0.2, 3),
)
def test_random_composite_expression_matches_finite_differences(x, y, z):
    def f(a, b, c):
        if isinstance(a, Value):
            return (a * b).tanh() + (c.log() * b) / (1 + (a - c) ** 2) + (-b).sigmoid()
        return math.tanh(a * b) + (math.log(c) * b) / (1 + (a - c) ** 2) + 1 / (1 + math.exp(b))

    grad, _ = gradients_of(f, [x, y, z])
    expected = numerical_gradient(lambda p: f(*p), np.array([x, y, z]))
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True])
def test_value_refuses_what_is_not_a_real_number(bad):
    with pytest.raises(TypeError, match="data"):
        Value(bad)


def test_bad_operands_raise_clear_errors():
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="other"):
        Value(2.0) + "1"
    with pytest.raises(ValueError, match="log"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="exponent"):
        Value(0.0) ** -1


def test_repr_shows_data_and_grad():
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0)"
