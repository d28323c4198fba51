"""Runs checks on the learner's own files, in a child process: never inside the app.

Started as ``python -I harness.py REQUEST.json FD``: it reads the request (the
workspace folder and the checks, as data), imports the learner's ``engine``,
``nn``, ``train`` and ``exercises`` from the workspace, runs each check and
writes one JSON line per event to file descriptor FD (the learner's own prints
go to stdout and stderr, which the app keeps apart). It imports nothing of
micrograd-tui's: the app compares what comes back with its own engine.

Standard library only, and no imports beside this file (``-I`` leaves the
script's folder off the path).
"""

import importlib
import json
import os
import random
import sys
import traceback
from typing import Any, Callable

DUMP_LIMIT = 400  # nodes of a graph sent back for drawing
# Engines that would do the exercise for the learner: importing one is refused in plain words. (The child runs
# with -S and, in the box, without any site-packages, so they are not there anyway; this says why.)
NOT_YOURS = {"micrograd_tui": "micrograd-tui's own engine", "micrograd": "the original micrograd",
             "torch": "PyTorch"}


class RefuseOtherEngines:
    """A finder first on sys.meta_path: ``import micrograd_tui`` (or micrograd, torch) fails with the reason."""

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in NOT_YOURS:
            raise ImportError(f"your code imports {top} ({NOT_YOURS[top]}): the exercise is to write it "
                              "yourself, so it is not available here", name=name)
        return None


class Events:
    def __init__(self, fd):
        self.out = os.fdopen(fd, "w", buffering=1, encoding="utf-8")

    def send(self, **event):
        self.out.write(json.dumps(event, allow_nan=True) + "\n")
        self.out.flush()


def number(x):
    """A learner's data or grad as a float, or None (with the type) when it is not a number."""
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return None


OPS: "dict[str, Callable[..., Any]]" = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "tanh": lambda a: a.tanh(),
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "pow": lambda a, k: a ** k,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "sub": lambda a, b: a - b,
    "radd": lambda k, a: k + a,
    "rmul": lambda k, a: k * a,
    "sum": lambda *xs: sum(xs),
}


def name_it(v, name):
    """A node's name for the picture, only where the learner's Value has a label of its own: the harness
    adds nothing to a learner's object beyond the exercise's interface."""
    if hasattr(v, "label"):
        try:
            v.label = name
        except (AttributeError, TypeError):
            pass


def build(ops, Value):
    """The expression, op by op, on the learner's Value; every result named by its label."""
    env: dict = {}
    for op in ops:
        kind, name, args = op[0], op[1], op[2:]
        if kind == "leaf":
            v = Value(args[0])
        elif kind == "chain":  # a long chain: x, x + 1, (x + 1) + 1, ... (args: the input's name, length)
            v = env[args[0]]
            for _ in range(args[1]):
                v = v + 1.0
        else:
            v = OPS[kind](*[env[a] if isinstance(a, str) else a for a in args])
        name_it(v, name)
        env[name] = v
    return env


def children(v):
    prev = getattr(v, "_prev", ())
    try:
        return list(prev)
    except TypeError:
        return []


def topo(root):
    """The harness's own topological order (a loop, not recursion), to run _backward node by node."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        for c in children(v):
            if id(c) not in seen:
                stack.append((c, False))
    return order


def trace_calls(out, env):
    """Each node's ``_backward`` wrapped to note, when it runs, the node's name and its grad then: the order
    the learner's backward() used, to name an order slip. None when a node does not take the wrapper."""
    names = {id(v): k for k, v in env.items()}
    calls: list = []
    for v in topo(out):
        step = getattr(v, "_backward", None)
        if step is None:
            continue

        def traced(v=v, step=step):
            calls.append([names.get(id(v)), number(getattr(v, "grad", None))])
            return step()
        try:
            v._backward = traced
        except (AttributeError, TypeError):
            return None
    return calls


def run_backward(v):
    """A node's _backward, as the learner's backward() would call it: a leaf may have none (None, or no
    attribute), which a backward() that skips leaves allows."""
    step = getattr(v, "_backward", None)
    if step is None and not children(v):
        return
    if not callable(step):  # an inner node's _backward that is None (or a number): say which op made it
        error = TypeError(f"'{type(step).__name__}' object is not callable: the _backward of a node made by "
                          f"{str(getattr(v, '_op', '') or '?')!r}")
        error.where = maker(v)  # type: ignore[attr-defined]
        raise error
    step()


