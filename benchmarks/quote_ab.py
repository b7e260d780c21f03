"""Interleaved A/B of the quote solver's tuning constants on the latency benchmark's quotes.

Run by hand (not part of ``make test``)::

    .venv/bin/python benchmarks/quote_ab.py "" "polish.ROUNDS=0" "quote.POLISH_WORK=0.05"

Each argument is one configuration: ``module.NAME=VALUE`` settings separated
by ``;`` (modules of ``parcelkit.solve``; a Python literal as the value), the
empty string for the code as it is. Every request of the latency benchmark
(the 70 sample requests and ``--synthetic`` generated ones) is quoted once
per configuration, one configuration after the other, before the next
request: the configurations see the same machine state, which drifts by
more than the differences measured here (the same code measured a median of
0.459 s and 0.515 s an hour apart). It prints, per configuration, the median
and p95 wall time of `quote`, the total time, and what the later stages
reached in all (weighted producers, spread stages within 1 % of their bound,
preference score, and the spread stages' mean gap to their bound); with
``--changes``, each request whose later stages reach differently.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import statistics
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from quote_latency import synthetic_requests

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Quote

Setting = tuple[ModuleType, str, Any]


@dataclass
class Tally:
    """What one configuration reached over all requests."""

    seconds: list[float] = field(default_factory=list)
    spread: float = 0.0
    spread_within: int = 0
    spread_gaps: list[float] = field(default_factory=list)
    preferences: float = 0.0
    reached: dict[str, tuple[float | None, ...]] = field(default_factory=dict)
    """Per request, what each stage after value reached."""

    def add(self, result: Quote, seconds: float) -> None:
        """Count one quote."""
        self.seconds.append(seconds)
        self.reached[result.request_id] = tuple(
            s.objective for s in result.solver.stages if s.name != "value"
        )
        for stage in result.solver.stages:
            if stage.name == "spread":
                self.spread += stage.objective or 0
                self.spread_within += stage.gap is not None and stage.gap <= 0.01
                if stage.gap is not None:
                    self.spread_gaps.append(stage.gap)
            elif stage.name == "preferences":
                self.preferences += stage.objective or 0

    def line(self, name: str) -> str:
        """One line of the report."""
        ordered = sorted(self.seconds)
        p95 = ordered[int(0.95 * len(ordered))]
        return (
            f"{name or '(as is)':45s} median {statistics.median(ordered):.3f} s, "
            f"p95 {p95:.3f} s, total {sum(ordered):.1f} s; spread {self.spread:,.0f} "
            f"({self.spread_within} within 1 %, mean gap {self._mean_gap():.1%}), "
            f"preferences {self.preferences:,.0f}"
        )

    def _mean_gap(self) -> float:
        return statistics.fmean(self.spread_gaps) if self.spread_gaps else 0.0


def parse(configuration: str) -> list[Setting]:
    """``module.NAME=VALUE;...`` as (module, name, value) settings."""
    settings = []
    for setting in filter(None, configuration.split(";")):
        target, value = setting.split("=", 1)
        module_name, name = target.strip().rsplit(".", 1)
        module = importlib.import_module(f"parcelkit.solve.{module_name}")
        if not hasattr(module, name):
            raise SystemExit(f"parcelkit.solve.{module_name} has no {name}")
        settings.append((module, name, ast.literal_eval(value.strip())))
    return settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configurations", nargs="+")
    parser.add_argument("--synthetic", type=int, default=60)
    parser.add_argument(
        "--changes",
        action="store_true",
        help="list the requests whose later stages reach differently, and what each reached",
    )
    args = parser.parse_args()
    quote_module = importlib.import_module("parcelkit.solve.quote")
    configurations = [parse(c) for c in args.configurations]
    defaults = {(m, n): getattr(m, n) for c in configurations for m, n, _ in c}
    catalog = karawang_catalog()
    requests = [*karawang_requests(), *synthetic_requests(catalog, args.synthetic)]
    tallies = [Tally() for _ in configurations]
    for request in requests:
        for settings, tally in zip(configurations, tallies, strict=True):
            for (module, name), value in defaults.items():
                setattr(module, name, value)
            for module, name, value in settings:
                setattr(module, name, value)
            started = time.perf_counter()
            result = quote_module.quote(catalog, request)
            tally.add(result, time.perf_counter() - started)
    for name, tally in zip(args.configurations, tallies, strict=True):
        print(tally.line(name))
    if args.changes:
        for request in requests:
            reached = [tally.reached[request.id] for tally in tallies]
            if any(r != reached[0] for r in reached):
                print(f"{request.id}: " + " | ".join(map(str, reached)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
