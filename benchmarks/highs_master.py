"""Baseline: parcelkit's season master as a MIP in HiGHS (highspy), under the same wall time.

Used by ``benchmarks/season_plan.py`` (issue 4, "Benchmark"); runnable alone::

    .venv/bin/python benchmarks/highs_master.py S --time-limit 60

The pipeline is parcelkit's own (`parcelkit.solve.season.plan`) with the
integer master swapped: the same greedy start, the same column generation on
the GLOP master LP with its Lagrangian bounds, the same patterns offered per
tier. What changes is who solves the integer master at each stage: HiGHS'
branch and cut instead of CP-SAT. The MIP per stage holds

* per tier and offered pattern an integer parcel count ``y`` and a binary
  ``u`` (used), ``1 <= y <= parcels x u``; at most ``max_variants`` used;
* the price spread as pairwise conflicts ``u_a + u_b <= 1``;
* per request a binary ``s`` (served), tiers served whole:
  ``sum_p y = parcels x s``;
* stock rows per sku and packaging;
* ``min_order`` as a semi-continuous season total per sku
  (0, or between the minimum and the stock);
* ``revenue_j >= F`` for every eligible producer (``reachable_j > 0``).

Objectives in FORMAT.md's priority order by successive solves, each holding
the last: parcels served (earlier requests breaking ties, as in parcelkit's
serve stage), then F, then the rupiah value of all parcels. Only the first
fairness level is raised (parcelkit goes on with leximin rounds), with the
whole fairness pricing budget. Each solve
starts from the previous stage's plan (the greedy plan first) via
``setSolution``, so HiGHS never ends below greedy either.

There is no public hook for parcelkit's pattern pool, so this benchmark
reaches into the season planner's inner pieces (``season_state.Season``,
``season_start.begin``, ``seed_pools``, ``round_lp``, ``season._generate``,
``_model`` for the patterns each tier is offered, ``_assemble`` ...). It is benchmark code,
not library code: when those pieces change, this file follows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import highspy

from parcelkit.models import Catalog, Request, SeasonPlan, Stage
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.leximin import Fairness, fairness_rows
from parcelkit.solve.patterns import Pattern
from parcelkit.solve.season import (
    PRICING_SHARE,
    PRICING_SOLVE_SECONDS,
    _assemble,
    _generate,
    _measure,
    _model,
    _record,
    master_lp,
)
from parcelkit.solve.season_model import TierPlan
from parcelkit.solve.season_start import begin, offer_rounded, round_lp, seed_pools
from parcelkit.solve.season_state import Answer, Season
from parcelkit.verify import check_plan

SOLVER_NAME = "HiGHS season master (column generation + HiGHS MIP)"

MIP_SHARE = {"serve": 1 / 3, "fairness": 1 / 2, "value": 1.0}
"""Share of the wall time left (after reserving later pricing) each stage's MIP gets."""
ASSEMBLY_RESERVE = 0.05
"""Share of the time limit kept for turning the answer into a verified plan."""


