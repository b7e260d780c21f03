"""Staged solving: the neighbourhood searches a stage starts with, and its candidates."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any
from unittest.mock import patch

from ortools.sat.python import cp_model

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Status
from parcelkit.solve import bounds, single
from parcelkit.solve.answer import read_tier
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.quote import (
    CANDIDATE_PROBING,
    CANDIDATE_WORK,
    STAGE_WORK,
    _as_fill,
    _completed_hint,
    quote,
    request_specs,
)
from parcelkit.solve.quote_model import build_quote_model
from parcelkit.solve.stages import Limits, StagedSolve, hint_values, parameters


def _staged() -> tuple[StagedSolve, cp_model.IntVar, cp_model.IntVar]:
    """x + y <= 10 with a first stage that leaves x = 0, y = 5."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_int_var(0, 10, "y")
    model.add(x + y <= 10)
    staged = StagedSolve(model, Limits(work_per_stage=1.0, deadline=time.monotonic() + 30))
    staged.run("first", -x, bound=0, hint={x: 0, y: 5})
    assert (staged.value(x), staged.value(y)) == (0, 5)
    return staged, x, y


def test_neighbourhood_keeps_focus_fixed_and_improves() -> None:
    """With y fixed at the kept solution's 5, the best neighbour is x = 5."""
    staged, x, y = _staged()
    staged.model.maximize(3 * x + y)
    reached, stopped = staged._search_around([y], 3 * x + y, None, staged.limits)
    assert not reached and not stopped
    assert (staged.value(x), staged.value(y)) == (5, 5)


def test_neighbourhood_that_reaches_the_bound_proves_the_stage() -> None:
    """A stage whose neighbourhood reaches the proven bound is optimal with no wider search."""
    staged, x, y = _staged()
    outcome = staged.run("second", x, bound=5, focus=[[y]])
    assert outcome.status == Status.OPTIMAL
    assert outcome.objective == outcome.bound == 5
    assert staged.value(y) == 5


def test_neighbourhood_no_better_than_the_start_is_not_kept() -> None:
    """When fixing the focus leaves nothing better, the solution searched from stands."""
    staged, x, y = _staged()
    staged.model.maximize(3 * x + y)
    reached, _ = staged._search_around([x, y], 3 * x + y, None, staged.limits)
    assert not reached
    assert (staged.value(x), staged.value(y)) == (0, 5)


def test_wider_search_follows_the_neighbourhood() -> None:
    """After the neighbourhood the whole model is searched: y may then move too."""
    staged, x, y = _staged()
    outcome = staged.run("second", 3 * x + y, focus=[[y]])
    assert outcome.status == Status.OPTIMAL
    assert outcome.objective == 30
    assert (staged.value(x), staged.value(y)) == (10, 0)


def test_wider_search_runs_only_within_its_gap_of_the_bound() -> None:
    """The neighbourhood (y fixed at 5) reaches 3 x 5 + 5 = 20 against a bound of
    30: a third short. Within a gap of 0.5 the whole model is searched and
    reaches 30; within 0.2 the neighbourhood's 20 stands, unproven."""
    staged, x, y = _staged()
    outcome = staged.run("second", 3 * x + y, bound=30, focus=[[y]], wider_gap=0.5)
    assert outcome.status == Status.OPTIMAL
    assert outcome.objective == 30

    staged, x, y = _staged()
    outcome = staged.run("second", 3 * x + y, bound=30, focus=[[y]], wider_gap=0.2)
    assert outcome.status == Status.FEASIBLE
    assert (outcome.objective, outcome.bound) == (20, 30)
    assert (staged.value(x), staged.value(y)) == (5, 5)


def test_a_wider_search_ending_worse_than_its_start_is_not_kept() -> None:
    """The neighbourhood (y fixed at 5) reaches x = 5, 20. The whole model's search
    is made to end on x = 0, y = 10 (10), as CP-SAT may when it leaves the
    solution it was hinted: the stage keeps 20."""
    staged, x, y = _staged()
    real = parameters

    class EndsWorse:
        """A solver that answers the whole model with x held at 0."""

        def __init__(self, limits: Limits, **kwargs: Any) -> None:
            self.solver = real(limits, **kwargs)

        def solve(self, model: cp_model.CpModel) -> cp_model.CpSolverStatus:
            if model is not staged.model:
                return self.solver.solve(model)
            held = model.clone()
            held.add(held.get_int_var_from_proto_index(x.index) == 0)
            self.solver.solve(held)
            return cp_model.FEASIBLE

        def __getattr__(self, name: str) -> Any:
            return getattr(self.solver, name)

    with patch("parcelkit.solve.stages.parameters", EndsWorse):
        outcome = staged.run("second", 3 * x + y, focus=[[y]])
    assert outcome.objective == 20
    assert (staged.value(x), staged.value(y)) == (5, 5)


