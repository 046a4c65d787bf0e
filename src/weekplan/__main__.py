"""``python -m weekplan``: the command line (``demo``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from weekplan.adapters.memory import InMemoryStore
from weekplan.demo import run_demo

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="weekplan", description="Weekly meal planning.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="plan one client's week from a template and print it")
    parser.parse_args(argv)
    print(run_demo(InMemoryStore()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
