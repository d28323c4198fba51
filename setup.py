"""Which packages the wheel holds, found rather than listed.

The repository keeps engine/, lessons/ and tui/ at its top level; installed, they live under the
micrograd_tui namespace so nothing bare lands in site-packages. Every folder under them is found (a new
subpackage ships without a line here), and every file in a found folder ships with it (the lessons' Markdown,
the starters, the solutions, the stylesheet, recorded values). tests/test_packaging.py builds the wheel and
checks that each file git tracks under the three folders is in it, in its micrograd_tui/... place. Everything
else about the project is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

TOP = ("engine", "lessons", "tui")

found = find_namespace_packages(include=[p for top in TOP for p in (top, f"{top}.*")], exclude=["*__pycache__*"])
packages = [f"micrograd_tui.{name}" for name in found]

setup(
    packages=packages,
    package_dir={f"micrograd_tui.{top}": top for top in TOP},
    package_data={"": ["*"]},
    exclude_package_data={"": ["*.pyc", "*.pyo"]},
)