def test_a_bound_without_its_row_still_proves_the_stage_it_is_reached_in() -> None:
    """With ``bound_row=False`` the model gets no ``objective <= bound`` row, yet a
    search that reaches the bound ends the stage as optimal; one that cannot
    reach it reports the bound it was given, never less."""
    staged, x, y = _staged()
    rows = len(staged.model.proto.constraints)
    outcome = staged.run("second", 3 * x + y, bound=30, bound_row=False)
    assert len(staged.model.proto.constraints) == rows
    assert outcome.status == Status.OPTIMAL
    assert outcome.objective == outcome.bound == 30

    staged, x, y = _staged()
    outcome = staged.run("second", x, bound=12, bound_row=False, focus=[[y]], wider=False)
    assert outcome.status == Status.FEASIBLE
    assert (outcome.objective, outcome.bound) == (5, 12)


def test_a_search_stopped_at_the_bound_is_optimal_without_the_row() -> None:
    """CP-SAT stopped at its first solution (the hinted best of a knapsack, found
    by enumeration) cannot prove it; the stage can, by the bound it was given."""
    weights = [13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]
    values = [14, 18, 21, 22, 31, 30, 40, 40, 45, 49, 52, 61]
    fits = [m for m in range(1 << 12) if sum(w for i, w in enumerate(weights) if m >> i & 1) <= 150]
    best = max(fits, key=lambda m: sum(v for i, v in enumerate(values) if m >> i & 1))
    model = cp_model.CpModel()
    picks = [model.new_bool_var(f"pick{i}") for i in range(len(weights))]
    model.add(sum(w * p for w, p in zip(weights, picks, strict=True)) <= 150)
    staged = StagedSolve(model, Limits(work_per_stage=1.0, deadline=time.monotonic() + 30))
    staged.solution = [best >> i & 1 for i in range(len(picks))]
    bound = sum(v for i, v in enumerate(values) if best >> i & 1)

    def first_solution_only(
        limits: Limits, *, presolve: bool = True, linearization: int = 2
    ) -> cp_model.CpSolver:
        solver = parameters(limits, presolve=presolve, linearization=linearization)
        solver.parameters.stop_after_first_solution = True
        solver.parameters.cp_model_presolve = False
        return solver

    with patch("parcelkit.solve.stages.parameters", first_solution_only):
        objective = sum(v * p for v, p in zip(values, picks, strict=True))
        outcome = staged.run("value", objective, bound=bound, bound_row=False)
    assert outcome.status == Status.OPTIMAL
    assert outcome.objective == outcome.bound == bound


def test_neighbourhoods_are_searched_in_turn_around_the_best() -> None:
    """The second neighbourhood starts from what the first found, and nothing wider runs."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_int_var(0, 10, "y")
    staged = StagedSolve(model, Limits(work_per_stage=1.0, deadline=time.monotonic() + 30))
    staged.run("first", -x, bound=0, hint={x: 0, y: 5})
    outcome = staged.run("second", x + y, focus=[[y], [x]], wider=False)
    assert (staged.value(x), staged.value(y)) == (10, 10)
    assert outcome.status == Status.FEASIBLE  # no bound was given, so nothing is proven
    assert outcome.objective == 20


def _staircase() -> tuple[StagedSolve, cp_model.IntVar, cp_model.IntVar]:
    """x and y within 2 of each other, from x = y = 0: each neighbourhood (one of
    them fixed) moves the other 2 past it, up to 10."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    y = model.new_int_var(0, 10, "y")
    model.add(x <= y + 2)
    model.add(y <= x + 2)
    staged = StagedSolve(model, Limits(work_per_stage=1.0, deadline=time.monotonic() + 30))
    staged.run("first", -x - y, bound=0, hint={x: 0, y: 0})
    return staged, x, y