MAKERS = {"+": "__add__", "*": "__mul__", "**": "__pow__", "ReLU": "relu"}  # else the op is the method's name


def maker(v):
    """Where in the learner's file the method that made ``v`` starts (by its ``_op``: ``**2`` is __pow__'s),
    or None."""
    op = str(getattr(v, "_op", "") or "")
    op = "**" if op.startswith("**") else op
    method = getattr(type(v), MAKERS.get(op, op), None) if op else None
    code = getattr(method, "__code__", None)
    if code is None:
        return None
    return {"file": os.path.basename(code.co_filename), "line": code.co_firstlineno, "name": code.co_name,
            "text": f"def {code.co_name}(...)"}


def dump(root, env):
    """The graph reachable from root, for drawing and comparing: nodes with data, grad, op, children."""
    ids: dict = {id(root): 0}
    nodes: list = []
    queue = [root]
    while queue and len(nodes) < DUMP_LIMIT:
        v = queue.pop(0)
        prev = []
        for c in children(v):
            if id(c) not in ids:
                ids[id(c)] = len(ids)
                queue.append(c)
            prev.append(ids[id(c)])
        nodes.append({"id": ids[id(v)], "label": str(getattr(v, "label", "") or ""), "data": number(getattr(v, "data", None)),
                      "grad": number(getattr(v, "grad", None)), "op": str(getattr(v, "_op", "") or ""), "prev": prev})
    names = {}
    for name, v in env.items():
        names[name] = {"id": ids.get(id(v)), "data": number(getattr(v, "data", None)),
                       "grad": number(getattr(v, "grad", None)), "op": str(getattr(v, "_op", "") or ""),
                       "prev": [_name_of(c, env) for c in children(v)], "type": type(v).__name__}
    return {"nodes": nodes, "names": names, "truncated": len(nodes) >= DUMP_LIMIT}


def _name_of(v, env):
    for name, w in env.items():
        if w is v:
            return name
    return None


def check_graph(check, modules, events):
    result = _graph(check["ops"], check, modules)
    if "twin" in check:  # the same graph on this run's random values
        result["twin"] = _graph(check["twin"], dict(check, dump=False), modules)
    return result


def _graph(ops, check, modules):
    Value = modules["engine"].Value
    env = build(ops, Value)
    out = env[check["output"]]
    mode = check.get("backward", "none")
    if mode == "nodes":
        out.grad = 1.0
        for v in reversed(topo(out)):
            run_backward(v)
    calls = None
    if mode == "backward":
        calls = None if check.get("deep") else trace_calls(out, env)
        out.backward()
    if check.get("dump", True):
        return dict(dump(out, env), calls=calls)
    return {"names": {k: {"data": number(getattr(v, "data", None)), "grad": number(getattr(v, "grad", None)),
                          "type": type(v).__name__, "op": str(getattr(v, "_op", "") or ""),
                          "prev": [_name_of(c, env) for c in children(v)]} for k, v in env.items()}, "calls": calls}


def check_local(check, modules, events):
    """One op on its own, case by case: fresh leaves whose grads already hold ``prior`` (as if another
    use had passed its share), the op built on them, out.grad seeded to ``upstream`` (not 1), and every
    node's _backward called once, output first. What each leaf's grad became tells the slip apart."""
    Value = modules["engine"].Value
    cases: list = []
    for case in check["cases"]:
        leaves = [Value(x) for x in case["leaves"]]
        for leaf, name in zip(leaves, case["names"]):
            leaf.grad = case["prior"]
            name_it(leaf, name)
        args = [leaves[a] if isinstance(a, int) else a["number"] for a in case["args"]]
        out = OPS[check["op"]](*args)
        if out is None or not hasattr(out, "grad"):
            cases.append({"out_type": type(out).__name__})
            continue
        out.grad = case["upstream"]
        for v in reversed(topo(out)):
            if v is not out and any(v is leaf for leaf in leaves):
                continue  # a leaf's _backward does nothing
            run_backward(v)
        name_it(out, "out")
        env = dict(zip(case["names"], leaves), out=out)
        cases.append({"out_type": type(out).__name__, "data": number(getattr(out, "data", None)),
                      "grads": [number(getattr(leaf, "grad", None)) for leaf in leaves], "graph": dump(out, env)})
    return {"cases": cases}


