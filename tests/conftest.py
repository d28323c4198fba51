import pathlib
import sys

# The cross-check cases and the torch recorder live beside the tests.
sys.path.insert(0, str(pathlib.Path(__file__).parent))