def test_neighbourhood_rounds_repeat_while_they_raise_the_objective() -> None:
    """One round of (y fixed, x fixed) reaches x = 2, y = 4; more rounds climb the
    staircase to 10, 10, and the round that raises nothing is the last."""
    staged, x, y = _staircase()
    staged.run("second", x + y, focus=[[y], [x]], wider=False)
    assert (staged.value(x), staged.value(y)) == (2, 4)

    staged, x, y = _staircase()
    searched = []
    search_around = StagedSolve._search_around

    def counted(self: StagedSolve, *args: Any, **kwargs: Any) -> tuple[bool, bool]:
        searched.append(1)
        return search_around(self, *args, **kwargs)

    with patch.object(StagedSolve, "_search_around", counted):
        outcome = staged.run("second", x + y, focus=[[y], [x]], wider=False, focus_rounds=10)
    assert (staged.value(x), staged.value(y)) == (10, 10)
    assert outcome.objective == 20
    assert len(searched) == 8  # three rounds that climb, one that finds nothing


def test_later_candidate_missing_a_tier_keeps_that_tier_as_it_was() -> None:
    """A later stage's candidate that fills only some tiers is fixed in full:
    the other tiers keep the last stage's parcels, so checking it needs no search."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if len(r.tiers) >= 2)
    stock = available_stock(catalog, None)
    specs = request_specs(catalog, request, stock, {})
    qm = build_quote_model(catalog, request, specs, stock, {}, {})
    staged = StagedSolve(qm.model, Limits(work_per_stage=0.5, deadline=time.monotonic() + 60))
    staged.run("value", qm.value())
    assert staged.solution is not None
    reached = staged.value(qm.value())
    first, *rest = qm.tiers
    fills = {first.tier.name: _as_fill(read_tier(staged, first))}

    hint = _completed_hint(qm, staged, fills)

    assert all(hint[var] == staged.solution[var.index] for var in qm.decisions(rest))
    assert all(var in hint for var in qm.decisions([first]))
    assert staged._complete(hint, qm.value(), reached)


def test_parameters_set_the_probing_level_only_when_asked() -> None:
    limits = Limits(work_per_stage=0.1, deadline=time.monotonic() + 30)
    default = parameters(limits).parameters.cp_model_probing_level
    assert parameters(replace(limits, probing=0)).parameters.cp_model_probing_level == 0
    assert default == cp_model.CpSolver().parameters.cp_model_probing_level


def test_later_candidate_solves_without_probing_and_the_value_candidate_with() -> None:
    """`CANDIDATE_PROBING` reaches the later stages' single-parcel solves only."""
    seen: list[tuple[int | None, float]] = []
    real = parameters

    def spy(limits: Limits, **kwargs: Any) -> cp_model.CpSolver:
        seen.append((limits.probing, limits.work_per_stage))
        return real(limits, **kwargs)

    catalog = karawang_catalog()
    request = karawang_requests()[0]
    with patch.object(single, "parameters", spy):
        quote(catalog, request)
    assert (None, STAGE_WORK) in seen
    assert (CANDIDATE_PROBING, CANDIDATE_WORK) in seen
    assert all(probing is None for probing, work in seen if work == STAGE_WORK)


def test_bound_solves_run_without_presolve_and_the_fills_with() -> None:
    """`PROOF_PRESOLVE` reaches the solves whose answer is a number (the best
    parcel's price, the later stages' bounds), not the ones whose parcel is used."""
    seen: list[tuple[str, bool]] = []
    real = parameters

    def spy(module: str) -> Any:
        def recording(limits: Limits, **kwargs: Any) -> cp_model.CpSolver:
            solver = real(limits, **kwargs)
            seen.append((module, solver.parameters.cp_model_presolve))
            return solver

        return recording

    catalog = karawang_catalog()
    request = karawang_requests()[0]
    with (
        patch.object(single, "parameters", spy("single")),
        patch.object(bounds, "parameters", spy("bounds")),
    ):
        quote(catalog, request)
    assert ("bounds", single.PROOF_PRESOLVE) in seen
    assert ("bounds", not single.PROOF_PRESOLVE) not in seen
    # best_parcel once per tier, fill_tier's solves with presolve on
    assert seen.count(("single", single.PROOF_PRESOLVE)) == len(request.tiers)
    assert ("single", True) in seen