def set_weights(params, weights):
    if len(params) != len(weights):
        raise AssertionError(f"parameters() gave {len(params)} Values; expected {len(weights)}")
    for p, w in zip(params, weights):
        p.data = w


def _outputs(out):
    """A call's result as numbers: one Value, or a list of them."""
    if isinstance(out, (list, tuple)):
        return {"type": type(out).__name__, "outs": [number(getattr(o, "data", o)) for o in out]}
    return {"type": type(out).__name__, "outs": [number(getattr(out, "data", out))]}


def check_nn(check, modules, events):
    """The net piece by piece: a Neuron alone, a Layer alone, then the MLP, each with the run's weights put
    into its parameters() in the order it lists them (weights then bias, neuron by neuron, layer by layer)."""
    nn = modules["nn"]
    random.seed(1337)
    x = check["x"]
    neuron, layer, model = nn.Neuron(3), nn.Layer(3, 4), nn.MLP(3, [4, 4, 1])
    counts = {"Neuron(3)": len(neuron.parameters()), "Layer(3, 4)": len(layer.parameters()),
              "MLP(3, [4, 4, 1])": len(model.parameters())}
    result: dict = {"counts": counts, "out": None, "out_type": "not run"}
    if counts["Neuron(3)"] == len(check["neuron"]):
        set_weights(neuron.parameters(), check["neuron"])
        result["neuron"] = _outputs(neuron(x))
    if counts["Layer(3, 4)"] == len(check["layer"]):
        set_weights(layer.parameters(), check["layer"])
    result["layer"] = _outputs(layer(x))
    single = nn.Layer(3, 1)([1.0, 2.0, 3.0])
    result.update(single_is_value=type(single).__name__ == "Value", single_type=type(single).__name__)
    if counts["MLP(3, [4, 4, 1])"] == len(check["weights"]):  # else the counts already say what is wrong
        set_weights(model.parameters(), check["weights"])
        out = model(x)
        result.update(out=number(getattr(out, "data", out)), out_type=type(out).__name__)
    return result


def check_train(check, modules, events):
    """The learner's train_step, run for the check's steps from the run's weights; the parameters and grads
    after the first steps (to tell what the update did), and one step with another learning rate (whether
    train_step uses the lr it is given)."""
    nn, train = modules["nn"], modules["train"]
    random.seed(1337)
    model = nn.MLP(3, [4, 4, 1])
    set_weights(model.parameters(), check["weights"])
    losses: list = []
    after: list = []
    result: dict = {"losses": losses, "after": after}
    for k in range(check["steps"]):
        try:
            loss = train.train_step(model, check["xs"], check["ys"], check["lr"])
        except Exception as e:
            if k == 0:
                raise
            result["error"] = describe(e, os.path.abspath(check["workspace"]))  # what the first steps did still counts
            break
        losses.append(number(getattr(loss, "data", loss)))
        if k < 3:
            after.append(_snapshot(model))
        events.send(event="loss", check=check["name"], k=k, loss=losses[-1])
    probe = nn.MLP(3, [4, 4, 1])
    set_weights(probe.parameters(), check["weights"])
    try:
        train.train_step(probe, check["xs"], check["ys"], check["probe_lr"])
        result["probe"] = _snapshot(probe)
    except Exception:
        result["probe"] = None
    return result


def _snapshot(model):
    params = model.parameters()
    return {"data": [number(getattr(p, "data", None)) for p in params],
            "grad": [number(getattr(p, "grad", None)) for p in params]}


def check_gradf(check, modules, events):
    ex = modules["exercises"]
    return {"grads": [[number(g) for g in ex.gradf(*point)] for point in check["points"]]}


def check_softmax(check, modules, events):
    Value, ex = modules["engine"].Value, modules["exercises"]
    logits = [Value(x) for x in check["logits"]]
    for i, v in enumerate(logits):
        name_it(v, f"logit{i}")
    loss = ex.nll(logits, check["label"])
    loss.backward()
    return {"loss": number(loss.data), "grads": [number(v.grad) for v in logits]}


