"""Draw the computation graph of a `Value` with matplotlib (no Graphviz needed).

`graph_layout` computes what is drawn (positions, texts, edges) and is tested; `draw_graph` only draws
it, on a plain matplotlib Figure (no pyplot) in the book's palette. Inputs are on the left and the
output on the right; each computed value has a small circle for the operation that produced it, like
the graphs in micrograd.

Taught in: chapter "Backpropagation" (computation graphs).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from nncourse._validation import ArgumentTypeError, expected
from nncourse.autodiff import Value
from nncourse.figures.palette import GREY, ORANGE, SKY, new_figure


@dataclass
class GraphNode:
    """One box or circle of a drawn graph.

    ``kind`` is ``"value"`` (a box showing label, data and grad) or ``"op"`` (a circle showing the
    operation); ``x`` and ``y`` are its position in drawing units.
    """

    kind: str
    text: str
    x: float
    y: float


def _value_text(node: Value, precision: int) -> str:
    lines = [node.label] if node.label else []
    lines += [f"data {node.data:.{precision}f}", f"grad {node.grad:.{precision}f}"]
    return "\n".join(lines)


def graph_layout(root: Value, precision: int = 4) -> tuple[list[GraphNode], list[tuple[int, int]]]:
    """Place every node of ``root``'s computation graph, inputs left and output right.

    Columns count back from the output: a value's column is minus the longest path from it to
    ``root``, so every edge points right and each input sits just left of where it is used. Rows
    come from the inputs: the inputs (leaves) take rows 0, 1, 2, ... in the order a walk back from
    the output meets them, and every computed value sits at the mean row of its inputs, so the
    drawing reads like a tree. The operation circle that produced a value sits half a column to
    its left.

    Parameters
    ----------
    root : Value
        The output node.
    precision : int, default 4
        Decimals shown for data and grad.

    Returns
    -------
    nodes : list of GraphNode
    edges : list of (int, int)
        Pairs of indices into ``nodes``, from input to output.
    """
    if not isinstance(root, Value):
        raise ArgumentTypeError(expected("root", "a nncourse.autodiff.Value", type(root).__name__))
    order = root._topological_order()  # inputs before the nodes computed from them
    depth: dict[int, int] = {id(root): 0}  # longest path from each node to the output
    for node in reversed(order):
        for child in node._prev:
            depth[id(child)] = max(depth.get(id(child), 0), depth[id(node)] + 1)
    row: dict[int, float] = {}
    next_leaf_row = 0
    for node in order:
        if node._prev:
            row[id(node)] = sum(row[id(c)] for c in node._prev) / len(node._prev)
        else:
            row[id(node)] = next_leaf_row
            next_leaf_row += 1
    nodes: list[GraphNode] = []
    index_of_value: dict[int, int] = {}
    edges: list[tuple[int, int]] = []
    for node in order:
        x, y = -2.0 * depth[id(node)], -row[id(node)]
        index_of_value[id(node)] = len(nodes)
        nodes.append(GraphNode("value", _value_text(node, precision), x, y))
        if node._prev:
            op_index = len(nodes)
            nodes.append(GraphNode("op", node._op, x - 1.0, y))
            edges.append((op_index, index_of_value[id(node)]))
            # An operation of a node with itself (x * x) has one input drawn once.
            for child in dict.fromkeys(node._prev):
                edges.append((index_of_value[id(child)], op_index))
    return nodes, edges


def draw_graph(root: Value, precision: int = 4, ax: Axes | None = None) -> Figure:
    """Draw ``root``'s computation graph: boxes for values (label, data, grad), circles for operations.

    Parameters
    ----------
    root : Value
        The output node; call ``root.backward()`` first to show gradients.
    precision : int, default 4
        Decimals shown for data and grad.
    ax : matplotlib Axes, optional
        Where to draw; a new figure (at matplotlib's current ``figure.dpi``) is made when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nncourse.autodiff import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = a * b + a
    >>> L.label = "L"
    >>> L.backward()
    >>> fig = draw_graph(L)
    """
    nodes, edges = graph_layout(root, precision)
    xs, ys = [n.x for n in nodes], [n.y for n in nodes]
    if ax is None:
        width, height = max(xs) - min(xs) + 2.0, max(ys) - min(ys) + 1.0
        ax = new_figure(min(1.1 * width, 16), min(0.9 * height, 12), dpi=None).add_subplot()
    artists = [_draw_node(ax, node) for node in nodes]
    for start, end in edges:
        # Coordinates relative to the two texts' boxes: from the right middle of the input to
        # the left middle of the output, so arrows meet the boxes whatever their width.
        ax.annotate(
            "",
            xy=(0.0, 0.5),
            xycoords=artists[end],
            xytext=(1.0, 0.5),
            textcoords=artists[start],
            arrowprops={"arrowstyle": "->", "color": GREY, "shrinkA": 5, "shrinkB": 6},
            zorder=1,
        )
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.axis("off")
    ax.set_facecolor("white")
    return ax.figure


def _draw_node(ax: Axes, node: GraphNode) -> Text:
    """A value's rounded box (sky blue) or an operation's circle (orange), with its text."""
    is_op = node.kind == "op"
    return ax.text(
        node.x,
        node.y,
        node.text,
        ha="center",
        va="center",
        fontsize=10 if is_op else 8,
        family="monospace",
        zorder=2,
        bbox={
            "boxstyle": "circle,pad=0.3" if is_op else "round,pad=0.4",
            "facecolor": ORANGE if is_op else SKY,
            "edgecolor": "black",
            "linewidth": 0.8,
        },
    )
