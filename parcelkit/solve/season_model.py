"""The season's integer master in CP-SAT, over the patterns column generation found.

Per tier and offered pattern: a parcel count and a "used" literal; per
request: "served". Rows: a served request's tiers are filled whole, at most
``max_variants`` patterns per tier within the price spread, stock per sku and
packaging, ``min_order`` as a semi-continuous season total, the fairness rows
and the ``max_share`` cap. Objectives are the stages' (`SeasonModel.serve`,
`fairness`, `value`); each stage starts from the last stage's solution as a
complete hint and leaves its objective held.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from parcelkit.models import Catalog, Status
from parcelkit.solve.patterns import Pattern
from parcelkit.solve.stages import STATUS_MAP, hint_values

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TierPlan:
    """A tier of a request as the integer master sees it."""

    request: int
    parcels: int
    max_variants: int
    spread: Fraction
    patterns: tuple[Pattern, ...]


@dataclass
class StageResult:
    """What one CP-SAT stage reached: status, objective, CP-SAT's bound, stop reason."""

    status: Status
    objective: int | None
    bound: float | None
    wall_clock_stopped: bool


@dataclass
class SeasonModel:
    """The integer master: variables, rows and the solution of the last stage."""

    catalog: Catalog
    tiers: Sequence[TierPlan]
    request_parcels: Sequence[int]
    stock: Mapping[str, int]
    ordered: Mapping[str, int]
    owner: Mapping[str, str]
    levels: Mapping[str, int]
    """Eligible producer -> weight in its fairness row (1, or reachable under proportional)."""
    active: frozenset[str]
    """The producers the level F is over (leximin: those not yet given a floor)."""
    floors: Mapping[str, int]
    """Producer -> its level from an earlier leximin round, kept: weight x floor <= paid x scale."""
    level_scale: int
    max_share: Fraction | None
    base: Mapping[str, int]
    """Producer -> revenue already paid by fixed quotes (counts for fairness and max_share)."""
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    solution: dict[int, int] | None = None

    def __post_init__(self) -> None:
        m = self.model
        self.served = [m.new_bool_var(f"s{r}") for r in range(len(self.request_parcels))]
        self.counts: list[list[cp_model.IntVar]] = []
        self.used: list[list[cp_model.IntVar]] = []
        usage: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
        revenue: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
        for t, tier in enumerate(self.tiers):
            counts, used = self._add_tier(t, tier)
            self.counts.append(counts)
            self.used.append(used)
            for pattern, count in zip(tier.patterns, counts, strict=True):
                for key, units in pattern.uses:
                    usage.setdefault(key, []).append((units, count))
                for producer, amount in pattern.revenue:
                    revenue.setdefault(producer, []).append((amount, count))
        self.units = {key: _weighted(terms) for key, terms in sorted(usage.items())}
        self.revenue = {p.id: _weighted(revenue.get(p.id, [])) for p in self.catalog.producers}
        for key, taken in self.units.items():
            m.add(taken <= self.stock.get(key, 0))
        self._add_min_order()
        self.level = m.new_int_var(0, self._level_cap(), "F")
        paid = {pid: self.revenue[pid] + self.base.get(pid, 0) for pid in self.revenue}
        self._paid = paid
        for producer, weight in sorted(self.levels.items()):
            if producer in self.active:
                m.add(paid[producer] * self.level_scale >= weight * self.level)
            if self.floors.get(producer, 0) > 0:
                m.add(paid[producer] * self.level_scale >= weight * self.floors[producer])
        if self.max_share is not None:
            total = cp_model.LinearExpr.sum(list(paid.values()))
            num, den = self.max_share.numerator, self.max_share.denominator
            for paid_one in paid.values():
                m.add(den * paid_one <= num * total)

    def _add_tier(
        self, t: int, tier: TierPlan
    ) -> tuple[list[cp_model.IntVar], list[cp_model.IntVar]]:
        m = self.model
        counts = [m.new_int_var(0, tier.parcels, f"y{t}_{p}") for p in range(len(tier.patterns))]
        used = [m.new_bool_var(f"u{t}_{p}") for p in range(len(tier.patterns))]
        for count, use in zip(counts, used, strict=True):
            m.add(count <= tier.parcels * use)
            m.add(count >= 1).only_enforce_if(use)
        m.add(cp_model.LinearExpr.sum(counts) == tier.parcels * self.served[tier.request])
        m.add(cp_model.LinearExpr.sum(used) <= tier.max_variants)
        ratio = 1 + tier.spread
        for a, first in enumerate(tier.patterns):
            for b, second in enumerate(tier.patterns):
                if a < b:
                    low, high = sorted((first.price, second.price))
                    if high * ratio.denominator > ratio.numerator * low:
                        m.add_bool_or([used[a].Not(), used[b].Not()])
        return counts, used

    def _add_min_order(self) -> None:
        for product in self.catalog.products:
            units = self.units.get(product.sku)
            short = product.min_order - self.ordered.get(product.sku, 0)
            if units is None or short <= 1:
                continue
            sells = self.model.new_bool_var(f"sells:{product.sku}")
            self.model.add(units >= short * sells)
            self.model.add(units <= self.stock.get(product.sku, 0) * sells)

    def _level_cap(self) -> int:
        if not self.active:
            return 0
        if self.level_scale == 1:
            return max(0, min(self._revenue_cap(p) + self.base.get(p, 0) for p in self.active))
        return self.level_scale

    def _revenue_cap(self, producer: str) -> int:
        goods = [(p.sku, p.price) for p in self.catalog.products if p.producer_id == producer]
        goods += [(p.id, p.price) for p in self.catalog.packaging if p.producer_id == producer]
        return sum(price * self.stock.get(key, 0) for key, price in goods)

    # ----------------------------------------------------------------- objectives

    def serve(self) -> cp_model.LinearExpr:
        """Parcels served first; among equals, requests earlier in arrival order."""
        return cp_model.LinearExpr.weighted_sum(self.served, serve_weights(self.request_parcels))

    def parcels(self) -> cp_model.LinearExpr:
        """Parcels served."""
        return cp_model.LinearExpr.weighted_sum(self.served, list(self.request_parcels))

    def value(self) -> cp_model.LinearExpr:
        """Rupiah of all parcels served: the companies' budget use."""
        terms: list[cp_model.LinearExprT] = []
        for tier, counts in zip(self.tiers, self.counts, strict=True):
            for pattern, count in zip(tier.patterns, counts, strict=True):
                terms.append(pattern.price * count)
        return cp_model.LinearExpr.sum(terms)

    def lift(self, target: int, producers: Sequence[str] | None = None) -> cp_model.LinearExpr:
        """The active producers' levels (or ``producers``'), each counted up to ``target``, summed.

        Max-min's objective only moves when every producer at the minimum
        moves at once, which a local search seldom finds when many sit there
        (at Karawang scale: a dozen producers at 0, a 5 s search that found
        nothing better). This sum moves with each producer lifted toward
        ``target``, so a search on it first gives the max-min search a start
        where fewer producers are low. The fill round maximizes it over every
        eligible producer (`parcelkit.solve.fill`).
        """
        m = self.model
        parts = []
        for producer in sorted(self.active if producers is None else producers):
            reached = m.new_int_var(0, max(0, target), f"lift:{producer}")
            m.add(self.levels[producer] * reached <= self._paid[producer] * self.level_scale)
            parts.append(reached)
        return cp_model.LinearExpr.sum(parts)

    # ----------------------------------------------------------------- solving

    def hint(self, choice: Mapping[int, Mapping[int, int]], served: Sequence[int]) -> None:
        """Hint a plan: served request indexes, and per tier pattern index -> parcels."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        served_set = set(served)
        for r, var in enumerate(self.served):
            self.model.add_hint(var, r in served_set)
        for t, (counts, used) in enumerate(zip(self.counts, self.used, strict=True)):
            chosen = choice.get(t, {})
            for p, (count, use) in enumerate(zip(counts, used, strict=True)):
                self.model.add_hint(count, chosen.get(p, 0))
                self.model.add_hint(use, chosen.get(p, 0) > 0)

    def run(
        self, objective: cp_model.LinearExpr, solver: cp_model.CpSolver, *, hold: bool = True
    ) -> StageResult:
        """Maximize ``objective`` from the hinted plan; then hold what was reached.

        With ``hold`` false nothing is held: a search that only prepares the
        next one. Either way the solution found is the next run's hint.

        The hint (`hint`) names counts, used patterns and served requests only;
        it is first completed (min_order literals, the level) by a solve with
        those values fixed, so that the search starts from a whole solution.
        At Karawang scale the search did not find the partial hint's solution
        within 12 s on its own (measured).
        """
        self.model.maximize(objective)
        complete = self._complete(solver)
        if complete is not None:
            hint_values(self.model, complete)
        code = solver.solve(self.model)
        status = STATUS_MAP.get(code, Status.UNKNOWN)
        stopped = solver.wall_time >= solver.parameters.max_time_in_seconds * 0.99
        if status not in (Status.OPTIMAL, Status.FEASIBLE):
            return StageResult(status, None, None, stopped)
        self.solution = {
            i: int(solver.value(self.model.get_int_var_from_proto_index(i)))
            for i in range(len(self.model.proto.variables))
        }
        reached = int(solver.objective_value)
        if hold:
            self.model.add(objective >= reached)
        hint_values(self.model, self.solution)
        return StageResult(status, reached, solver.best_objective_bound, stopped)

    def search_near(
        self,
        objective: cp_model.LinearExpr,
        solver: cp_model.CpSolver,
        fixed: Mapping[int, int],
    ) -> dict[int, int] | None:
        """Maximize ``objective`` with the variables ``fixed`` (index -> value) held: a
        whole solution, or None when there is none within the solver's limits.

        A neighbourhood search: with most tiers held where a start put them,
        the model left is small, and CP-SAT repairs the start in the few tiers
        that break a rule where on the whole model it may find nothing within
        its work (the fill round). Nothing is added to the model; the solution
        is for `hint_values` and a `run` on the whole model.
        """
        self.model.maximize(objective)
        near = self.model.clone()
        for index, value in fixed.items():
            domain = near.proto.variables[index].domain
            domain.clear()
            domain.extend([value, value])
        complete = _completed(near, solver)
        if complete is not None:
            hint_values(near, complete)
        code = solver.solve(near)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {
            i: int(solver.value(near.get_int_var_from_proto_index(i)))
            for i in range(len(near.proto.variables))
        }

    def _complete(self, solver: cp_model.CpSolver) -> dict[int, int] | None:
        """The hinted plan with every other variable filled in, or None if it is not valid."""
        return _completed(self.model, solver)

    def value_of(self, var: cp_model.IntVar) -> int:
        """A variable's value in the last solution."""
        assert self.solution is not None
        return self.solution[var.index]

    def chosen(self) -> list[tuple[int, list[tuple[Pattern, int]]]]:
        """Served request indexes' tiers: (tier index, [(pattern, parcels)])."""
        assert self.solution is not None
        result = []
        for t, (tier, counts) in enumerate(zip(self.tiers, self.counts, strict=True)):
            fill = [
                (pattern, self.solution[count.index])
                for pattern, count in zip(tier.patterns, counts, strict=True)
                if self.solution[count.index] > 0
            ]
            result.append((t, fill))
        return result

    def served_requests(self) -> list[int]:
        """Indexes of the requests served in the last solution."""
        assert self.solution is not None
        return [r for r, var in enumerate(self.served) if self.solution[var.index]]


