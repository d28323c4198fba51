"""What a learner installs: the wheel holds every file under engine/, lessons/ and tui/, in its
micrograd_tui/... place and nothing bare; and the suite itself runs against that installed package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("engine", "lessons", "tui")


def source_files() -> set[str]:
    """The files a clone holds under the three folders (git's list; a walk where there is no git)."""
    try:
        out = subprocess.run(["git", "ls-files", "--", *TOP], cwd=ROOT, capture_output=True, text=True,
                             check=True, timeout=30).stdout
        return {line for line in out.splitlines() if line}
    except (OSError, subprocess.SubprocessError):
        return {str(p.relative_to(ROOT)) for top in TOP for p in (ROOT / top).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}


def build_wheel(tmp: Path) -> Path:
    """The wheel pip builds, from a clean copy of the project (setuptools reuses an in-tree build/ folder,
    which would hide a file the configuration leaves out)."""
    src, out = tmp / "src", tmp / "out"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", ".ci-dist", "*.egg-info",
                                                             "__pycache__", ".pytest_cache", ".hypothesis"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(src)], check=True, capture_output=True, timeout=300)
    return next(out.glob("micrograd_tui-*.whl"))


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    pytest.importorskip("setuptools")
    return zipfile.ZipFile(build_wheel(tmp_path_factory.mktemp("wheel"))).namelist()


def test_every_source_and_data_file_is_in_the_wheel_in_its_place(wheel_names):
    missing = sorted(f for f in source_files() if f"micrograd_tui/{f}" not in wheel_names)
    assert not missing, f"the wheel leaves out {missing}"
    # the files the lessons read at run time, by kind, so a lost pattern shows here by name
    for needed in ("lessons/kinds/train/child.py", "lessons/prose/16-demo.md", "lessons/workshop/starters/engine.py",
                   "lessons/workshop/solutions/build-value.py", "tui/app.tcss", "lessons/torch_reference.json"):
        assert f"micrograd_tui/{needed}" in wheel_names


def test_the_wheel_installs_nothing_bare(wheel_names):
    tops = {n.split("/")[0] for n in wheel_names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"micrograd_tui"}
    assert not [n for n in wheel_names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_suite_imports_the_installed_package(record_property):
    """CI installs the wheel, not the source tree: micrograd_tui must come from site-packages there."""
    import micrograd_tui.engine
    import micrograd_tui.lessons.kinds.train

    where = Path(micrograd_tui.engine.__file__).resolve()
    if os.environ.get("CI"):
        assert "site-packages" in where.parts, f"the suite imported {where}, not the installed wheel"
        assert not any(where.is_relative_to(ROOT / top) for top in TOP)  # not the source tree's folders
    record_property("imported_from", str(where.parent.parent))
    assert Path(micrograd_tui.lessons.kinds.train.__file__).name == "__init__.py"
