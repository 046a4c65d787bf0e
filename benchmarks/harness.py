"""Interleaved timing: every contender runs in turns, block by block, in the same minutes.

A shared, noisy machine makes two runs made one after the other disagree by
more than the difference under study. So the contenders of one figure (weekplan,
the matched raw-driver baseline, the physical minimum; or two versions of
weekplan) never run one after the other: each *block* runs every contender for
a few calls, in an order that rotates from block to block, and a figure is the
median over blocks with the min and max of the blocks beside it. A ratio is
taken within each block (both sides saw the same minute of machine noise), and
its median and min-max are reported the same way.

Two versions of weekplan cannot be imported in one process (both are the
package ``weekplan``), so ``--compare`` runs a second copy of the benchmark in a
child process on the other source tree, and the parent drives both: block ``k``
of every contender runs in both processes before block ``k + 1`` runs in either,
one process at a time.
"""

from __future__ import annotations

import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

#: A contender: ``call(n)`` does one operation; ``n`` is unique over the whole run.
Call = Callable[[int], object]


class Runner(Protocol):
    """Where contenders run: this process, or a child on another source tree."""

    label: str

    def block(self, case: str, calls: int) -> float | None:
        """Seconds per call of ``calls`` calls of ``case``; ``None`` if it cannot run."""
        ...


@dataclass
class LocalRunner:
    """Contenders in this process."""

    label: str
    cases: dict[str, Call] = field(default_factory=dict)
    counter: int = 0

    def block(self, case: str, calls: int) -> float | None:
        call = self.cases.get(case)
        if call is None:
            return None
        first = self.counter
        self.counter += calls
        start = time.perf_counter()
        for n in range(first, first + calls):
            call(n)
        return (time.perf_counter() - start) / calls


class ChildRunner:
    """The same benchmark in a child process with another ``PYTHONPATH`` (``--compare``)."""

    def __init__(self, label: str, source: str, argv: Sequence[str]) -> None:
        self.label = label
        env = {**os.environ, "PYTHONPATH": source, "WEEKPLAN_BENCH_CHILD": "1"}
        self._process = subprocess.Popen(
            [sys.executable, *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )
        ready = self._read()
        assert ready == {"ready": True}, ready

    def _read(self) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark child process ended")
        return json.loads(line)

    def block(self, case: str, calls: int) -> float | None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"case": case, "calls": calls}) + "\n")
        answer: float | None = self._read()["seconds"]
        return answer

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=600)


def serve(runner: LocalRunner) -> None:
    """The child's side of :class:`ChildRunner`: run blocks as the parent asks."""
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        seconds = runner.block(request["case"], request["calls"])
        print(json.dumps({"seconds": seconds}), flush=True)


@dataclass
class Samples:
    """Seconds per call, one figure per block."""

    blocks: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.blocks)

    def __str__(self) -> str:
        return spread(self.blocks, scale=1e6, unit="µs")


def spread(values: Sequence[float], *, scale: float = 1.0, unit: str = "") -> str:
    """``median (min-max)``, scaled, with a precision that suits the size."""
    if not values:
        return "n/a"
    med, low, high = (statistics.median(values) * scale, min(values) * scale, max(values) * scale)
    digits = 0 if med >= 100 else 1 if med >= 10 else 2
    return f"{med:.{digits}f}{unit} ({low:.{digits}f}-{high:.{digits}f})"


def interleave(
    runners: Sequence[Runner], cases: Sequence[str], *, blocks: int, calls: int
) -> dict[tuple[str, str], Samples]:
    """Run every case on every runner, ``blocks`` times, in rotating order.

    A warm-up block of every case comes first and is not kept.
    """
    results: dict[tuple[str, str], Samples] = {
        (runner.label, case): Samples() for runner in runners for case in cases
    }
    order = [(runner, case) for runner in runners for case in cases]
    for block in range(-1, blocks):
        shift = block % len(order) if block >= 0 else 0
        for runner, case in order[shift:] + order[:shift]:
            seconds = runner.block(case, calls)
            if block >= 0 and seconds is not None:
                results[(runner.label, case)].blocks.append(seconds)
    return results


def ratios(top: Samples, bottom: Samples) -> list[float]:
    """Block by block ratio ``top / bottom`` (both timed in the same block)."""
    return [a / b for a, b in zip(top.blocks, bottom.blocks, strict=False) if b > 0]


def table(header: Sequence[str], rows: Iterator[Sequence[str]] | list[Sequence[str]]) -> str:
    """A plain-text table, columns as wide as their widest cell."""
    body = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in body) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in body
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def internal(name: str, *modules: str) -> Any:
    """``name`` from the first of ``modules`` that imports: an internal module's
    current path first, then the paths older trees had it under, so that
    ``--compare`` runs these benchmarks on a tree from before a module moved.
    """
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except ImportError:
            continue
    raise ImportError(f"{name} is in none of {', '.join(modules)}")