@dataclass
class _Rows:
    """A MIP being written down: columns, then rows as sparse lists."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    kind: list[Any] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_index: list[list[int]] = field(default_factory=list)
    row_value: list[list[float]] = field(default_factory=list)

    def column(self, lower: float, upper: float, kind: Any) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.kind.append(kind)
        return len(self.lower) - 1

    def row(self, lower: float, upper: float, terms: Sequence[tuple[int, float]]) -> int:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.row_index.append([i for i, _ in terms])
        self.row_value.append([v for _, v in terms])
        return len(self.row_lower) - 1


class HighsMaster:
    """The integer master of one stage's pattern sets, as a HiGHS MIP."""

    def __init__(
        self,
        season: Season,
        tiers: Sequence[TierPlan],
        fair: Fairness,
    ) -> None:
        self.season = season
        self.tiers = tiers
        self.active = sorted(fair.active)
        inf = highspy.kHighsInf
        integer, continuous = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
        mip = _Rows()
        requests = len(season.requests)
        self.served = [mip.column(0, 1, integer) for _ in range(requests)]
        self.level = mip.column(0, inf, continuous)
        self.counts: list[list[int]] = []
        self.used: list[list[int]] = []
        usage: dict[str, list[tuple[int, float]]] = {}
        revenue: dict[str, list[tuple[int, float]]] = {}
        for tier in tiers:
            counts = [mip.column(0, tier.parcels, integer) for _ in tier.patterns]
            used = [mip.column(0, 1, integer) for _ in tier.patterns]
            self.counts.append(counts)
            self.used.append(used)
            mip.row(0, 0, [*((y, 1.0) for y in counts), (self.served[tier.request], -tier.parcels)])
            for y, u in zip(counts, used, strict=True):
                mip.row(-inf, 0, [(y, 1.0), (u, -float(tier.parcels))])
                mip.row(0, inf, [(y, 1.0), (u, -1.0)])
            if used:
                mip.row(-inf, tier.max_variants, [(u, 1.0) for u in used])
            ratio = 1 + tier.spread
            for a, first in enumerate(tier.patterns):
                for b in range(a + 1, len(tier.patterns)):
                    low, high = sorted((first.price, tier.patterns[b].price))
                    if high * ratio.denominator > ratio.numerator * low:
                        mip.row(-inf, 1, [(used[a], 1.0), (used[b], 1.0)])
            for pattern, y in zip(tier.patterns, counts, strict=True):
                for key, units in pattern.uses:
                    usage.setdefault(key, []).append((y, float(units)))
                for producer, amount in pattern.revenue:
                    revenue.setdefault(producer, []).append((y, float(amount)))
        for key, terms in sorted(usage.items()):
            mip.row(-inf, season.left.get(key, 0), terms)
        self.totals: dict[str, int] = {}
        semi = highspy.HighsVarType.kSemiContinuous
        for product in season.catalog.products:
            short = product.min_order - season.ordered.get(product.sku, 0)
            if product.sku not in usage or short <= 1:
                continue
            stock = season.left.get(product.sku, 0)
            total = (
                mip.column(short, stock, semi) if stock >= short else mip.column(0, 0, continuous)
            )
            self.totals[product.sku] = total
            mip.row(0, 0, [*usage[product.sku], (total, -1.0)])
        for producer in sorted(fair.active):
            mip.row(
                -float(season.base.get(producer, 0)),
                inf,
                [*revenue.get(producer, []), (self.level, -1.0)],
            )
        self.hold_row = mip.row(
            -inf,
            inf,
            [
                (s, float(sum(season.tiers[t].parcels for t in season.tiers_of[r])))
                for r, s in enumerate(self.served)
            ],
        )
        self.usage = usage
        self.highs = _highs(mip)

    # ----------------------------------------------------------------- objectives

    def objective(self, stage: str) -> list[float]:
        """Column costs of ``stage`` (maximized).

        serve: parcels per request plus an arrival tie-break worth less than
        one parcel in total, i.e. parcelkit's serve weights divided by its M.
        """
        costs = [0.0] * self.highs.getNumCol()
        if stage == "serve":
            count = len(self.served)
            per_parcel = count * (count + 1) // 2 + 1
            for r, s in enumerate(self.served):
                parcels = sum(self.season.tiers[t].parcels for t in self.season.tiers_of[r])
                costs[s] = parcels + (count - r) / per_parcel
        elif stage == "fairness":
            costs[self.level] = 1.0
        else:
            for tier, counts in zip(self.tiers, self.counts, strict=True):
                for pattern, y in zip(tier.patterns, counts, strict=True):
                    costs[y] = float(pattern.price)
        return costs

    def hold(self, served: int | None, level: float | None) -> None:
        """Keep at least ``served`` parcels and the level at least ``level``."""
        if served is not None:
            self.highs.changeRowBounds(self.hold_row, float(served), highspy.kHighsInf)
        if level is not None:
            self.highs.changeColBounds(self.level, level, highspy.kHighsInf)

    # ----------------------------------------------------------------- solving

    def _start(self, answer: Answer) -> None:
        """Give HiGHS ``answer`` as its first incumbent (every pattern of it is offered).

        Called after the objective and bounds are set: changing the model
        afterwards could drop the start.
        """
        values = [0.0] * self.highs.getNumCol()
        for r in answer.served:
            values[self.served[r]] = 1.0
        units: dict[str, int] = {}
        revenue: dict[str, int] = dict(self.season.base)
        for t, fill in answer.fills.items():
            index = {(p.package, p.items): i for i, p in enumerate(self.tiers[t].patterns)}
            for pattern, count in fill:
                i = index[(pattern.package, pattern.items)]
                values[self.counts[t][i]] = float(count)
                values[self.used[t][i]] = 1.0
                for key, n in pattern.uses:
                    units[key] = units.get(key, 0) + n * count
                for producer, amount in pattern.revenue:
                    revenue[producer] = revenue.get(producer, 0) + amount * count
        for sku, total in self.totals.items():
            values[total] = float(units.get(sku, 0))
        values[self.level] = float(min((revenue.get(j, 0) for j in self.active), default=0))
        solution = highspy.HighsSolution()
        solution.col_value = values
        solution.value_valid = True
        self.highs.setSolution(solution)

    def run(self, stage: str, seconds: float, start: Answer) -> tuple[Answer | None, float | None]:
        """Maximize ``stage``'s objective from ``start`` for at most ``seconds``.

        Returns the answer HiGHS found (None if none) and HiGHS' own bound.
        """
        h = self.highs
        h.changeColsCost(h.getNumCol(), list(range(h.getNumCol())), self.objective(stage))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.setOptionValue("time_limit", max(0.5, seconds))
        self._start(start)
        h.run()
        info = h.getInfo()
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return None, None
        values = list(h.getSolution().col_value)
        served = tuple(r for r, s in enumerate(self.served) if values[s] > 0.5)
        fills: dict[int, tuple[tuple[Pattern, int], ...]] = {}
        for t, (tier, counts) in enumerate(zip(self.tiers, self.counts, strict=True)):
            fill = tuple(
                (pattern, round(values[y]))
                for pattern, y in zip(tier.patterns, counts, strict=True)
                if round(values[y]) > 0
            )
            if fill:
                fills[t] = fill
        return Answer(served, fills), float(info.mip_dual_bound)


