"""Staged (lexicographic) solving with CP-SAT, and the map of its status names.

Each stage optimizes one objective on the same model; before the next stage
the objective is held at (or near) what was reached, and the solution found
is given as a complete hint. Every stage is bounded by deterministic work, with
the wall clock as a safety cap: when the cap is what stopped a stage, the run is
no longer reproducible and says so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from parcelkit.errors import SolverError
from parcelkit.models import Stage, Status

STATUS_MAP: dict[cp_model.CpSolverStatus, Status] = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}
"""CP-SAT's status codes mapped to parcelkit's status names (MODEL_INVALID is a bug)."""


ESCALATION = 4
"""How much more work a stage gets each time it ends with no answer at all."""


@dataclass(frozen=True)
class Limits:
    """How much a solve may do: deterministic work per stage, a wall-clock cap, workers."""

    work_per_stage: float
    deadline: float
    """``time.monotonic()`` value past which no stage may run."""
    seed: int = 0
    workers: int = 1
    probing: int | None = None
    """CP-SAT's probing level (``cp_model_probing_level``); None keeps its default."""

    def remaining(self) -> float:
        """Wall-clock seconds left before the deadline."""
        return max(0.0, self.deadline - time.monotonic())


@dataclass
class StageOutcome:
    """What one stage reached."""

    name: str
    status: Status
    objective: float | None
    bound: float | None
    wall_clock_stopped: bool

    def record(self) -> Stage:
        """The stage as FORMAT.md's ``solver.stages[]`` entry."""
        gap = None
        if self.objective is not None and self.bound is not None:
            gap = _relative_gap(self.objective, self.bound)
        return Stage(name=self.name, objective=self.objective, bound=self.bound, gap=gap)


def _relative_gap(objective: float, bound: float) -> float:
    if bound == objective:
        return 0.0
    scale = max(abs(bound), 1e-9)
    return min(1.0, abs(bound - objective) / scale)


def wall_clock_stopped(
    solver: cp_model.CpSolver, code: cp_model.CpSolverStatus, limits: Limits
) -> bool:
    """True when a search ended unproven before its deterministic work was spent."""
    return (
        code in (cp_model.FEASIBLE, cp_model.UNKNOWN)
        and solver.response_proto.deterministic_time < 0.99 * limits.work_per_stage
    )


