"""The season master LP, grown by column generation, and its Lagrangian bound.

Variables: ``y[t, p]`` parcels of tier ``t`` that get pattern ``p``,
``s[r]`` the share of request ``r`` served (0..1), ``F`` the fairness level.
Rows:

- per tier: ``sum_p y[t, p] = parcels_t x s[r]`` (a request is served whole);
- per sku and packaging: units used <= stock left;
- per eligible producer (fairness policies): ``revenue_j >= weight_j x F``,
  with weight 1 (``maxmin_share``) or reachable_j / 1e6 (``proportional``);
  in the fill round each producer's own level ``z_j`` takes F's place
  (`SeasonLP.set_fill`);
- per producer (``max_share``): ``den x revenue_j <= num x all producer revenue``;
- a hold row on the served parcels once the serve stage is done.

The objective is the current stage's: parcels served, ``F``, the sum of the
``z_j`` (fill), or parcel value.
This relaxation drops ``max_variants``, the price spread and ``min_order``, so
its optimum over *all* patterns bounds the integer master from above. While
column generation has not converged, the bound is Lagrangian:
``pi.b + sum over variables of the best their box allows at reduced cost``,
with ``sum_p y[t, p] <= parcels_t`` keeping each tier's box finite; the
pricing solves (or their cheap relaxation) give each tier's best reduced cost.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.linear_solver import pywraplp

from parcelkit.errors import SolverError
from parcelkit.solve.patterns import Pattern

log = logging.getLogger(__name__)

VALUE_SCALE = 1e-3
"""The value and fill stages' LP objectives are in thousands (of rupiah, or of levels):
fewer numerical troubles in GLOP."""

ITERATION_SECONDS = 1.0e-4
COLUMN_ITERATION_SECONDS = 1.6e-8
"""A GLOP iteration's wall seconds, about: ``ITERATION_SECONDS`` plus this per column
(size L's serve stage, 2026-12-02: 0.14 ms with 4,000 columns, 0.34 ms with 15,000).
`SeasonLP.work` counts solves in these estimated seconds, from GLOP's iteration
count, so that column generation can budget its LP solves deterministically."""

WARM_PARAMETERS = "use_dual_simplex: true use_preprocessing: false"
"""GLOP's parameters: dual simplex, no presolve, so each solve starts from the last basis."""
COLD_PARAMETERS = "use_dual_simplex: false use_preprocessing: true"
"""GLOP's parameters for a last try at an LP the warm solves ended ABNORMAL on: primal
simplex after presolve, from scratch."""

PROPORTIONAL_SCALE = 1_000_000
"""F is measured per million of a producer's reachable revenue under ``proportional``."""


@dataclass(frozen=True)
class TierRow:
    """A tier of a request the master may serve."""

    request: int
    """Index of the request among the master's requests."""
    parcels: int
    fees: int


@dataclass
class Column:
    """A pattern offered to one tier."""

    tier: int
    pattern: Pattern
    var: pywraplp.Variable


@dataclass
class SeasonLP:
    """The restricted master LP (GLOP), its rows fixed, its columns growing."""

    tiers: Sequence[TierRow]
    request_parcels: Sequence[int]
    stock: Mapping[str, int]
    owner: Mapping[str, str]
    fairness: Mapping[str, float]
    """Eligible producer -> its weight in the fairness rows (empty: no fairness rows)."""
    fairness_cap: float
    max_share: Fraction | None
    producers: Sequence[str]
    base: Mapping[str, int]
    """Producer -> revenue already paid by fixed quotes."""
    columns: list[Column] = field(default_factory=list)
    deadline: float | None = None
    """``time.monotonic()`` value past which no LP solve may run (None: no limit)."""

    def __post_init__(self) -> None:
        self.active = set(self.fairness)
        self.floors: dict[str, float] = {}
        self.fill_box: dict[str, tuple[float, float]] = {}
        """Producer -> (floor, target) of its own level in the fill round, once set."""
        self.stage = "serve"
        self.last_counts: list[tuple[Column, float]] = []
        self.last_served: list[float] = [0.0] * len(self.request_parcels)
        self.work = 0.0
        """Estimated seconds of all solves so far, from their iterations (deterministic)."""
        self.solved = False
        """Whether the last `solve` ended optimal: only then may values and duals be read
        (ortools logs an error on stderr for each read after a failed solve)."""
        self._build()

    def _build(self) -> None:
        """Create the solver and the rows (also to start afresh: see `solve`)."""
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with ortools
            raise SolverError("GLOP is not available in this ortools build")
        self.solver = solver
        # Primal simplex ended ABNORMAL on the sample's value stage (the same
        # LP exported and solved afresh was fine); dual simplex does not.
        # Without presolve GLOP starts each solve from the last basis (columns
        # are only ever added): size L's serve LP solves took 0.57 s instead
        # of 0.98 s each (measured over its first 800 pricing solves).
        solver.SetSolverSpecificParametersAsString(WARM_PARAMETERS)
        inf = solver.infinity()
        self.served = [solver.NumVar(0.0, 1.0, f"s{r}") for r in range(len(self.request_parcels))]
        self.level = solver.NumVar(0.0, self.fairness_cap, "F")
        self.conv = []
        for t, tier in enumerate(self.tiers):
            row = solver.Constraint(0.0, 0.0, f"conv{t}")
            row.SetCoefficient(self.served[tier.request], -float(tier.parcels))
            self.conv.append(row)
        self.stock_rows = {
            key: solver.Constraint(-inf, float(units), f"stock:{key}")
            for key, units in sorted(self.stock.items())
        }
        self.fill: dict[str, pywraplp.Variable] = {}
        self.fair_rows = {}
        for producer, weight in sorted(self.fairness.items()):
            row = solver.Constraint(-float(self.base.get(producer, 0)), inf, f"fair:{producer}")
            row.SetCoefficient(self.level, -weight)
            self.fair_rows[producer] = row
        self.share_rows = {}
        if self.max_share is not None:
            num, den = self.max_share.numerator, self.max_share.denominator
            paid = sum(self.base.values())
            self.share_rows = {
                producer: solver.Constraint(
                    -inf, float(num * paid - den * self.base.get(producer, 0)), f"share:{producer}"
                )
                for producer in self.producers
            }
        self.hold = solver.Constraint(-inf, inf, "hold:served")
        for r, parcels in enumerate(self.request_parcels):
            self.hold.SetCoefficient(self.served[r], float(parcels))

    # ----------------------------------------------------------------- building

    def _rebuild(self) -> None:
        """The same LP in a new solver: rows, holds, floors, level bounds and columns."""
        hold, low, high = self.hold.lb(), self.level.lb(), self.level.ub()
        columns = self.columns
        self.columns = []
        self._build()
        self.hold.SetBounds(hold, self.solver.infinity())
        self.level.SetBounds(low, high)
        for producer, level in self.floors.items():
            self._floor_row(producer, level)
        if self.fill_box:
            self.set_fill(self.fill_box)
        for column in columns:
            self.add(column.tier, column.pattern)
        self.set_stage(self.stage)

    def add(self, tier: int, pattern: Pattern) -> None:
        """Offer ``pattern`` to ``tier`` as a new column."""
        var = self.solver.NumVar(0.0, self.solver.infinity(), f"y{len(self.columns)}")
        self.conv[tier].SetCoefficient(var, 1.0)
        for key, units in pattern.uses:
            row = self.stock_rows.get(key)
            if row is not None:
                row.SetCoefficient(var, float(units))
        revenue = dict(pattern.revenue)
        for producer, amount in revenue.items():
            fair = self.fair_rows.get(producer)
            if fair is not None:
                fair.SetCoefficient(var, float(amount))
        if self.share_rows:
            assert self.max_share is not None
            num, den = self.max_share.numerator, self.max_share.denominator
            total = sum(revenue.values())
            for producer, row in self.share_rows.items():
                row.SetCoefficient(var, float(den * revenue.get(producer, 0) - num * total))
        self.columns.append(Column(tier, pattern, var))
        self._set_objective_of(self.columns[-1])

    def set_stage(self, stage: str) -> None:
        """Switch the objective to ``serve``, ``fairness``, ``fill`` or ``value``."""
        self.stage = stage
        objective = self.solver.Objective()
        objective.Clear()
        if stage == "serve":
            for var, parcels in zip(self.served, self.request_parcels, strict=True):
                objective.SetCoefficient(var, float(parcels))
        elif stage == "fairness":
            objective.SetCoefficient(self.level, 1.0)
        elif stage == "fill":
            for var in self.fill.values():
                objective.SetCoefficient(var, VALUE_SCALE)
        for column in self.columns:
            self._set_objective_of(column)
        objective.SetMaximization()

    def _set_objective_of(self, column: Column) -> None:
        if self.stage == "value":
            self.solver.Objective().SetCoefficient(
                column.var, float(column.pattern.price) * VALUE_SCALE
            )

    def hold_served(self, parcels: float) -> None:
        """Keep at least ``parcels`` served from now on."""
        self.hold.SetBounds(parcels, self.solver.infinity())

    def hold_level(self, level: float) -> None:
        """Keep the fairness level at least ``level`` from now on."""
        self.level.SetLb(min(level, self.level.ub()))

    def fix_floor(self, producer: str, level: float) -> None:
        """Leximin: ``producer`` leaves the level F and keeps ``level`` as its own floor."""
        self.floors[producer] = level
        self._floor_row(producer, level)
        self.active.discard(producer)

    def _floor_row(self, producer: str, level: float) -> None:
        row = self.fair_rows[producer]
        row.SetCoefficient(self.level, 0.0)
        row.SetLb(self.fairness[producer] * level - self.base.get(producer, 0))

    def set_fill(self, box: Mapping[str, tuple[float, float]]) -> None:
        """The fill round: each eligible producer gets a level of its own, within ``box``.

        The shared level F leaves every fairness row and producer j's own
        ``z_j`` takes its place (``revenue_j >= weight_j x z_j``), from its
        floor up to the fill's target (``box[j]``). The rows of the leximin
        floors become the ``z_j``'s lower bounds, so every floor still holds
        in the stages after.
        """
        self.fill_box = dict(box)
        self.fill = {}
        self.level.SetBounds(0.0, 0.0)
        for producer, row in self.fair_rows.items():
            low, high = box[producer]
            row.SetCoefficient(self.level, 0.0)
            row.SetLb(-float(self.base.get(producer, 0)))
            var = self.solver.NumVar(low, high, f"z:{producer}")
            row.SetCoefficient(var, -self.fairness[producer])
            self.fill[producer] = var
        self.active.clear()

    def fill_value(self) -> float:
        """The sum of the ``z_j`` in the last solve; 0 when it did not end optimal."""
        return sum(var.solution_value() for var in self.fill.values()) if self.solved else 0.0

    def next_level(self, cap: float) -> None:
        """Leximin: a new level F for the producers still active, from 0 up to ``cap``."""
        self.level.SetBounds(0.0, cap)

    def blocked(self, caps: Mapping[str, float], tolerance: float = 1e-9) -> list[str]:
        """Active producers the level cannot be raised past, in the last LP solution.

        Those whose fairness row has a dual price; when F sits at its upper
        bound (the smallest of the active producers' ``caps``), those whose
        cap it is.
        """
        priced = [
            j
            for j in sorted(self.active)
            if self.solved and self.fair_rows[j].dual_value() < -tolerance
        ]
        top = self.level.ub()
        if self.level_value() >= top * (1 - 1e-9):
            priced += [j for j in sorted(self.active) if caps[j] <= top * (1 + 1e-9)]
        return sorted(set(priced))

    # ----------------------------------------------------------------- solving

    def solve(self) -> Duals | None:
        """Solve the restricted LP: its optimum and duals, or None if GLOP fails on it.

        None too when the deadline passes first: GLOP gets the time left as
        its limit. The positive columns of the last good solve are kept for
        `counts`.
        """
        self.solved = False
        if not self._time_left():
            return None
        status = self._counted_solve()
        if status != pywraplp.Solver.OPTIMAL and self._time_left():
            # GLOP has ended ABNORMAL after many incremental changes (seen on
            # the sample's and size S's value stages) on LPs it solves fine
            # when built afresh: rebuild once and try again.
            self._rebuild()
            if self._time_left():
                status = self._counted_solve()
        if status != pywraplp.Solver.OPTIMAL and self._time_left():
            # Rebuilt, the sample's fill LP still ended ABNORMAL; primal simplex
            # after presolve solves it (measured), from scratch.
            self.solver.SetSolverSpecificParametersAsString(COLD_PARAMETERS)
            status = self._counted_solve()
            self.solver.SetSolverSpecificParametersAsString(WARM_PARAMETERS)
        if status != pywraplp.Solver.OPTIMAL:
            if self._time_left():
                log.warning("season master LP: GLOP status %s, column generation stops", status)
            else:
                log.debug("season master LP: the deadline stopped GLOP")
            return None
        self.solved = True
        self.last_counts = [
            (c, c.var.solution_value()) for c in self.columns if c.var.solution_value() > 1e-9
        ]
        self.last_served = [var.solution_value() for var in self.served]
        return Duals(self, self.solver.Objective().Value() / self.scale())

    def _counted_solve(self) -> int:
        """One GLOP solve, its estimated seconds added to `work`."""
        status = int(self.solver.Solve())
        per_iteration = ITERATION_SECONDS + COLUMN_ITERATION_SECONDS * len(self.columns)
        self.work += self.solver.iterations() * per_iteration
        return status

    def level_value(self) -> float:
        """The fairness level F of the last solve; 0 when it did not end optimal."""
        return self.level.solution_value() if self.solved else 0.0

    def _time_left(self) -> bool:
        """Set GLOP's time limit to what is left before the deadline; False if nothing is."""
        if self.deadline is None:
            return True
        left = self.deadline - time.monotonic()
        if left <= 0:
            return False
        self.solver.SetTimeLimit(max(1, int(left * 1000)))
        return True

    def scale(self) -> float:
        """Objective units per reported unit: parcel value and the fill's levels are
        counted in thousands (GLOP ended ABNORMAL on the sample's fill LP in units)."""
        return VALUE_SCALE if self.stage in ("value", "fill") else 1.0

    def unused(self) -> dict[str, int]:
        """Units of each sku and packaging the last solution leaves in stock (whole units)."""
        used: dict[str, float] = {}
        for column, count in self.last_counts:
            for key, units in column.pattern.uses:
                used[key] = used.get(key, 0.0) + units * count
        return {
            key: max(0, math.floor(units - used.get(key, 0.0) + 1e-6))
            for key, units in self.stock.items()
        }

    def counts(self) -> list[tuple[Column, float]]:
        """The columns with a positive value in the last good LP solution."""
        return list(self.last_counts)


@dataclass
class Duals:
    """Row prices of one LP solve, sign-corrected, and what they imply."""

    lp: SeasonLP
    objective: float

    def __post_init__(self) -> None:
        lp = self.lp
        self.conv = [row.dual_value() for row in lp.conv]
        self.stock = {k: max(0.0, row.dual_value()) for k, row in lp.stock_rows.items()}
        self.fair = {j: min(0.0, row.dual_value()) for j, row in lp.fair_rows.items()}
        self.share = {j: max(0.0, row.dual_value()) for j, row in lp.share_rows.items()}
        self.hold = min(0.0, lp.hold.dual_value())

    def weights(self, prices: Mapping[str, int]) -> dict[str, float]:
        """Reduced-cost gain per unit of each sku and packaging id, for pricing.

        ``prices`` are the unit prices of the tier's goods; the tier's fees
        and its row price are added by `tier_reduced_cost`.
        """
        lp = self.lp
        value = VALUE_SCALE if lp.stage == "value" else 0.0
        total_share = 0.0
        if lp.max_share is not None:
            total_share = lp.max_share.numerator * sum(self.share.values())
        den = lp.max_share.denominator if lp.max_share is not None else 0
        gains: dict[str, float] = {}
        for key, price in prices.items():
            gain = value * price - self.stock.get(key, 0.0)
            producer = lp.owner.get(key)
            if producer is not None:
                gain -= self.fair.get(producer, 0.0) * price
                gain -= (den * self.share.get(producer, 0.0)) * price
                gain += total_share * price
            gains[key] = gain
        return gains

    def tier_constant(self, tier: int) -> float:
        """The part of a tier's reduced cost that no pattern changes: fees and its row."""
        lp = self.lp
        fees = lp.tiers[tier].fees * VALUE_SCALE if lp.stage == "value" else 0.0
        return float(fees - self.conv[tier])

    def bound(self, best_gain: Sequence[float]) -> float:
        """The Lagrangian upper bound, given each tier's best pattern gain (an upper bound).

        ``best_gain[t]`` bounds ``sum weights x units`` over the tier's valid
        parcels; ``-inf`` when the tier has none.
        """
        lp = self.lp
        total = sum(self.stock[k] * row.ub() for k, row in lp.stock_rows.items())
        total += sum(self.fair[j] * row.lb() for j, row in lp.fair_rows.items())
        total += sum(self.share[j] * row.ub() for j, row in lp.share_rows.items())
        hold_lb = lp.hold.lb()
        if hold_lb > -lp.solver.infinity():
            total += self.hold * hold_lb
        objective = lp.solver.Objective()
        reduced_served = [
            objective.GetCoefficient(var) - self.hold * lp.request_parcels[r]
            for r, var in enumerate(lp.served)
        ]
        for t, tier in enumerate(lp.tiers):
            reduced_served[tier.request] += self.conv[t] * tier.parcels
        total += sum(max(0.0, reduced) for reduced in reduced_served)
        reduced_level = objective.GetCoefficient(lp.level) + sum(
            self.fair[j] * lp.fairness[j] for j in lp.active
        )
        total += max(reduced_level * lp.level.lb(), reduced_level * lp.level.ub())
        for producer, var in lp.fill.items():
            reduced = objective.GetCoefficient(var) + self.fair[producer] * lp.fairness[producer]
            total += max(reduced * var.lb(), reduced * var.ub())
        for t, tier in enumerate(lp.tiers):
            gain = best_gain[t]
            if gain == float("-inf"):
                continue
            total += tier.parcels * max(0.0, gain + self.tier_constant(t))
        return float(total) / lp.scale()