def _highs(mip: _Rows) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    lp = highspy.HighsLp()
    lp.num_col_ = len(mip.lower)
    lp.num_row_ = len(mip.row_lower)
    lp.col_cost_ = [0.0] * lp.num_col_
    lp.col_lower_ = [float(v) for v in mip.lower]
    lp.col_upper_ = [float(v) for v in mip.upper]
    lp.row_lower_ = [float(v) for v in mip.row_lower]
    lp.row_upper_ = [float(v) for v in mip.row_upper]
    lp.integrality_ = mip.kind
    starts = [0]
    for index in mip.row_index:
        starts.append(starts[-1] + len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = [i for index in mip.row_index for i in index]
    lp.a_matrix_.value_ = [v for values in mip.row_value for v in values]
    h.passModel(lp)
    return h


def _mip_seconds(season: Season, stage: str) -> float:
    """Wall seconds for ``stage``'s MIP: its share of what later pricing and assembly leave."""
    later = {"serve": ("fairness", "value"), "fairness": ("value",), "value": ()}[stage]
    reserve = season.time_limit * (ASSEMBLY_RESERVE + sum(PRICING_SHARE[s] for s in later))
    left = season.deadline - time.monotonic() - reserve
    return max(0.5, left * MIP_SHARE[stage])


def bare_season(
    catalog: Catalog, requests: Sequence[Request], *, time_limit: float = 0.0, seed: int = 0
) -> Season:
    """The planner's state for a season with no fixed quotes, policy ``maxmin_share``."""
    return Season(
        catalog=catalog,
        requests=list(requests),
        left=available_stock(catalog, None),
        ordered={},
        policy="maxmin_share",
        max_share=None,
        time_limit=time_limit,
        seed=seed,
        workers=1,
        progress=None,
    )


def highs_plan(
    catalog: Catalog, requests: Sequence[Request], *, time_limit: float = 60.0, seed: int = 0
) -> SeasonPlan:
    """A season plan (policy ``maxmin_share``) with HiGHS solving every integer master."""
    season = bare_season(catalog, requests, time_limit=time_limit, seed=seed)
    begun = begin(season)
    reach, greedy, best = begun.reach, begun.greedy, begun.answer
    seed_pools(season)
    fair = fairness_rows("maxmin_share", reach)
    lp = master_lp(season, fair)
    stages: list[Stage] = []
    served: int | None = None
    level: float | None = None
    for stage in ("serve", "fairness", "value"):
        if stage == "fairness" and not fair.active:
            continue
        if time.monotonic() >= season.deadline:
            season.wall_stopped = True
            stages.append(Stage(name=stage))
            continue
        lp.set_stage(stage)
        solves = PRICING_SHARE[stage] * season.time_limit / PRICING_SOLVE_SECONDS
        bound, _ = _generate(season, lp, stage, int(solves), season.deadline)
        if stage == "serve":
            rounded, found = round_lp(season, lp)
            offer_rounded(season, lp, found)
            if rounded.parcels(season) > best.parcels(season):
                best = rounded
        # the patterns parcelkit's CP-SAT master would get (its model is built and dropped)
        offered = _model(season, lp, best, fair, stage).tiers
        master = HighsMaster(season, offered, fair)
        master.hold(served, level)
        answer, _ = master.run(stage, _mip_seconds(season, stage), best)
        if answer is not None and _keeps(season, answer, best, stage, served, level, fair):
            best = answer
        reached = _measure(season, best, stage, fair)
        stages.append(_record(stage, reached, bound))
        if stage == "serve":
            served = best.parcels(season)
            lp.hold_served(float(served))
        elif stage == "fairness":
            level = reached
            lp.hold_level(reached)
    result = _assemble(season, requests, (), reach, best, stages, greedy)
    return with_solver_name(result, SOLVER_NAME)


def _keeps(
    season: Season,
    answer: Answer,
    start: Answer,
    stage: str,
    served: int | None,
    level: float | None,
    fair: Fairness,
) -> bool:
    """Whether ``answer`` keeps the holds and is no worse than its start on ``stage``.

    HiGHS' tolerances could round past a hold, and a start it rejected could
    leave it with less than the start: the start is kept then.
    """
    if served is not None and answer.parcels(season) < served:
        return False
    if level is not None and _measure(season, answer, "fairness", fair) < level:
        return False
    return _measure(season, answer, stage, fair) >= _measure(season, start, stage, fair)


def with_solver_name(result: SeasonPlan, name: str) -> SeasonPlan:
    """The plan and its quotes under a baseline's solver name (``_assemble`` writes parcelkit's)."""
    info = result.solver.model_copy(update={"name": name})
    quotes = tuple(
        q.model_copy(update={"solver": q.solver.model_copy(update={"name": name})})
        for q in result.quotes
    )
    return result.model_copy(update={"solver": info, "quotes": quotes})


def _summary(result: SeasonPlan, violations: int) -> str:
    served = sum(t.parcels for q in result.quotes for t in q.tiers)
    stages = ", ".join(
        f"{s.name} {s.objective} (bound {s.bound}, gap {s.gap})" for s in result.solver.stages
    )
    return (
        f"{result.status.value}: {served:,} parcels served, {result.solver.wall_time_s:.1f} s; "
        f"{stages}; violations {violations}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Plan one generated season with the HiGHS master and print a summary."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from season_instances import make_instance

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("size", choices=["S", "M", "L", "XL"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    catalog, requests = make_instance(args.size, args.seed)
    result = highs_plan(catalog, requests, time_limit=args.time_limit, seed=args.seed)
    violations = check_plan(catalog, requests, result)
    print(_summary(result, len(violations)))
    return 0 if not violations else 1


if __name__ == "__main__":
    sys.exit(main())