def test_hint_values_sets_a_whole_solution_or_some_variables_or_none() -> None:
    model = cp_model.CpModel()
    for name in "xyz":
        model.new_int_var(0, 9, name)
    model.add_hint(model.get_int_var_from_proto_index(0), 1)
    hint_values(model, [4, 5, 6])
    assert list(model.proto.solution_hint.vars) == [0, 1, 2]
    assert list(model.proto.solution_hint.values) == [4, 5, 6]
    hint_values(model, {2: 7, 0: 3})
    assert list(model.proto.solution_hint.vars) == [2, 0]
    assert list(model.proto.solution_hint.values) == [7, 3]
    # No values: no hint message at all (an empty one changes CP-SAT's search).
    hint_values(model, [])
    assert "solution_hint" not in str(model.proto)


def test_a_stage_without_search_keeps_the_solution_known() -> None:
    """With ``search=False`` the stage ends with the last solution (x = 0, y = 5),
    where a search would reach 30."""
    staged, x, y = _staged()
    outcome = staged.run("second", 3 * x + y, focus=[[y]], search=False)
    assert outcome.status == Status.FEASIBLE
    assert outcome.objective == 5
    assert (staged.value(x), staged.value(y)) == (0, 5)


def test_the_spread_stage_searches_one_tier_quotes_only() -> None:
    """`SPREAD_SEARCH_TIERS`: REQ-0056 (one tier) searches around its spread
    candidate, REQ-0022 (two tiers) keeps its polished candidate."""
    catalog = karawang_catalog()
    searched: list[int] = []  # the index of the stage each search ran in
    original = StagedSolve._search_around

    def record(self: StagedSolve, *args: Any) -> tuple[bool, bool]:
        searched.append(len(self.outcomes))
        return original(self, *args)

    for request_id, expected in (("REQ-0056", True), ("REQ-0022", False)):
        request = next(r for r in karawang_requests() if r.id == request_id)
        searched.clear()
        with patch.object(StagedSolve, "_search_around", record):
            result = quote(catalog, request)
        assert [s.name for s in result.solver.stages] == ["value", "spread"]
        spread = result.solver.stages[1]
        if spread.objective == spread.bound:
            continue  # proven by its candidate: no search either way
        assert (1 in searched) == expected, request_id


def test_an_offered_answer_is_taken_only_when_valid_and_better() -> None:
    """`StagedSolve.offer`: the second stage stands at x = 5 (y held at 5 by its
    neighbourhood); x = 6, y = 4 is taken, x = 9, y = 5 breaks x + y <= 10 and
    x = 3, y = 0 is worse: both refused, and the kept answer stays."""
    staged, x, y = _staged()
    outcome = staged.run("second", x, bound=10, focus=[[y]], wider=False)
    assert (outcome.status, outcome.objective) == (Status.FEASIBLE, 5)
    assert staged.offer({x: 6, y: 4}, x)
    assert (staged.value(x), staged.value(y)) == (6, 4)
    assert (outcome.status, outcome.objective) == (Status.FEASIBLE, 6)
    assert not staged.offer({x: 9, y: 5}, x)
    assert not staged.offer({x: 3, y: 0}, x)
    assert (staged.value(x), staged.value(y)) == (6, 4)
    assert outcome.objective == 6


def test_an_offered_answer_that_reaches_the_bound_proves_the_stage() -> None:
    staged, x, y = _staged()
    outcome = staged.run("second", x, bound=7, focus=[[y]], wider=False)
    assert outcome.status == Status.FEASIBLE
    assert staged.offer({x: 7, y: 3}, x)
    assert (outcome.status, outcome.objective, outcome.bound) == (Status.OPTIMAL, 7, 7)


def test_an_offered_answer_is_searched_around() -> None:
    """A stage that stands at x = 0 (its hint, no search) is offered x = 1, y = 4
    with y's neighbourhood: y stays 4 and x rises to 6."""
    staged, x, y = _staged()
    outcome = staged.run("second", x, bound=10, hint={x: 0, y: 0}, search=False)
    assert (outcome.objective, staged.value(y)) == (0, 0)
    assert staged.offer({x: 1, y: 4}, x, focus=[[y]])
    assert (staged.value(x), staged.value(y)) == (6, 4)
    assert (outcome.status, outcome.objective) == (Status.FEASIBLE, 6)
