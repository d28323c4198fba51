"""What the network panel shows: every neuron's output over the plane, and the numbers of the one picked.

Pure Python over a coarse grid (a few dozen samples a neuron), so it needs nothing the engine does not
have; each neuron's sum is added in the order a Neuron adds it (b + w0*x0 + w1*x1 + ...), so a map's
sample is the engine's own output for that point.
"""

from __future__ import annotations

from ...lab import NetworkPanel, grid_centres
from ...numtext import fmt

CELL_COLS, CELL_ROWS = 6, 4  # samples per neuron's map: 6 wide, 4 tall (two rows of half blocks)


def layer_outputs(model, point) -> list[list[float]]:
    """Every layer's outputs at one point, the inputs first: the engine's forward pass on floats."""
    return model.activations(point)


def pre_activation(neuron, x) -> float:
    act = neuron.b.data
    for wi, xi in zip(neuron.w, x):
        act = act + wi.data * xi
    return act


def network_panel(model, box, selected: tuple[int, int], point=None, grads: bool = False,
                  title: str = "", edge: int | None = None, lights_up: bool = False) -> NetworkPanel:
    """The panel for ``model`` over ``box`` ((x0, x1), (y0, y1)); ``point`` (x, y): the picked point, whose
    pre-activation and activation the detail gives for the selected neuron."""
    samples = [layer_outputs(model, p) for p in grid_centres(box[0], box[1], CELL_COLS, CELL_ROWS)]
    sizes = [len(samples[0][0])] + [len(layer.neurons) for layer in model.layers]
    maps = tuple(tuple(tuple(s[c][n] for s in samples) for n in range(size)) for c, size in enumerate(sizes))
    names = (("x", "y")[:sizes[0]],) + tuple(
        tuple(f"n{ni}" if li < len(model.layers) - 1 else "out" if size == 1 else f"c{ni}" for ni in range(size))
        for li, size in enumerate(sizes[1:]))
    weights = tuple(tuple(tuple(w.data for w in n.w) for n in layer.neurons) for layer in model.layers)
    column, index = selected
    column = max(0, min(column, len(sizes) - 1))
    index = max(0, min(index, sizes[column] - 1))
    edge_grads = (tuple(tuple(tuple(w.grad for w in n.w) for n in layer.neurons) for layer in model.layers)
                  if grads else None)
    if column == 0 or edge is None:
        edge = None
    else:
        edge = max(0, min(edge, sizes[column - 1] - 1))
    values = tuple(tuple(c) for c in layer_outputs(model, point)) if point is not None else None
    return NetworkPanel(names, maps, CELL_COLS, CELL_ROWS, weights, (column, index),
                        tuple(detail(model, names, (column, index), point, edge)), edge_grads, title, edge, values,
                        lights_up and values is not None)


def detail(model, names, selected: tuple[int, int], point, edge: int | None = None) -> list[tuple[str, str]]:
    column, index = selected
    if column == 0:
        return [(names[0][index], "an input: the point's " + ("x" if index == 0 else "y") + " coordinate")]
    neuron = model.layers[column - 1].neurons[index]
    rows = [(f"layer {column - 1}, {names[column][index]}", f"{neuron.activation}(b + w·in)"),
            ("b", f"{fmt(neuron.b.data)} grad {fmt(neuron.b.grad)}")]
    if edge is not None:  # the picked edge first: the weight the learner is looking at
        w = neuron.w[edge]
        rows.insert(1, (f"▸ w from {names[column - 1][edge]}", f"{fmt(w.data)} grad {fmt(w.grad)}"))
    if point is not None:
        outs = layer_outputs(model, point)
        z = pre_activation(neuron, outs[column - 1])
        rows.append(("at the point", f"b + w·in = {fmt(z)}, out {fmt(outs[column][index])}"))
    strongest = sorted(range(len(neuron.w)), key=lambda i: -abs(neuron.w[i].data))[:2]
    for i in (i for i in strongest if i != edge):  # the two heaviest edges in; the gutter draws them all
        w = neuron.w[i]
        rows.append((f"w from {names[column - 1][i]}", f"{fmt(w.data)} grad {fmt(w.grad)}"))
    return rows
