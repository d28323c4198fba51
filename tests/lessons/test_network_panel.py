"""The demo's network panel (issue 31): each neuron's map is the engine's own output over the plane, the
weights are the Trainer's, and the picked neuron's numbers are its own."""

from __future__ import annotations

import pytest

from micrograd_tui.engine import Value
from micrograd_tui.lessons.kinds.train.network import network_panel
from micrograd_tui.lessons.lab import NetworkPanel, grid_centres
from micrograd_tui.lessons.numtext import fmt
from micrograd_tui.lessons.registry import find


@pytest.fixture
def demo():
    lab = find("demo").make_lab()
    assert lab.submit("layers", "8, 8")
    for _ in range(3):
        lab.step()  # trained a little: the maps are not the first weights'
    return lab


def test_each_map_sample_is_the_engines_neuron_output_at_that_cell(demo):
    model = demo.trainer.model
    panel = network_panel(model, demo.box, (1, 0))
    assert isinstance(panel, NetworkPanel) and [len(c) for c in panel.names] == [2, 8, 8, 1]
    centres = grid_centres(demo.box[0], demo.box[1], panel.cols, panel.rows)
    for cell in (0, 5, len(centres) - 1):
        x: list = [Value(v) for v in centres[cell]]
        for column, layer in enumerate(model.layers, 1):
            x = [n(x) for n in layer.neurons]  # the engine's Neuron, on Values
            for index, out in enumerate(x):
                assert panel.maps[column][index][cell] == pytest.approx(out.data, abs=1e-12)
        assert panel.maps[0][0][cell] == centres[cell][0] and panel.maps[0][1][cell] == centres[cell][1]


def test_the_weights_and_the_picked_neurons_numbers_are_the_trainers(demo):
    model = demo.trainer.model
    panel = network_panel(model, demo.box, (2, 3), point=demo.trainer.xs[0])
    assert panel.weights[1][3] == tuple(w.data for w in model.layers[1].neurons[3].w)
    n = model.layers[1].neurons[3]
    rows = dict(panel.detail)
    assert rows["b"] == f"{fmt(n.b.data)} grad {fmt(n.b.grad)}"
    heaviest = max(range(8), key=lambda i: abs(n.w[i].data))
    assert rows[f"w from n{heaviest}"] == f"{fmt(n.w[heaviest].data)} grad {fmt(n.w[heaviest].grad)}"
    assert "out " + fmt(model.layers[1].neurons[3](model.layers[0]([Value(v) for v in demo.trainer.xs[0]])).data) \
        in rows["at the point"]
    assert network_panel(model, demo.box, (9, 99)).selected == (3, 0)  # clamped to the net


def test_a_paused_step_goes_in_four_beats_and_the_update_moves_each_weight_by_minus_lr_grad(demo):
    """Issue 31: forward, the point's loss, backward (the edges show the grads), the update."""
    demo.on_network()
    params = demo.trainer.model.parameters()
    k = demo.trainer.k
    demo.do("step")
    assert demo.beat == 1 and "beat 1 of 4, forward" in demo.message and demo.trainer.k == k
    demo.do("step")
    assert demo.beat == 2 and "the point's term is" in demo.message and "the loss is" in demo.message
    demo.do("step")
    assert demo.beat == 3 and "every weight has its grad" in demo.message
    grads, before = [q.grad for q in params], [q.data for q in params]
    panel = next(p for p in demo.panels() if isinstance(p, NetworkPanel))
    assert panel.grads is not None and panel.grads[0][0] == tuple(w.grad for w in demo.trainer.model.layers[0].neurons[0].w)
    lr = demo.trainer.lr_at(demo.trainer.k)
    demo.do("step")
    assert demo.beat == 4 and "each weight moved by -lr·grad" in demo.message and demo.trainer.k == k + 1
    for q, b, g in zip(params, before, grads):
        assert q.data == pytest.approx(b - lr * g, abs=1e-15)
    demo.do("run")  # a run leaves the beats
    assert demo.beat == 0


def test_a_picked_weight_shows_its_number_and_grad_and_each_neuron_its_output_at_the_point(demo):
    demo.on_network()
    demo.pick_neuron(2, 3)
    demo.pick_edge(1)
    demo.pick_edge(1)  # the second weight in: from layer 0's n1
    demo.do("point")
    panel = next(p for p in demo.panels() if isinstance(p, NetworkPanel))
    w = demo.trainer.model.layers[1].neurons[3].w[1]
    assert panel.edge == 1 and dict(panel.detail)["▸ w from n1"] == f"{fmt(w.data)} grad {fmt(w.grad)}"
    x = demo._all_points()[demo.point][0]
    assert panel.values == tuple(tuple(c) for c in demo.trainer.model.activations(x))
    demo.pick_edge(-1)
    demo.pick_edge(-1)  # from the second weight back past the first: round to the last weight in
    assert demo.edge == 7
    demo.pick_neuron(1, 0)
    assert demo.edge is None  # a new neuron: no weight picked