def check_group(check, modules, events):
    """Earlier exercises' checks, each on its own: one that raises does not stop the rest."""
    results = []
    for sub in check["checks"]:
        try:
            for name in sub["modules"]:
                if name not in modules:
                    modules[name] = importlib.import_module(name)
            results.append({"result": CHECKS[sub["kind"]](sub, modules, events)})
        except Exception as e:
            error = describe(e, os.path.abspath(check["workspace"]))
            if isinstance(e, RecursionError):
                error["deep"] = bool(sub.get("deep"))
            results.append({"error": error})
    return {"results": results}


CHECKS = {"graph": check_graph, "local": check_local, "group": check_group, "nn": check_nn, "train": check_train, "gradf": check_gradf,
          "softmax": check_softmax}


def describe(error, workspace):
    """An error as the learner needs it: type, message, and the frames in their own files."""
    frames = []
    for fs in traceback.extract_tb(error.__traceback__):
        if os.path.dirname(os.path.abspath(fs.filename)) == workspace:
            frames.append({"file": os.path.basename(fs.filename), "line": fs.lineno, "name": fs.name,
                           "text": (fs.line or "").strip()})
    where = getattr(error, "where", None)
    if not frames and where is None and isinstance(error, AttributeError):
        where = owner(getattr(error, "obj", None), workspace)
    if not frames and where is None and isinstance(error, TypeError):
        where = named_in_message(str(error), workspace)
    if not frames and where:
        frames.append(where)  # raised by the check on the learner's object: point at that object's code
    info: dict = {"type": type(error).__name__, "message": str(error)[:2000], "frames": frames[-8:]}
    if isinstance(error, SyntaxError):
        info["syntax"] = {"file": os.path.basename(error.filename or ""), "line": error.lineno,
                          "offset": error.offset, "text": (error.text or "").rstrip("\n")}
    if isinstance(error, SystemExit):
        info["message"] = f"your code called sys.exit({error.code!r})"
    return info


def owner(obj, workspace):
    """The learner's class of ``obj`` (file and line), when it is defined in the workspace."""
    cls = type(obj)
    module = sys.modules.get(getattr(cls, "__module__", ""), None)
    path = getattr(module, "__file__", None) or ""
    if obj is None or os.path.dirname(os.path.abspath(path)) != workspace:
        return None
    try:
        import inspect

        line = inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        line = 1
    return {"file": os.path.basename(path), "line": line, "name": cls.__name__, "text": f"class {cls.__name__}"}


def named_in_message(message, workspace):
    """Where the learner's ``Class.method`` that a message names (``Neuron.__init__() takes ...``) starts."""
    import re

    found = re.search(r"\b(\w+)\.(\w+)\(\)", message)
    if not found:
        return None
    cls_name, method_name = found.groups()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None) or ""
        if os.path.dirname(os.path.abspath(path)) != workspace:
            continue
        code = getattr(getattr(getattr(module, cls_name, None), method_name, None), "__code__", None)
        if code is not None:
            return {"file": os.path.basename(code.co_filename), "line": code.co_firstlineno, "name": code.co_name,
                    "text": f"def {method_name}(...)"}
    return None


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        request = json.load(fh)
    events = Events(int(sys.argv[2]))
    workspace = os.path.abspath(request["workspace"])
    sys.meta_path.insert(0, RefuseOtherEngines())
    sys.path.insert(0, workspace)
    sys.dont_write_bytecode = True  # the workspace holds the learner's files and nothing else
    modules = {}
    for check in request["checks"]:
        try:
            for name in check["modules"]:
                if name not in modules:
                    modules[name] = importlib.import_module(name)
            result = CHECKS[check["kind"]](check, modules, events)
            events.send(event="result", check=check["name"], result=result)
        except BaseException as e:  # noqa: B036 - SystemExit and KeyboardInterrupt are the learner's to raise
            error = describe(e, workspace)
            if isinstance(e, RecursionError):
                error["deep"] = bool(check.get("deep"))  # a graph deeper than recursion goes, or endless calls
            events.send(event="error", check=check["name"], error=error)
    events.send(event="done")


if __name__ == "__main__":
    main()
