"""Staged (lexicographic) solving with CP-SAT, and the map of its status names.

Each stage optimizes one objective on the same model; before the next stage
the objective is held at (or near) what was reached, and the solution found
is given as a complete hint. Every stage is bounded by deterministic work, with
the wall clock as a safety cap: when the cap is what stopped a stage, the run is
no longer reproducible and says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from math import ceil, floor

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


@dataclass(frozen=True)
class Limits:
    """How much a solve may do: deterministic work per stage, a wall-clock cap, workers."""

    work_per_stage: float
    deadline: float
    """``time.monotonic()`` value past which no stage may run."""
    seed: int = 0
    workers: int = 1

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


def parameters(limits: Limits, *, presolve: bool = True) -> cp_model.CpSolver:
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
    return solver


@dataclass
class StagedSolve:
    """Runs stages on one model, keeping the last solution found."""

    model: cp_model.CpModel
    limits: Limits
    outcomes: list[StageOutcome] = field(default_factory=list)
    solution: list[int] | None = None
    _solver: cp_model.CpSolver | None = None
    first_hint: dict[cp_model.IntVar, int] = field(default_factory=dict)
    """A (partial) hint for the first stage, before any solution exists."""

    def run(
        self,
        name: str,
        objective: cp_model.LinearExprT,
        *,
        maximize: bool = True,
        work: float | None = None,
    ) -> StageOutcome:
        """Optimize ``objective`` with the earlier stages held, hinting the last solution."""
        if maximize:
            self.model.maximize(objective)
        else:
            self.model.minimize(objective)
        self._hint()
        limits = self.limits if work is None else replace(self.limits, work_per_stage=work)
        solver = parameters(limits)
        code = solver.solve(self.model)
        if code == cp_model.MODEL_INVALID:
            raise SolverError(f"stage {name}: CP-SAT says the model is invalid")
        status = STATUS_MAP[code]
        objective_value = bound = None
        if status in (Status.OPTIMAL, Status.FEASIBLE):
            self.solution = list(solver.response_proto.solution)
            self._solver = solver
            objective_value = solver.objective_value
            bound = solver.best_objective_bound
        stopped = (
            status in (Status.FEASIBLE, Status.UNKNOWN)
            and solver.response_proto.deterministic_time < 0.99 * limits.work_per_stage
        )
        outcome = StageOutcome(name, status, objective_value, bound, stopped)
        self.outcomes.append(outcome)
        return outcome

    def hold(
        self, objective: cp_model.LinearExprT, reached: float, tolerance: float, maximize: bool
    ) -> None:
        """Keep ``objective`` within ``tolerance`` (a share) of ``reached`` from now on."""
        if maximize:
            self.model.add(objective >= ceil(reached - abs(reached) * tolerance - 1e-9))
        else:
            self.model.add(objective <= floor(reached + abs(reached) * tolerance + 1e-9))

    def _hint(self) -> None:
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        if self.solution is None:
            for var, value in self.first_hint.items():
                self.model.add_hint(var, value)
            return
        for index, value in enumerate(self.solution):
            self.model.add_hint(self.model.get_int_var_from_proto_index(index), value)

    def value(self, expression: cp_model.LinearExprT) -> int:
        """The value of ``expression`` in the last solution found."""
        if self._solver is None:
            raise SolverError("no solution to read")
        return int(self._solver.value(expression))

    @property
    def deterministic(self) -> bool:
        """False when the wall-clock cap, not the work limit, stopped any stage."""
        return not any(o.wall_clock_stopped for o in self.outcomes)
