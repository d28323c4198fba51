"""Record PyTorch float64 results of the cross-check cases into torch_reference.json.

The cross-check test reads this file when torch is not installed. To re-record:

    pip install torch && python tests/record_torch_reference.py
"""

from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from crosscheck_cases import CASES  # noqa: E402

OUT = pathlib.Path(__file__).with_name("torch_reference.json")


def torch_results() -> dict[str, dict[str, float]]:
    import torch

    def leaf(x):
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    results = {}
    for name, case in CASES.items():
        out, leaves = case(leaf)
        out.backward()
        results[name] = {"out": out.item(), **{k: v.grad.item() for k, v in leaves.items()}}
    return results


if __name__ == "__main__":
    import torch

    data = {"torch_version": torch.__version__, "dtype": "float64", "cases": torch_results()}
    OUT.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {OUT}")
