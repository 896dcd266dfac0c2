"""Tests for nncourse.figures.graph: the computed layout, and that drawing makes a figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from nncourse.autodiff import Value
from nncourse.figures.graph import draw_graph, graph_layout


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    L = c + a  # a is used twice
    L.label = "L"
    L.backward()
    return L


def test_layout_has_one_box_per_value_and_one_circle_per_operation():
    nodes, edges = graph_layout(small_graph())
    values = [n for n in nodes if n.kind == "value"]
    ops = [n for n in nodes if n.kind == "op"]
    assert len(values) == 4  # a, b, c, L: a appears once although it is used twice
    assert sorted(n.text for n in ops) == ["*", "+"]
    assert len(edges) == 2 + 2 + 2  # value->op for both inputs of * and +, op->value twice


def test_edges_point_from_inputs_to_outputs():
    nodes, edges = graph_layout(small_graph())
    assert all(nodes[start].x < nodes[end].x for start, end in edges)


def test_inputs_sit_beside_where_they_are_used_and_outputs_between_their_inputs():
    x, w, b = Value(1.0, label="x"), Value(2.0, label="w"), Value(3.0, label="b")
    p = x * w
    p.label = "p"
    out = p + b
    out.label = "out"
    nodes, _ = graph_layout(out)
    at = {n.text.split("\n")[0]: n for n in nodes if n.kind == "value"}
    assert at["x"].x == at["w"].x < at["p"].x == at["b"].x < at["out"].x
    assert at["p"].y == (at["x"].y + at["w"].y) / 2
    assert at["out"].y == (at["p"].y + at["b"].y) / 2


def test_boxes_show_label_data_and_grad():
    nodes, _ = graph_layout(small_graph(), precision=2)
    texts = {n.text for n in nodes if n.kind == "value"}
    # dL/da = b + 1 = -2, dL/db = a = 2
    assert "a\ndata 2.00\ngrad -2.00" in texts
    assert "b\ndata -3.00\ngrad 2.00" in texts
    assert "L\ndata -4.00\ngrad 1.00" in texts


def test_x_times_x_draws_one_edge_into_the_operation():
    x = Value(3.0)
    nodes, edges = graph_layout(x * x)
    assert len(nodes) == 3 and len(edges) == 2


def test_draw_graph_returns_a_figure_with_white_background():
    fig = draw_graph(small_graph())
    try:
        assert isinstance(fig, Figure)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any(t.startswith("L\n") for t in texts)
        assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    finally:
        plt.close(fig)


def test_draw_graph_on_given_axes():
    fig, ax = plt.subplots()
    try:
        assert draw_graph(small_graph(), ax=ax) is fig
    finally:
        plt.close(fig)


def test_layout_refuses_a_number():
    with pytest.raises(TypeError, match=r"root: expected a nncourse\.autodiff\.Value"):
        graph_layout(3.0)
