"""The micrograd-tui command (placeholder until the app lands)."""
import sys
from importlib.metadata import version

def main(argv=None):
    print(f"micrograd-tui {version('micrograd-tui')}")
    return 0
