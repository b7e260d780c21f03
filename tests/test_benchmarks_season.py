"""The season-plan benchmark harness (``benchmarks/season_plan.py``, ``highs_master.py``).

End to end on a small season cut from the S instance (its first requests,
S's catalog) with short limits: every method runs in its own subprocess and
its plan verifies. The target checks and the gaps are tested on hand-made
runs. The L and XL runs belong to the benchmark, never to the suite.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from parcelkit.models import Catalog, Request
from parcelkit.solve.greedy import greedy_season
from parcelkit.verify import check_plan

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
HAS_HIGHS = importlib.util.find_spec("highspy") is not None


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The harness module."""
    return _load("season_plan")


@pytest.fixture(scope="module")
def small() -> tuple[Catalog, list[Request]]:
    """S's catalog with its first 8 requests: a season that plans in seconds."""
    catalog, requests = _load("season_instances").make_instance("S", 0)
    return catalog, requests[:8]


def test_suite_runs_end_to_end_and_every_plan_verifies(
    bench: ModuleType, small: tuple[Catalog, list[Request]]
) -> None:
    """Each method runs in a subprocess, verifies, and parcelkit never serves below greedy."""
    runs, checks = bench.run_suite(
        {"S": small}, time_limit=2.0, seed=0, highs=HAS_HIGHS, echo=False
    )
    expected = ["parcelkit", "greedy"] + (["highs"] if HAS_HIGHS else [])
    assert [r.method for r in runs] == expected
    for run in runs:
        assert run.status != "error", run.error
        assert run.verified, run.error
        assert run.served_requests > 0
        assert run.peak_mb > 0 and run.wall_s > 0
        assert run.gaps["serve"] is not None and run.gaps["serve"] >= -1e-9
    by_method = {r.method: r for r in runs}
    assert by_method["parcelkit"].served_parcels >= by_method["greedy"].served_parcels
    names = [c.target for c in checks]
    assert "S: never fewer served parcels than greedy" in names
    assert any(name.startswith("suite (S): median gini") for name in names)
    assert bench.table(runs).count("\n") == len(runs) + 1


def test_greedy_plan_matches_the_greedy_planner(
    bench: ModuleType, small: tuple[Catalog, list[Request]]
) -> None:
    """The greedy baseline's plan verifies and serves exactly the requests greedy serves."""
    catalog, requests = small
    result = bench.greedy_plan(catalog, requests)
    assert check_plan(catalog, requests, result) == []
    choices = greedy_season(catalog, requests)
    assert [q.request_id for q in result.quotes] == [c.request_id for c in choices if c.served]
    assert result.solver.name == bench.GREEDY_NAME


def _run(bench: ModuleType, method: str, revenues: Sequence[int] = (), **figures: float) -> object:
    defaults = {"served_parcels": 100, "min_revenue": 10, "value": 1_000, "coverage": 1.0}
    defaults.update(figures)
    levels = sorted(revenues) or [int(defaults["min_revenue"]), 50, 90]
    stages = [
        {"name": "serve", "objective": 100.0, "bound": 100.0, "gap": figures.get("serve_gap", 0.0)},
        {"name": "fairness", "objective": 10.0, "bound": 10.0, "gap": 0.0},
    ]
    run = bench.Run(
        size="S",
        method=method,
        verified=True,
        violations=0,
        status="feasible",
        served_parcels=int(defaults["served_parcels"]),
        min_revenue=levels[0],
        revenues=levels,
        value=int(defaults["value"]),
        coverage=defaults["coverage"],
        gini=figures.get("gini", 0.2),
        wall_s=figures.get("wall_s", 5.0),
        peak_mb=200.0,
        stages=stages if method == "parcelkit" else [],
    )
    bound = 100.0 / (1 - figures.get("serve_gap", 0.0))
    run.gaps = {"serve": (bound - run.served_parcels) / bound}
    return run


def test_targets_fail_when_parcelkit_falls_short(bench: ModuleType) -> None:
    """Fewer parcels than greedy, a worse lexicographic result than HiGHS and a high gini fail."""
    runs = [
        _run(bench, "parcelkit", served_parcels=90, gini=0.3, serve_gap=0.01, wall_s=70.0),
        _run(bench, "greedy", served_parcels=95, gini=0.5),
        _run(bench, "highs", served_parcels=90, min_revenue=11),
    ]
    verdict = {c.target: c.passed for c in bench.check_targets(runs)}
    assert verdict["S: parcelkit valid in <= 60 s"] is False
    assert verdict["S: served parcels within 0.5% of the bound"] is False
    assert verdict["S: never fewer served parcels than greedy"] is False
    assert verdict["S: coverage at least greedy's"] is True
    assert verdict["S: at least as good as HiGHS at equal time (served, leximin, value)"] is False
    assert verdict["suite (S): median gini <= 0.5 x greedy's"] is False


def test_highs_is_compared_in_the_leximin_order(bench: ModuleType) -> None:
    """With served parcels and the smallest revenue equal, the next smallest revenue decides
    before value; the (served, F, value) comparison is shown for reference, not counted."""
    fairer = _run(bench, "parcelkit", revenues=[10, 60, 90], value=900)
    richer = _run(bench, "highs", revenues=[10, 40, 110], value=1_000)
    check = bench.leximin_check("S", fairer, richer)
    assert check.passed
    assert "level 2: Rp 60 vs Rp 40" in check.measured
    assert not bench.leximin_check("S", richer, fairer).passed
    same = _run(bench, "highs", revenues=[10, 60, 90], value=901)
    assert not bench.leximin_check("S", fairer, same).passed
    checks = {c.target: c for c in bench.check_targets([fairer, richer])}
    reference = checks["S: (for reference) against HiGHS by served, F, value"]
    assert not reference.passed and not reference.counts
    assert bench.report_checks([reference]).startswith("INFO")


def test_targets_pass_when_parcelkit_meets_them(bench: ModuleType) -> None:
    """A run that meets every target passes every check."""
    runs = [
        _run(bench, "parcelkit", gini=0.2),
        _run(bench, "greedy", served_parcels=95, gini=0.5, coverage=0.9),
        _run(bench, "highs", served_parcels=100, min_revenue=10, value=999),
    ]
    checks = [c for c in bench.check_targets(runs) if c.counts]
    assert len(checks) == 8
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]


def test_gaps_are_signed_and_unknown_without_a_bound(bench: ModuleType) -> None:
    """A gap is (bound - reached) / bound, negative above the bound, None with no bound."""
    runs = [_run(bench, "greedy", served_parcels=80, value=1_100)]
    bench.add_gaps(runs, {"serve": 100.0, "fairness": None, "value": 1_000.0})
    gaps = runs[0].gaps
    assert gaps["serve"] == pytest.approx(0.2)
    assert gaps["fairness"] is None
    assert gaps["value"] == pytest.approx(-0.1)
