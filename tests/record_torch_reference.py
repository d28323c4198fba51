"""Record PyTorch float64 results of the cross-check cases into lessons/torch_reference.json.

The cross-check test and lesson 11 read that file when torch is not installed.
To re-record:

    pip install torch && python tests/record_torch_reference.py
"""

from __future__ import annotations

import json
import pathlib

from micrograd_tui.lessons.crosscheck import torch_results

OUT = pathlib.Path(__file__).resolve().parent.parent / "lessons" / "torch_reference.json"

if __name__ == "__main__":
    import torch

    data = {"torch_version": torch.__version__, "dtype": "float64", "cases": torch_results()}
    OUT.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {OUT}")