def _completed(model: cp_model.CpModel, solver: cp_model.CpSolver) -> dict[int, int] | None:
    """``model``'s hint with every other variable filled in, or None if it is not valid."""
    if not model.proto.solution_hint.vars:
        return None
    given = solver.parameters
    fixer = cp_model.CpSolver()
    params = fixer.parameters
    params.random_seed = given.random_seed
    params.num_workers = given.num_workers
    params.max_time_in_seconds = given.max_time_in_seconds
    params.max_deterministic_time = max(1.0, given.max_deterministic_time)
    params.fix_variables_to_their_hinted_value = True
    params.stop_after_first_solution = True
    code = fixer.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        log.debug("the hinted plan does not complete into a solution (CP-SAT status %s)", int(code))
        return None
    return {
        i: int(fixer.value(model.get_int_var_from_proto_index(i)))
        for i in range(len(model.proto.variables))
    }


def serve_weights(request_parcels: Sequence[int]) -> list[int]:
    """The serve objective's weight per request, in arrival order.

    Each request weighs its parcels times M plus R - rank, with M above the
    sum of all R - rank, so one parcel more always beats any choice of
    earlier requests, and among equal parcels earlier requests win (by the
    sum of their ranks: an approximation of "earliest first").
    """
    count = len(request_parcels)
    per_parcel = count * (count + 1) // 2 + 1
    return [parcels * per_parcel + (count - r) for r, parcels in enumerate(request_parcels)]


def _weighted(terms: Sequence[tuple[int, cp_model.IntVar]]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
