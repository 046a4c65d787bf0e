"""End-to-end tests drive the example host apps under ``examples/`` as a client would."""

import sys
from pathlib import Path

# The example apps are not installed packages; they are imported the way their
# own README runs them, from the examples folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
