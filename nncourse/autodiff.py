"""Reverse-mode automatic differentiation on scalars: a computation graph of `Value` nodes.

Every arithmetic operation on a `Value` returns a new `Value` that remembers its inputs and a small
function, ``_backward``, that applies the chain rule for that one operation: it multiplies the
gradient arriving at the output by the operation's local derivative and *adds* (``+=``) the result
into each input's ``.grad``. ``backward()`` visits the nodes from the output back to the inputs
(reverse topological order) so that a node's gradient is complete before it is passed on.

Taught in: chapter "Backpropagation" (computation graphs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

from nncourse._validation import ArgumentTypeError, as_real, expected

__all__ = ["Value"]


def _as_value(other: Value | float) -> Value:
    """Wrap a plain number in a `Value` so numbers mix in on either side of an operator."""
    if isinstance(other, Value):
        return other
    if isinstance(other, Real) and not isinstance(other, bool):
        return Value(float(other))
    raise ArgumentTypeError(expected("other", "a Value or a real number", repr(other)))


class Value:
    """A scalar node in a computation graph that can compute its gradient.

    Parameters
    ----------
    data : float
        The number this node holds.
    label : str, optional
        A name shown when the graph is drawn (`nncourse.figures.graph.draw_graph`).

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        :math:`\\partial L / \\partial \\text{this node}` for the output :math:`L` on which
        ``backward()`` was last called; 0 until then.

    Notes
    -----
    *Reuse.* A node used more than once (``x * x``, or ``a`` in ``a * b + a``) receives one
    contribution per use, and the contributions add up: this is the multivariable chain rule
    :math:`\\partial L/\\partial x = \\sum_{\\text{uses}} \\partial L/\\partial u \\,
    \\partial u/\\partial x`.

    *Calling backward() twice.* As in PyTorch, gradients accumulate in the leaves: a second call
    adds the same gradient again, so the leaves' ``.grad`` doubles. (Nodes computed inside the
    graph are reset at the start of each call, so each pass propagates its own gradient exactly
    once.) Call ``zero_grad()`` on the output first to start from zero.

    Examples
    --------
    >>> x = Value(2.0)
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad  # dy/dx = 2x + 3
    7.0

    Taught in: chapter "Backpropagation".
    """

    def __init__(self, data: float, label: str = "", _children: tuple = (), _op: str = ""):
        self.data = as_real(data, "data")
        self.grad = 0.0
        self.label = label
        self._prev = _children  # the nodes this one was computed from
        self._op = _op  # the operation that produced it, e.g. "*" (shown in graph drawings)
        self._backward: Callable[[], None] = lambda: None  # a leaf passes nothing on

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # ----- primitive operations: each sets the local chain rule of one operation -----

    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, _children=(self, other), _op="+")

        def _backward() -> None:  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, _children=(self, other), _op="*")

        def _backward() -> None:  # d(a b)/da = b, d(a b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Value:
        exponent = as_real(exponent, "exponent")
        if self.data == 0 and exponent < 0:
            what = "a power >= 0 of 0 (a negative one divides by zero)"
            raise ValueError(expected("exponent", what, exponent))
        out = Value(self.data**exponent, _children=(self,), _op=f"**{exponent:g}")

        def _backward() -> None:  # d(a^p)/da = p a^(p-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        """:math:`e^a`, whose derivative is :math:`e^a` itself."""
        out = Value(math.exp(self.data), _children=(self,), _op="exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        """Natural logarithm :math:`\\ln a` (for :math:`a > 0`), derivative :math:`1/a`."""
        if self.data <= 0:
            raise ValueError(expected("log", "a positive number", self.data))
        out = Value(math.log(self.data), _children=(self,), _op="log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """:math:`\\tanh a`, derivative :math:`1 - \\tanh^2 a`."""
        out = Value(math.tanh(self.data), _children=(self,), _op="tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """:math:`\\sigma(a) = 1/(1 + e^{-a})`, derivative :math:`\\sigma(a)(1 - \\sigma(a))`."""
        # Two algebraically equal forms, so that exp never overflows for large |a|.
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, _children=(self,), _op="sigmoid")

        def _backward() -> None:
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """:math:`\\max(0, a)`, derivative 1 for :math:`a > 0` and 0 otherwise (0 at 0)."""
        out = Value(max(0.0, self.data), _children=(self,), _op="relu")

        def _backward() -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # ----- derived operations: built from the primitives above, so they need no chain rule -----

    def __neg__(self) -> Value:  # -a
        return self * -1

    def __sub__(self, other: Value | float) -> Value:  # a - b
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:  # a / b
        return self * _as_value(other) ** -1

    def __radd__(self, other: float) -> Value:  # 2 + a
        return self + other

    def __rmul__(self, other: float) -> Value:  # 2 * a
        return self * other

    def __rsub__(self, other: float) -> Value:  # 2 - a
        return _as_value(other) + (-self)

    def __rtruediv__(self, other: float) -> Value:  # 2 / a
        return _as_value(other) * self**-1

    # ----- the backward pass -----

    def _topological_order(self) -> list[Value]:
        """Every node this one depends on, each listed after all of its inputs."""
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        # An explicit stack instead of recursion, so deep graphs (long sums) do not hit
        # Python's recursion limit. A node is emitted the second time it is popped,
        # after all its inputs have been emitted.
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        return order

    def backward(self) -> None:
        """Compute the gradient of this node with respect to every node it depends on.

        Sets ``self.grad`` to 1 (:math:`\\partial L/\\partial L`) and applies each node's chain
        rule from the output back to the inputs. Gradients of leaves accumulate across calls;
        see the class notes and `zero_grad`.
        """
        order = self._topological_order()
        for node in order:
            if node._prev:  # an interior node: start this pass from zero
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this node and every node it depends on."""
        for node in self._topological_order():
            node.grad = 0.0