def parameters(
    limits: Limits, *, presolve: bool = True, linearization: int = 2
) -> cp_model.CpSolver:
    """A solver set up for reproducible work within ``limits``."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = limits.seed
    params.num_workers = max(1, limits.workers)
    if limits.workers > 1:
        params.interleave_search = True
    params.max_deterministic_time = limits.work_per_stage
    params.max_time_in_seconds = max(0.01, limits.remaining())
    params.cp_model_presolve = presolve
    if limits.probing is not None:
        params.cp_model_probing_level = limits.probing
    # Most rows here are enforced by a literal (a slot in use, a rule kept);
    # only level 2 puts those in the LP relaxation, and without them the
    # bounds stay far from the answers (measured: a 15 ms proof becomes a
    # 5 s time-out on one parcel's producer count).
    params.linearization_level = linearization
    return solver


def hint_values(model: cp_model.CpModel, values: Mapping[int, int] | Sequence[int]) -> None:
    """Replace the model's hint by ``values``: variable index -> value, or one per
    variable in index order (a whole solution).

    Written into the proto in two bulk appends; `CpModel.add_hint`, one
    variable at a time, took 2.2 s of the latency benchmark's 61 s (the
    neighbourhood searches hint every variable of the quote model).
    """
    model.clear_hints()  # type: ignore[no-untyped-call]
    if not values:
        return  # an empty hint message is not no hint: CP-SAT then searches otherwise
    hint = model.proto.solution_hint
    if isinstance(values, Mapping):
        hint.vars.extend(values.keys())
        hint.values.extend(values.values())
    else:
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)


@dataclass
class StagedSolve:
    """Runs stages on one model, keeping the last solution found."""

    model: cp_model.CpModel
    limits: Limits
    outcomes: list[StageOutcome] = field(default_factory=list)
    solution: list[int] | None = None
    _solver: cp_model.CpSolver | None = None
    linearization: int = 1
    """CP-SAT's linearization level for the searches on the whole quote model:
    level 2 (right for the small single-parcel models) makes its LP too heavy
    and the value stage found no answer on several sample requests (measured)."""

    def run(
        self,
        name: str,
        objective: cp_model.LinearExprT,
        *,
        bound: int | None = None,
        hint: Mapping[cp_model.IntVar, int] | None = None,
        work: float | None = None,
        focus: Sequence[Sequence[cp_model.IntVar]] = (),
        focus_work: float | None = None,
        wider: bool = True,
        wider_gap: float | None = None,
        bound_row: bool = True,
        search: bool = True,
        focus_rounds: int = 1,
        linearization: int | None = None,
    ) -> StageOutcome:
        """Maximize ``objective`` with the earlier stages held.

        ``bound`` is an upper bound proven outside the model. A solution that
        reaches it ends the stage as optimal. With ``bound_row`` it is also
        added to the model as a row (``objective <= bound``), which lets
        CP-SAT's own search prove that; without, it is only compared with what
        the searches reach, and the search goes as it would with no bound.
        ``hint`` fixes some decision variables to a candidate answer: it is
        completed first (a solve with those variables fixed), and when it
        reaches the bound no search is needed. Otherwise the search starts from the best
        solution known, the completed hint or the last stage's.

        ``focus`` lists neighbourhoods, each a set of variables that shape the
        model most (a quote's parcel counts, or its parcels' contents): with
        them fixed at the best solution's values the rest is a far easier
        model. Each neighbourhood is searched in turn (with ``focus_work``, by
        default ``work``), around the best solution so far, before the search
        of the whole model; the turns repeat, up to ``focus_rounds`` times,
        while a round raises the objective. Without ``wider`` that search of the whole model
        is left out once a neighbourhood was searched: the best solution known
        then stands, with ``bound`` as the stage's bound; with ``wider_gap`` it
        is left out likewise unless that solution is within ``wider_gap``
        (relative) of ``bound``. Without ``search``
        no search runs once a solution is known: it stands likewise.
        ``linearization`` overrides the search of the whole model's
        linearization level (by default `linearization`).
        """
        self.model.maximize(objective)
        if bound is not None and bound_row:
            self.model.add(objective <= bound)
        if (hint and self._complete(hint, objective, bound)) or self._extend_last(objective, bound):
            outcome = StageOutcome(name, Status.OPTIMAL, bound, bound, wall_clock_stopped=False)
            self.outcomes.append(outcome)
            return outcome
        if not search and self._covers_model():
            return self._stand(name, objective, bound, False)
        limits = self.limits if work is None else replace(self.limits, work_per_stage=work)
        focus_stopped = False
        if focus and self._covers_model():
            around = limits if focus_work is None else replace(limits, work_per_stage=focus_work)
            reached, focus_stopped = self._focus_rounds(
                objective, bound, focus, around, focus_rounds
            )
            if reached or not wider or not self._within(objective, bound, wider_gap):
                return self._stand(name, objective, bound, focus_stopped)
        self._hint_last()
        while True:
            level = self.linearization if linearization is None else linearization
            solver = parameters(limits, linearization=level)
            code = solver.solve(self.model)
            if code == cp_model.MODEL_INVALID:
                raise SolverError(f"stage {name}: CP-SAT says the model is invalid")
            status = STATUS_MAP[code]
            # With no answer at all yet, more work is worth it (within the wall clock).
            if status != Status.UNKNOWN or self.solution is not None or limits.remaining() <= 0:
                break
            limits = replace(limits, work_per_stage=limits.work_per_stage * ESCALATION)
        stopped = focus_stopped or wall_clock_stopped(solver, code, limits)
        objective_value: float | None = None
        bound_value: float | None = bound
        if status in (Status.OPTIMAL, Status.FEASIBLE):
            # The search starts from the best solution known, but nothing makes
            # CP-SAT end on one as good: a worse one is not kept.
            if not self._holds_better(objective, solver.objective_value):
                self._keep(solver)
            objective_value = float(self.value(objective))
            searched = solver.best_objective_bound
            bound_value = searched if bound is None else min(searched, bound)
            if bound is not None and objective_value >= bound:
                status = Status.OPTIMAL
        elif status == Status.UNKNOWN and self._covers_model():
            # The search found nothing new; the completed hint it started from stands.
            return self._stand(name, objective, bound, stopped)
        outcome = StageOutcome(name, status, objective_value, bound_value, stopped)
        self.outcomes.append(outcome)
        return outcome

    def _focus_rounds(
        self,
        objective: cp_model.LinearExprT,
        bound: int | None,
        focus: Sequence[Sequence[cp_model.IntVar]],
        limits: Limits,
        rounds: int,
    ) -> tuple[bool, bool]:
        """Search each neighbourhood of ``focus`` in turn around the best solution,
        up to ``rounds`` times while a round raises ``objective``. Returns whether
        ``bound`` was reached, and whether the wall clock stopped a search."""
        reached = stopped = False
        for _ in range(rounds):
            start = self.value(objective)
            for fixed in focus:
                reached, stopped_here = self._search_around(fixed, objective, bound, limits)
                stopped |= stopped_here
                if reached:
                    return reached, stopped
            if self.value(objective) <= start:
                break
        return reached, stopped

    def _within(
        self, objective: cp_model.LinearExprT, bound: int | None, gap: float | None
    ) -> bool:
        """Whether the kept solution is within ``gap`` (relative) of ``bound``; True
        when either is None."""
        if gap is None or bound is None:
            return True
        return bound - self.value(objective) <= gap * abs(bound)

    def _holds_better(self, objective: cp_model.LinearExprT, reached: float) -> bool:
        """Whether the kept solution, read with its solver, reaches more of
        ``objective`` than ``reached``."""
        return self._solver is not None and self._covers_model() and self.value(objective) > reached

    def _stand(
        self, name: str, objective: cp_model.LinearExprT, bound: int | None, stopped: bool
    ) -> StageOutcome:
        """End the stage with the kept solution: optimal only if it reaches ``bound``."""
        reached = self.value(objective)
        proven = bound is not None and reached >= bound
        status = Status.OPTIMAL if proven else Status.FEASIBLE
        outcome = StageOutcome(name, status, reached, bound, stopped)
        self.outcomes.append(outcome)
        return outcome

    def _complete(
        self,
        hint: Mapping[cp_model.IntVar, int],
        objective: cp_model.LinearExprT,
        bound: int | None,
    ) -> bool:
        """Complete ``hint`` into a solution; True when it reaches ``bound``."""
        hint_values(self.model, {var.index: value for var, value in hint.items()})
        solver = parameters(self.limits)
        solver.parameters.fix_variables_to_their_hinted_value = True
        if solver.solve(self.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self._keep(solver)
        return bound is not None and int(solver.value(objective)) >= bound

    def _search_around(
        self,
        focus: Sequence[cp_model.IntVar],
        objective: cp_model.LinearExprT,
        bound: int | None,
        limits: Limits,
    ) -> tuple[bool, bool]:
        """Search with ``focus`` fixed at the kept solution's values.

        It maximizes the model's objective, which `run` has set to ``objective``.

        The neighbourhood is a restriction of the model (same variables, more
        rows), so what it finds is a solution of the model; it is kept only
        when it is better than the one the search started from. Returns
        whether it reached ``bound``, and whether the wall clock stopped it.
        """
        assert self.solution is not None
        start = self.value(objective)
        around = self.model.clone()
        for var in focus:
            around.add(around.get_int_var_from_proto_index(var.index) == self.solution[var.index])
        hint_values(around, self.solution)
        solver = parameters(limits)
        code = solver.solve(around)
        stopped = wall_clock_stopped(solver, code, limits)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.value(objective) <= start:
            return False, stopped
        self._keep(solver)
        return bound is not None and int(solver.value(objective)) >= bound, stopped

    def _extend_last(self, objective: cp_model.LinearExprT, bound: int | None) -> bool:
        """Give the last stage's answer values for this stage's new variables.

        It satisfies every hold, so fixing it leaves only the new variables
        (such as "producer j sells") to set. The stage then always has an
        answer at least as good as the last one, however short its search.
        True when that answer already reaches ``bound``.
        """
        if self.solution is None or self._covers_model():
            return False
        last = {
            self.model.get_int_var_from_proto_index(index): value
            for index, value in enumerate(self.solution)
        }
        return self._complete(last, objective, bound)

    def _covers_model(self) -> bool:
        """True when the kept solution has a value for every variable of the model now."""
        return self.solution is not None and len(self.solution) == len(self.model.proto.variables)

    def _keep(self, solver: cp_model.CpSolver) -> None:
        self.solution = list(solver.response_proto.solution)
        self._solver = solver

    def tighten(self, bound: int | None) -> None:
        """Lower the last stage's bound to ``bound``, a bound proven outside the
        model after the stage ran; the stage is optimal once its answer reaches it."""
        if bound is None or not self.outcomes:
            return
        last = self.outcomes[-1]
        if last.bound is not None and last.bound <= bound:
            return
        last.bound = bound
        if last.objective is not None and last.objective >= bound:
            last.status = Status.OPTIMAL

    def offer(
        self,
        hint: Mapping[cp_model.IntVar, int],
        objective: cp_model.LinearExprT,
        *,
        focus: Sequence[Sequence[cp_model.IntVar]] = (),
        focus_work: float | None = None,
        focus_rounds: int = 1,
    ) -> bool:
        """Take ``hint``, an answer found outside the model after the last stage
        ran, when it completes into a solution reaching more of ``objective``
        (that stage's) than the kept one, and search ``focus`` around it as
        `run` does. True when taken; the last stage's outcome then reports it,
        optimal once it reaches the stage's bound."""
        if not self.outcomes or self._solver is None:
            return False
        kept_solution, kept_solver = self.solution, self._solver
        before = self.value(objective)
        self._complete(hint, objective, None)
        if self._solver is kept_solver or self.value(objective) <= before:
            self.solution, self._solver = kept_solution, kept_solver
            return False
        last = self.outcomes[-1]
        if focus and (last.bound is None or self.value(objective) < last.bound):
            around = replace(self.limits, work_per_stage=focus_work or self.limits.work_per_stage)
            bound = None if last.bound is None else int(last.bound)
            _, stopped = self._focus_rounds(objective, bound, focus, around, focus_rounds)
            last.wall_clock_stopped |= stopped
        last.objective = float(self.value(objective))
        if last.bound is not None and last.objective >= last.bound:
            last.status = Status.OPTIMAL
        return True

    def hold(self, objective: cp_model.LinearExprT, reached: int) -> None:
        """Keep ``objective`` at least at ``reached`` from now on."""
        self.model.add(objective >= reached)

    def _hint_last(self) -> None:
        hint_values(self.model, self.solution or ())

    def value(self, expression: cp_model.LinearExprT) -> int:
        """The value of ``expression`` in the last solution found."""
        if self._solver is None:
            raise SolverError("no solution to read")
        return int(self._solver.value(expression))

    @property
    def deterministic(self) -> bool:
        """False when the wall-clock cap, not the work limit, stopped any stage."""
        return not any(o.wall_clock_stopped for o in self.outcomes)
