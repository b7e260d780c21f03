"""Season-plan benchmark (issue 4): parcelkit against greedy and a HiGHS master, same run.

Run by hand (not part of ``make test``; L and XL take minutes)::

    .venv/bin/python benchmarks/season_plan.py S M L [--seed 0] [--time-limit 60]
        [--json OUT] [--no-highs]

For each size it generates the season (``benchmarks/season_instances.py``)
and runs, one after the other, each method in a fresh subprocess, so that the
peak memory (``ru_maxrss`` of the child) and the wall time (the method's call
alone, imports and loading the instance excluded) belong to that method:

* ``parcelkit``: `parcelkit.solve.season.plan`, policy ``maxmin_share``;
* ``greedy``: DESIGN.md's greedy planner (`parcelkit.solve.greedy`) as a plan;
* ``highs``: parcelkit's master as a MIP in HiGHS (``benchmarks/highs_master.py``),
  on S, M and L, with the same time limit.

Every plan is checked by `parcelkit.verify.check_plan` in the parent. The
table per size gives served parcels and requests, company value (the rupiah
of all parcels), the fairness metrics, wall time, peak memory, and each
method's gap to the bounds of parcelkit's run: serve (parcels), fairness (the
first max-min level F, the least eligible producer's revenue) and value. The
fairness and value bounds hold given parcelkit's earlier stages, so a method
that serves fewer parcels may beat them (a negative gap). A summary checks the
issue's targets, PASS or FAIL each.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from parcelkit.models import Catalog, Request, SeasonPlan
from parcelkit.verify import check_plan

HERE = Path(__file__).resolve().parent
METHODS = ("parcelkit", "greedy", "highs")
HIGHS_SIZES = ("S", "M", "L")
"""Sizes the HiGHS baseline runs on (the issue leaves it out of XL)."""
GREEDY_NAME = "greedy (DESIGN.md: requests in order, one composition per tier)"

TIME_TARGET = {"S": 60.0, "M": 60.0, "L": 60.0, "XL": 600.0}
"""Wall seconds within which a valid parcelkit plan is due (L and XL from the issue)."""
SERVE_GAP_TARGET = 0.005
FAIRNESS_GAP_TARGET = 0.05
MEMORY_TARGET_MB = 2048.0
GINI_RATIO_TARGET = 0.5


def _sibling(name: str) -> ModuleType:
    """A module of ``benchmarks/`` by file (the folder is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load benchmarks/{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- the methods


def greedy_plan(catalog: Catalog, requests: Sequence[Request]) -> SeasonPlan:
    """The greedy plan as FORMAT.md's season plan, assembled as `plan` assembles its own.

    Uses ``parcelkit.solve.season``'s private assembly (benchmark code, not
    library code): the same producer table, ``reachable`` and unserved reasons
    as parcelkit's plans, so the metrics compare like with like.
    """
    from parcelkit.solve.season import _assemble
    from parcelkit.solve.season_start import begin

    highs_master = _sibling("highs_master")
    season = highs_master.bare_season(catalog, requests)
    begun = begin(season)
    result = _assemble(season, requests, (), begun.reach, begun.answer, [], begun.greedy)
    renamed: SeasonPlan = highs_master.with_solver_name(result, GREEDY_NAME)
    return renamed


def run_method(
    method: str, catalog: Catalog, requests: Sequence[Request], time_limit: float, seed: int
) -> SeasonPlan:
    """One method's plan of the season."""
    if method == "parcelkit":
        from parcelkit.solve.season import plan

        return plan(catalog, requests, policy="maxmin_share", time_limit=time_limit, seed=seed)
    if method == "greedy":
        return greedy_plan(catalog, requests)
    if method == "highs":
        result: SeasonPlan = _sibling("highs_master").highs_plan(
            catalog, requests, time_limit=time_limit, seed=seed
        )
        return result
    raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")


def child(method: str, instance: Path, out: Path, time_limit: float, seed: int) -> None:
    """In the subprocess: plan, and pickle (plan or error, wall seconds, peak MB) to ``out``."""
    with instance.open("rb") as handle:
        catalog, requests = pickle.load(handle)
    started = time.perf_counter()
    try:
        result: SeasonPlan | None = run_method(method, catalog, requests, time_limit, seed)
        error = None
    except Exception as exc:  # reported in the table, not raised: the other methods go on
        result, error = None, f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    with out.open("wb") as handle:
        pickle.dump({"plan": result, "error": error, "wall": wall, "peak_mb": peak_mb}, handle)


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One method on one season: what its plan achieves, what it cost, whether it verifies."""

    size: str
    method: str
    verified: bool
    violations: int
    status: str
    served_parcels: int = 0
    served_requests: int = 0
    value: int = 0
    """Rupiah of all parcels served (the companies' budget use)."""
    min_revenue: int = 0
    """The least eligible producer's revenue: the level F of ``maxmin_share``."""
    revenues: list[int] = field(default_factory=list)
    """Every eligible producer's revenue, smallest first: what leximin compares."""
    min_utilization: float = 0.0
    gini: float = 0.0
    jain: float = 0.0
    coverage: float = 0.0
    wall_s: float = 0.0
    peak_mb: float = 0.0
    deterministic: bool = True
    """The plan's ``solver.deterministic``: False when a wall clock, not counted
    work, stopped a stage (the plan may then differ from run to run)."""
    stages: list[dict[str, Any]] = field(default_factory=list)
    """The method's own stage records (name, objective, bound, gap)."""
    gaps: dict[str, float | None] = field(default_factory=dict)
    """Gap to parcelkit's bound per stage (serve, fairness, value); None when unknown."""
    error: str | None = None


def measure(
    size: str,
    method: str,
    catalog: Catalog,
    requests: Sequence[Request],
    outcome: Mapping[str, Any],
) -> Run:
    """A `Run` from a child's outcome; the plan is verified here, apart from the method."""
    result: SeasonPlan | None = outcome["plan"]
    wall, peak = round(outcome["wall"], 2), round(outcome["peak_mb"], 1)
    if result is None:
        return Run(
            size, method, False, 0, "error", wall_s=wall, peak_mb=peak, error=outcome["error"]
        )
    violations = check_plan(catalog, requests, result)
    eligible = [row.revenue for row in result.producers if row.reachable > 0]
    return Run(
        size=size,
        method=method,
        verified=not violations,
        violations=len(violations),
        status=result.status.value,
        served_parcels=sum(t.parcels for q in result.quotes for t in q.tiers),
        served_requests=len(result.quotes),
        value=sum(v.price * v.parcels for q in result.quotes for t in q.tiers for v in t.variants),
        min_revenue=min(eligible, default=0),
        revenues=sorted(eligible),
        min_utilization=result.fairness.min_utilization,
        gini=result.fairness.gini,
        jain=result.fairness.jain,
        coverage=result.fairness.coverage,
        wall_s=wall,
        peak_mb=peak,
        deterministic=result.solver.deterministic,
        stages=[s.model_dump() for s in result.solver.stages],
        error="; ".join(str(v) for v in violations[:3]) or None,
    )


def bounds_of(run: Run) -> dict[str, float | None]:
    """parcelkit's proven bounds: serve, the first fairness level, value."""
    found: dict[str, float | None] = {"serve": None, "fairness": None, "value": None}
    for stage in run.stages:
        if stage["name"] in found:
            found[stage["name"]] = stage["bound"]
    return found


def add_gaps(runs: Sequence[Run], bounds: Mapping[str, float | None]) -> None:
    """Each run's gap to ``bounds``: (bound - reached) / bound, negative when above it."""
    for run in runs:
        reached = {"serve": run.served_parcels, "fairness": run.min_revenue, "value": run.value}
        run.gaps = {
            stage: None
            if bound is None or run.status == "error"
            else (bound - reached[stage]) / bound
            if bound
            else 0.0
            for stage, bound in bounds.items()
        }


def run_size(
    size: str,
    catalog: Catalog,
    requests: Sequence[Request],
    methods: Sequence[str],
    time_limit: float,
    seed: int,
) -> list[Run]:
    """Every method on one season, each in its own subprocess, one after the other."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="season-bench-") as folder:
        instance = Path(folder) / "instance.pickle"
        with instance.open("wb") as handle:
            pickle.dump((catalog, list(requests)), handle)
        for method in methods:
            out = Path(folder) / f"{method}.pickle"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                method,
                "--instance",
                str(instance),
                "--out",
                str(out),
                "--time-limit",
                str(time_limit),
                "--seed",
                str(seed),
            ]
            started = time.perf_counter()
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=20 * time_limit + 600
            )
            if done.returncode != 0 or not out.exists():
                outcome: dict[str, Any] = {
                    "plan": None,
                    "error": f"exit {done.returncode}: {done.stderr.strip()[-500:]}",
                    "wall": time.perf_counter() - started,
                    "peak_mb": 0.0,
                }
            else:
                with out.open("rb") as handle:
                    outcome = pickle.load(handle)
            runs.append(measure(size, method, catalog, requests, outcome))
    parcelkit = next((r for r in runs if r.method == "parcelkit"), None)
    if parcelkit is not None:
        add_gaps(runs, bounds_of(parcelkit))
    return runs


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Check:
    """One target of the issue: what was asked, what was measured, and the verdict."""

    target: str
    measured: str
    passed: bool
    counts: bool = True
    """False for a figure shown for reference only (printed INFO, not a target)."""


def _find(runs: Sequence[Run], size: str, method: str) -> Run | None:
    return next((r for r in runs if r.size == size and r.method == method), None)


def _stage_gap(run: Run, name: str) -> float | None:
    gap = next((s["gap"] for s in run.stages if s["name"] == name), None)
    return None if gap is None else float(gap)


def check_targets(runs: Sequence[Run]) -> list[Check]:
    """The issue's targets on ``runs``, per size where they apply, then over the suite."""
    checks: list[Check] = []
    sizes = list(dict.fromkeys(r.size for r in runs))
    for size in sizes:
        ours = _find(runs, size, "parcelkit")
        if ours is None:
            continue
        limit = TIME_TARGET.get(size, 60.0)
        checks.append(
            Check(
                f"{size}: parcelkit valid in <= {limit:.0f} s",
                f"verified {'yes' if ours.verified else 'no'}, {ours.wall_s:.1f} s",
                ours.verified and ours.wall_s <= limit,
            )
        )
        if size == "XL":
            continue
        # The plan's served parcels, not the serve stage's: a later stage could lose some.
        serve = ours.gaps.get("serve")
        checks.append(
            Check(
                f"{size}: served parcels within {SERVE_GAP_TARGET:.1%} of the bound",
                "no bound" if serve is None else f"gap {serve:.3%}",
                serve is not None and serve <= SERVE_GAP_TARGET,
            )
        )
        fair = _stage_gap(ours, "fairness")
        checks.append(
            Check(
                f"{size}: fairness stage within {FAIRNESS_GAP_TARGET:.0%} of its bound",
                "no bound" if fair is None else f"gap {fair:.3%}",
                fair is not None and fair <= FAIRNESS_GAP_TARGET,
            )
        )
        checks.append(
            Check(
                f"{size}: peak memory <= {MEMORY_TARGET_MB:.0f} MB",
                f"{ours.peak_mb:.0f} MB",
                ours.status != "error" and ours.peak_mb <= MEMORY_TARGET_MB,
            )
        )
        greedy = _find(runs, size, "greedy")
        if greedy is not None and greedy.status != "error":
            checks.append(
                Check(
                    f"{size}: never fewer served parcels than greedy",
                    f"{ours.served_parcels:,} vs {greedy.served_parcels:,}",
                    ours.served_parcels >= greedy.served_parcels,
                )
            )
            checks.append(
                Check(
                    f"{size}: coverage at least greedy's",
                    f"{ours.coverage:.3f} vs {greedy.coverage:.3f}",
                    ours.coverage >= greedy.coverage,
                )
            )
        highs = _find(runs, size, "highs")
        if highs is not None and highs.status != "error":
            checks.append(leximin_check(size, ours, highs))
            mine = (ours.served_parcels, ours.min_revenue, ours.value)
            theirs = (highs.served_parcels, highs.min_revenue, highs.value)
            checks.append(
                Check(
                    f"{size}: (for reference) against HiGHS by served, F, value",
                    f"{_triple(mine)} vs {_triple(theirs)}",
                    mine >= theirs,
                    counts=False,
                )
            )
    ours_gini = [r.gini for r in runs if r.method == "parcelkit" and r.status != "error"]
    greedy_gini = [r.gini for r in runs if r.method == "greedy" and r.status != "error"]
    if ours_gini and greedy_gini:
        ours_median, greedy_median = statistics.median(ours_gini), statistics.median(greedy_gini)
        checks.append(
            Check(
                f"suite ({', '.join(sizes)}): median gini <= {GINI_RATIO_TARGET:g} x greedy's",
                f"{ours_median:.3f} vs {GINI_RATIO_TARGET:g} x {greedy_median:.3f} "
                f"= {GINI_RATIO_TARGET * greedy_median:.3f}",
                ours_median <= GINI_RATIO_TARGET * greedy_median,
            )
        )
    return checks


def leximin_check(size: str, ours: Run, highs: Run) -> Check:
    """parcelkit against HiGHS in the order the plan optimizes (FORMAT.md, ``maxmin_share``).

    Served parcels first; then the eligible producers' revenues compared
    smallest first (leximin: the smallest, then the next smallest, ...);
    then company value. HiGHS raises only the first level and then value,
    so where both reach the same smallest revenue the next level decides,
    not value: parcelkit's later leximin rounds and its fill round trade
    value for those levels by design.
    """
    mine = (ours.served_parcels, ours.revenues, ours.value)
    theirs = (highs.served_parcels, highs.revenues, highs.value)
    if mine[0] != theirs[0]:
        measured = f"served {mine[0]:,} vs {theirs[0]:,}"
    elif mine[1] != theirs[1]:
        level = next(
            (k for k, (a, b) in enumerate(zip(mine[1], theirs[1], strict=False)) if a != b),
            min(len(mine[1]), len(theirs[1])),
        )
        own = mine[1][level] if level < len(mine[1]) else None
        other = theirs[1][level] if level < len(theirs[1]) else None
        measured = (
            f"served equal; first differing level {level + 1}: "
            f"Rp {_rupiah(own) if own is not None else '-'} vs "
            f"Rp {_rupiah(other) if other is not None else '-'}"
        )
    else:
        measured = (
            f"served and revenues equal; value Rp {_rupiah(mine[2])} vs Rp {_rupiah(theirs[2])}"
        )
    return Check(
        f"{size}: at least as good as HiGHS at equal time (served, leximin, value)",
        measured,
        mine >= theirs,
    )


def _triple(values: tuple[int, int, int]) -> str:
    return f"({values[0]:,}, Rp {_rupiah(values[1])}, Rp {_rupiah(values[2])})"


# --------------------------------------------------------------------------- printing


def _rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _gap(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


COLUMNS = (
    "method",
    "served parcels",
    "requests",
    "value (Rp)",
    "min util",
    "gini",
    "jain",
    "coverage",
    "wall s",
    "gap serve",
    "gap fair",
    "gap value",
    "peak MB",
    "verified",
    "reproducible",
)


def table(runs: Sequence[Run]) -> str:
    """One size's runs as a plain-text table (plain, so it never wraps in a log)."""
    rows = [list(COLUMNS)]
    for run in runs:
        if run.status == "error":
            rows.append([run.method, "error", *[""] * 10, f"{run.peak_mb:.0f}", "no", ""])
            continue
        rows.append(
            [
                run.method,
                f"{run.served_parcels:,}",
                f"{run.served_requests:,}",
                _rupiah(run.value),
                f"{run.min_utilization:.4f}",
                f"{run.gini:.4f}",
                f"{run.jain:.4f}",
                f"{run.coverage:.3f}",
                f"{run.wall_s:.1f}",
                _gap(run.gaps.get("serve")),
                _gap(run.gaps.get("fairness")),
                _gap(run.gaps.get("value")),
                f"{run.peak_mb:.0f}",
                "yes" if run.verified else f"no ({run.violations})",
                "yes" if run.deterministic else "no",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for k, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    for run in runs:
        if run.error:
            lines.append(f"  {run.method}: {run.error}")
    return "\n".join(lines)


def stages_line(run: Run) -> str:
    """parcelkit's stages: objective, bound and gap of each."""
    parts = []
    for stage in run.stages:
        if stage["objective"] is None:
            parts.append(f"{stage['name']} not run")
            continue
        bound = "-" if stage["bound"] is None else f"{stage['bound']:,.0f}"
        parts.append(f"{stage['name']} {stage['objective']:,.0f} / {bound} ({_gap(stage['gap'])})")
    return "; ".join(parts)


def report_checks(checks: Sequence[Check]) -> str:
    """The targets, PASS or FAIL each."""
    width = max((len(c.target) for c in checks), default=0)
    return "\n".join(f"{_verdict(c)}  {c.target.ljust(width)}  {c.measured}" for c in checks)


def _verdict(check: Check) -> str:
    if not check.counts:
        return "INFO"
    return "PASS" if check.passed else "FAIL"


# --------------------------------------------------------------------------- the suite


def run_suite(
    instances: Mapping[str, tuple[Catalog, Sequence[Request]]],
    *,
    time_limit: float,
    seed: int,
    highs: bool = True,
    echo: bool = True,
) -> tuple[list[Run], list[Check]]:
    """Every method on every season (name -> season); prints as it goes when ``echo``."""
    runs: list[Run] = []
    for size, (catalog, requests) in instances.items():
        methods = [m for m in METHODS if m != "highs" or (highs and size in HIGHS_SIZES)]
        if echo:
            summary = _sibling("season_instances").summary(catalog, requests)
            print(f"== {size} (seed {seed}, time limit {time_limit:g} s): {summary}", flush=True)
        found = run_size(size, catalog, requests, methods, time_limit, seed)
        runs += found
        if echo:
            print(table(found))
            ours = _find(found, size, "parcelkit")
            if ours is not None and ours.stages:
                print(f"parcelkit stages (objective / bound (gap)): {stages_line(ours)}")
            print(flush=True)
    checks = check_targets(runs)
    if echo:
        print("== targets")
        print(report_checks(checks))
    return runs, checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("sizes", nargs="*", help="S, M, L and/or XL")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="write every number to this file")
    parser.add_argument("--no-highs", action="store_true", help="skip the HiGHS baseline")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.instance, args.out, args.time_limit, args.seed)
        return 0
    if not args.sizes or not set(args.sizes) <= set(TIME_TARGET):
        parser.error(f"give one or more sizes among {', '.join(TIME_TARGET)}")
    make_instance = _sibling("season_instances").make_instance
    instances = {size: make_instance(size, args.seed) for size in dict.fromkeys(args.sizes)}
    runs, checks = run_suite(
        instances, time_limit=args.time_limit, seed=args.seed, highs=not args.no_highs
    )
    if args.json:
        document = {
            "seed": args.seed,
            "time_limit": args.time_limit,
            "cpu_count": os.cpu_count(),
            "runs": [asdict(r) for r in runs],
            "targets": [asdict(c) for c in checks],
        }
        args.json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    met = all(c.passed for c in checks if c.counts)
    return 0 if met and all(r.verified for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
