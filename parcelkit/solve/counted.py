"""Variant slots with parcel counts, min_order and stock as thresholds: a smaller quote model.

The quote model (`parcelkit.solve.quote_model`) ties every unit to a parcel
count through a product, ``count if step else 0``, so that stock and
min_order are exact sums. The LP relaxation of those products is weak: on
small quotes, where min_order decides how few parcels a variant may have,
the spread stage's bound stays above what can be sold (SYN-0049: 320 against
an answer of 290, the most being 310), and the preference stage, whose score
is all such products, is far from its answers (REQ-0067: CP-SAT proves 880
in 12 s of search, where the per-parcel bound says 1,080).

This model keeps each tier's variant slots (a composition with every
per-parcel rule, and a parcel count) but leaves the products out:

- A good held in one slot alone, ``q`` units a parcel, reaches its need
  (min_order less what is already ordered) only if the slot has
  ``ceil(need / q)`` parcels or more, and keeps its stock only if ``q`` times
  the parcels fit. A good held in several slots is left free: its units are a
  sum the model does not form.
- For the preference stage, a slot's score (liked units less disliked ones
  in one parcel) is a small integer, so the slot's parcels are split over
  its possible scores (one of them taken): ``sum(parcels x score)`` is then
  linear and exact, and so is its LP relaxation.
- The variants keep their price window's low (the value held), the price
  spread between them, and for the preference stage the spread held.

Every valid quote maps onto this model, so CP-SAT's bound on it bounds the
stage. Its best solution is a quote whenever the goods it holds in several
slots meet their min_order and stock too; when they do not, those goods are
ordered exactly (as in the quote model) and it solves again, at most
`COUNTED_ROUNDS` times in all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from math import ceil, floor
from threading import Lock

from ortools.sat.python import cp_model

from parcelkit.models import Request, Tier
from parcelkit.solve.objectives import parcel_preference, sells_term
from parcelkit.solve.parcel import Composition, TierSpec
from parcelkit.solve.polish import ordered_units
from parcelkit.solve.quote_model import add_price_spread, add_slots, count_if
from parcelkit.solve.single import Fill, Window, contents_of
from parcelkit.solve.stages import Limits, hint_values, parameters

COUNTED_WORK = 0.5
"""Deterministic seconds for the counted model's first search. Against 0.25,
measured interleaved on the latency benchmark (`benchmarks/quote_ab.py ""
"counted.COUNTED_WORK=0.25"`): SYN-0011's spread proven too (470, where the
answer was 430), and no slower: median 0.449 against 0.457 s, all 130 quotes
77.5 against 78.9 s (a stage proven sooner skips its own search)."""

COUNTED_ROUNDS = 2
"""Solves at most: after each, the goods its answer orders beyond their stock or
below their min_order (held in several slots) are ordered exactly, and it
solves again from that answer, with `REPAIR_WORK`."""

REPAIR_WORK = 0.1
"""Deterministic seconds for each solve after the first."""


@dataclass
class _Slot:
    """One variant slot: its composition, parcel count and share of the objective."""

    tier: Tier
    spec: TierSpec
    composition: Composition
    parcels: cp_model.IntVar
    scores: list[tuple[int, cp_model.IntVar, cp_model.IntVar]]
    """(score, "the parcel scores this", parcels counted at it), one per possible score."""


class Stopper:
    """Lets another thread end the counted model's searches early, when what it
    would find can no longer matter (the stage it runs beside was proven).

    A stopped search still returns a valid bound and its best solution so far.
    """

    def __init__(self) -> None:
        self._lock = Lock()
        self._solver: cp_model.CpSolver | None = None
        self.stopped = False

    def watch(self, solver: cp_model.CpSolver) -> None:
        """Make ``solver`` the one `stop` ends (it is about to solve)."""
        with self._lock:
            self._solver = solver

    def stop(self) -> None:
        """End the search running now, and any later one of the same model."""
        with self._lock:
            self.stopped = True
            if self._solver is not None:
                self._solver.stop_search()


@dataclass(frozen=True)
class Counted:
    """What the counted model found: a bound on the preference score of any quote
    with the spread held (None if it proved none), and its best solution as
    fills (tier name -> variants with counts; {} if none)."""

    bound: int | None
    fills: dict[str, Fill]


def counted_quote(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
    limits: Limits,
    *,
    likes: Mapping[str, int] | None = None,
    spread: int = 0,
    beat: int | None = None,
    work: float | None = None,
    stopper: Stopper | None = None,
) -> Counted:
    """Bound the spread stage (without ``likes``), or the preference stage of
    quotes that sell for ``spread`` weighted producers or more (with them), and
    find a good quote (see the module docstring).

    A solution that reaches no more than ``beat`` is not worth repairing
    (`COUNTED_ROUNDS`). ``work`` overrides `COUNTED_WORK`. The search has no
    hint: from the spread stage's answer its preference bound came out looser
    (REQ-0012: 1,749 against 1,371 without, at 0.5 s of work). ``stopper`` lets
    another thread end it early.
    """
    model = cp_model.CpModel()
    slots = [slot for tier in request.tiers for slot in _add_tier(model, tier, specs[tier.name])]
    for slot in slots:
        # the stages hold each variant at its window's low or more, not below its high
        low = windows[slot.tier.name].low
        model.add(slot.composition.price >= low).only_enforce_if(slot.composition.active)
    _add_thresholds(model, slots, needs, stock)
    sells = sells_term(model, [slot.composition for slot in slots], owner, weights)
    if likes is None:
        model.maximize(sells)
    else:
        model.add(sells >= spread)
        for index, slot in enumerate(slots):
            _add_scores(model, slot, likes, f"slot{index}")
        model.maximize(
            cp_model.LinearExpr.sum(
                [score * counted for slot in slots for score, _, counted in slot.scores]
            )
        )
    spent = COUNTED_WORK if work is None else work
    bound: int | None = None
    fills: dict[str, Fill] = {}
    for _ in range(COUNTED_ROUNDS):
        solver = parameters(replace(limits, work_per_stage=spent))
        spent = REPAIR_WORK
        if stopper is not None:
            if stopper.stopped:
                break
            stopper.watch(solver)
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break  # with no solution, CP-SAT's bound is not one
        found = floor(solver.best_objective_bound + 1e-6)
        bound = found if bound is None else min(bound, found)
        fills = _fills(solver, slots)
        missed = _missed(fills, needs, stock)
        if not missed or (beat is not None and solver.objective_value <= beat):
            break
        _add_exact_units(model, slots, missed, needs, stock)
        hint_values(model, list(solver.response_proto.solution))
    return Counted(bound, fills)


def _add_tier(model: cp_model.CpModel, tier: Tier, spec: TierSpec) -> list[_Slot]:
    """A tier's slots (`add_slots`, as in the quote model): parcels summing to the
    tier's, most first, the first in use, and the used ones within the price
    spread of each other."""
    compositions, counts = add_slots(model, tier, spec)
    model.add(compositions[0].active == 1)
    model.add(cp_model.LinearExpr.sum(counts) == tier.parcels)
    for more, fewer in pairwise(counts):
        model.add(more >= fewer)
    add_price_spread(model, spec, compositions)
    return [
        _Slot(tier, spec, composition, n, [])
        for composition, n in zip(compositions, counts, strict=True)
    ]


def _add_thresholds(
    model: cp_model.CpModel,
    slots: Sequence[_Slot],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
) -> None:
    """A good in one slot alone reaches its need and keeps its stock there.

    With ``q`` units a parcel and ``n`` parcels it orders ``q x n`` units, so
    holding it (``steps[0]``) and no more than ``q`` units (not ``steps[q]``)
    needs ``n >= ceil(need / q)``; holding ``q`` or more needs ``q x n <= stock``.
    """
    holders: dict[str, list[tuple[int, list[cp_model.IntVar]]]] = {}
    for index, slot in enumerate(slots):
        chains = dict(slot.composition.steps)
        chains.update({pid: [chosen] for pid, chosen in slot.composition.packaging.items()})
        for key, chain in chains.items():
            holders.setdefault(key, []).append((index, chain))
    for key, held in sorted(holders.items()):
        need, left = needs.get(key, 1), stock[key]
        for index, chain in held:
            elsewhere = [other[0] for at, other in held if at != index]
            alone = []
            if elsewhere:
                shared = model.new_bool_var(f"shared:{key}#{index}")
                model.add(shared <= cp_model.LinearExpr.sum(elsewhere))
                alone.append(~shared)
            parcels = slots[index].parcels
            for q in range(1, len(chain) + 1):
                if need > 1:
                    at_most_q = [chain[0], *([~chain[q]] if q < len(chain) else []), *alone]
                    model.add(parcels >= ceil(need / q)).only_enforce_if(at_most_q)
                model.add(q * parcels <= left).only_enforce_if([chain[q - 1], *alone])


def _add_scores(model: cp_model.CpModel, slot: _Slot, likes: Mapping[str, int], name: str) -> None:
    """Split the slot's parcels over the scores its parcel may have: exactly one
    score holds when the slot is used, and all its parcels count at it."""
    composition, max_same = slot.composition, slot.spec.max_same
    liked = [sku for sku in composition.steps if likes.get(sku, 0)]
    lowest = sum(min(0, likes[sku]) * max_same[sku] for sku in liked)
    highest = sum(max(0, likes[sku]) * max_same[sku] for sku in liked)
    for score in range(lowest, highest + 1):
        holds = model.new_bool_var(f"{name}:score={score}")
        counted = model.new_int_var(0, slot.tier.parcels, f"{name}:parcels@{score}")
        model.add(counted <= slot.tier.parcels * holds)
        slot.scores.append((score, holds, counted))
    model.add(cp_model.LinearExpr.sum([h for _, h, _ in slot.scores]) == composition.active)
    model.add(
        cp_model.LinearExpr.weighted_sum(
            [h for _, h, _ in slot.scores], [s for s, _, _ in slot.scores]
        )
        == parcel_preference(composition, likes)
    )
    model.add(cp_model.LinearExpr.sum([c for _, _, c in slot.scores]) == slot.parcels)


def _missed(
    fills: Mapping[str, Fill], needs: Mapping[str, int], stock: Mapping[str, int]
) -> set[str]:
    """The goods ``fills`` order beyond their stock or below their need."""
    units = ordered_units(fills)
    return {
        key for key, ordered in units.items() if ordered > stock[key] or ordered < needs.get(key, 1)
    }


def _add_exact_units(
    model: cp_model.CpModel,
    slots: Sequence[_Slot],
    keys: set[str],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
) -> None:
    """Order the goods ``keys`` exactly: their units summed over the slots (each
    unary step times the slot's parcels) within stock and, once held, at their
    need, as the quote model does for every good."""
    for key in sorted(keys):
        parts: list[cp_model.IntVar] = []
        held: list[cp_model.IntVar] = []
        for index, slot in enumerate(slots):
            composition = slot.composition
            chain = composition.steps.get(key) or (
                [composition.packaging[key]] if key in composition.packaging else []
            )
            parts.extend(
                count_if(model, slot.parcels, step, slot.tier.parcels, f"{key}#{index}>{k}")
                for k, step in enumerate(chain)
            )
            held.extend(chain[:1])
        total = cp_model.LinearExpr.sum(parts)
        model.add(total <= stock[key])
        for first in held:
            model.add(total >= needs.get(key, 1)).only_enforce_if(first)


def _fills(solver: cp_model.CpSolver, slots: Sequence[_Slot]) -> dict[str, Fill]:
    """The solution's variants per tier, with their counts."""
    fills: dict[str, Fill] = {}
    for slot in slots:
        fill = fills.setdefault(slot.tier.name, [])
        count = int(solver.value(slot.parcels))
        if count > 0:
            composition = slot.composition
            fill.append((contents_of(solver, composition.packaging, composition.qty), count))
    return fills


__all__ = ["COUNTED_WORK", "Counted", "counted_quote"]
