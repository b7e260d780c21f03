"""Fairness: the leximin rounds of the season plan's fairness stage.

Leximin rounds: raise the smallest level, fix who is blocked there, raise the
rest (`parcelkit.solve.season`, ``LEXIMIN_ROUNDS``). ``weights`` per eligible
producer (1, or reachable under proportional) and ``scale`` (1, or a million)
define each producer's level: revenue x scale / weight. ``active`` producers
share the level F being raised; the others keep the ``floors`` an earlier
round gave them (`Fairness`). After a round every active producer keeps the
level reached, and the blocked leave: those whose fairness row has a dual
price in the LP and those the integer plan leaves at that level
(`next_round`).

A round's integer master gets patterns beyond the plan's and the LP's: for
each active producer the plan pays less than the LP's level, the pool's
patterns that pay it most, in tiers of requests the plan serves first
(`paying_patterns`); for the lowest of them, a served tier's main parcel,
changed to pay the short producer (`repair_patterns`). Before the first
round, each eligible producer no pattern pays yet gets the best parcel, by
value with its own goods weighing ten times more, in the tier classes where
it can sell most (`cover`).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from parcelkit.solve.master import PROPORTIONAL_SCALE, SeasonLP
from parcelkit.solve.parcel import TierSpec
from parcelkit.solve.patterns import Pattern, pattern_of, price_pattern
from parcelkit.solve.reach import parcel_reach
from parcelkit.solve.season_state import (
    PRICING_WORK,
    Answer,
    Policy,
    Season,
    TierRef,
    answer_revenue,
    keys_of,
)

ROUND_TOLERANCE: Final = 0.03
"""A leximin round that ends further than this below its LP level is tried again.

It was 0.05. With the first level searched to a proof (`FIRST_LEVEL_GAP`) the
sample season's second level ended 3.96 % below its LP level (Rp23.030.000
against Rp23.985.000) and was not tried again; with 0.03 the second try reaches
Rp23.985.000, gini 0.336 -> 0.310 at 1.8 % less value (the fill round then
pays the other producers more). Sizes S and M: the same plans (2026-12-07)."""
COVER_TIERS: Final = 2
"""Tier classes priced for each eligible producer that no pattern pays yet."""
SHORT_PATTERNS: Final = 6
"""Patterns offered to a fairness round per producer the plan pays below the LP's level."""
REPAIR_PRODUCERS: Final = 10
"""Short producers a fairness round builds repaired parcels for (`repair_patterns`)."""
REPAIR_TIERS: Final = 4
"""Served tiers per short producer whose main parcel is repaired to pay it."""


@dataclass
class Fairness:
    """The fairness rows of both masters, and how far leximin has come.

    ``weights`` per eligible producer (1, or reachable under proportional) and
    ``scale`` (1, or a million) define each producer's level:
    revenue x scale / weight. ``active`` producers share the level F being
    raised; the others keep the ``floors`` an earlier round gave them.
    """

    weights: dict[str, int]
    scale: int
    reach: Mapping[str, int]
    active: set[str] = field(default_factory=set)
    floors: dict[str, int] = field(default_factory=dict)
    retried: bool = False
    """The current level was already tried twice (see `next_round`)."""

    def cap(self) -> float:
        """An upper bound on F for the active producers."""
        if self.scale > 1:
            return float(self.scale)
        return float(min((self.reach[j] for j in self.active), default=0))


def capped(season: Season, fair: Fairness, stage: str, bound: float | None) -> float | None:
    """A stage's bound, no looser than what arithmetic alone proves.

    Until column generation converges the Lagrangian bound can be far off;
    these caps always hold: every parcel of the requests not proven
    unservable served; F at most the level of the active producer with the
    least room; every such parcel at its full budget.

    ``bound`` None means the stage's LP failed or met the deadline. Serving
    and value keep their caps then (size XL's value stage at 600 s); a
    fairness stage has no bound, since its LP fails only when a fairness
    floor cannot be held.
    """
    if stage == "fairness":
        return None if bound is None else min(bound, fair.cap())
    if stage == "serve":
        cap = float(servable_parcels(season))
    else:
        cap = float(sum(ref.parcels * ref.spec.budget for ref in _servable_tiers(season)))
    return cap if bound is None else min(bound, cap)


def servable_parcels(season: Season) -> int:
    """Parcels of the requests not proven unservable: no plan serves more."""
    return sum(ref.parcels for ref in _servable_tiers(season))


def _servable_tiers(season: Season) -> list[TierRef]:
    """The tiers of the requests not proven unservable."""
    return [ref for ref in season.tiers if ref.request not in season.unservable]


def fairness_rows(policy: Policy, reach: Mapping[str, int]) -> Fairness:
    """The policy's fairness rows over the producers with reachable revenue."""
    eligible = {pid: amount for pid, amount in reach.items() if amount > 0}
    if policy == "none" or not eligible:
        return Fairness({}, 1, reach)
    if policy == "maxmin_share":
        return Fairness(dict.fromkeys(eligible, 1), 1, reach, set(eligible))
    return Fairness(dict(eligible), PROPORTIONAL_SCALE, reach, set(eligible))


def hold_floor(lp: SeasonLP, fair: Fairness, floor: float, reached: int) -> None:
    """A fairness floor after its one round: everyone keeps the floor, or what was reached.

    The round raised the smallest revenue / reachable as far as it could;
    holding the lesser of that and the floor keeps the value stage feasible,
    and a plan that could not reach the floor says so (`TradeoffPoint.floor_met`).
    """
    level = min(reached, math.ceil(floor * fair.scale))
    fair.floors = dict.fromkeys(fair.weights, level)
    fair.active.clear()
    lp.hold_level(float(level))


def next_round(
    lp: SeasonLP, fair: Fairness, reached: int, bound: float | None, levels: Mapping[str, int]
) -> None:
    """After a leximin round: every active producer keeps ``reached``; the blocked leave.

    Blocked are the producers whose fairness row has a dual price in the LP
    (the level could not be raised past them there) and those the integer
    plan leaves at ``reached`` (``levels``: each active producer's level in
    it), since the integer master could not raise them either. When the
    integer plan stayed well below the LP's level (more than
    `ROUND_TOLERANCE`), nobody leaves, once: the next round tries the same
    producers again from a better start (measured on size M: a first round
    at 1.3 million against an LP level of 49.3 million, a later one at 49.3
    million).
    """
    caps = {j: float(fair.reach[j]) if fair.scale == 1 else float(fair.scale) for j in fair.active}
    blocked = set(lp.blocked(caps))
    blocked |= {j for j in fair.active if levels.get(j, 0) <= reached}
    for producer in fair.active:
        fair.floors[producer] = reached
    if bound is not None and reached < (1 - ROUND_TOLERANCE) * bound and not fair.retried:
        fair.retried = True
        lp.hold_level(float(reached))
        return
    fair.retried = False
    if blocked >= fair.active:
        fair.active.clear()
        return
    for producer in sorted(blocked):
        lp.fix_floor(producer, float(reached))
        fair.active.discard(producer)
    lp.next_level(fair.cap())
    lp.hold_level(float(reached))


def producer_levels(season: Season, answer: Answer, fair: Fairness) -> dict[str, int]:
    """Each active producer's fairness level in ``answer`` (revenue x scale / weight)."""
    revenue = answer_revenue(season, answer)
    return {j: revenue.get(j, 0) * fair.scale // fair.weights[j] for j in fair.active}


def short_producers(season: Season, lp: SeasonLP, best: Answer, fair: Fairness) -> set[str]:
    """Active producers the current plan pays less than the LP's level."""
    level = lp.level_value()
    revenue = answer_revenue(season, best)
    return {
        j for j in fair.active if revenue.get(j, 0) * fair.scale < level * fair.weights[j] * 0.999
    }


def paying_patterns(season: Season, best: Answer, short: set[str]) -> dict[int, list[Pattern]]:
    """Tier -> pool patterns to offer so that each ``short`` producer can be paid more.

    For each short producer, the `SHORT_PATTERNS` patterns of the pools that
    pay it most, in tiers of requests the plan serves first (serving is held,
    so those tiers can change patterns without serving less).
    """
    served = set(best.served)
    candidates: dict[str, list[tuple[bool, int, int, int, tuple[object, ...]]]] = {}
    for t, patterns in enumerate(season.pool):
        unserved = season.tiers[t].request not in served
        for key, pattern in patterns.items():
            for producer, amount in pattern.revenue:
                if producer in short:
                    entry = (unserved, -amount, -pattern.price, t, key)
                    candidates.setdefault(producer, []).append(entry)
    offers: dict[int, list[Pattern]] = {}
    for producer in sorted(candidates):
        for *_, t, key in heapq.nsmallest(SHORT_PATTERNS, candidates[producer]):
            offers.setdefault(t, []).append(season.pool[t][key])
    return offers


def repair_patterns(
    season: Season, best: Answer, short: set[str], fair: Fairness
) -> dict[int, list[Pattern]]:
    """Tier -> new patterns: a served tier's main parcel, changed to pay a short producer.

    The pool's patterns that pay a short producer often replace a parcel
    the plan needs for someone else. For each of the `REPAIR_PRODUCERS`
    lowest short producers and the `REPAIR_TIERS` largest served tiers that
    may buy from it, a pricing solve looks for the parcel closest to the
    tier's main one (its items weigh twice their price) that holds the short
    producer's goods (ten times their price). Counted as pricing work.
    """
    levels = producer_levels(season, best, fair)
    lowest = sorted((j for j in short if j in levels), key=lambda j: (levels[j], j))
    served = sorted(
        (t for r in best.served for t in season.tiers_of[r] if best.fills.get(t)),
        key=lambda t: (-season.tiers[t].parcels, t),
    )
    sellers: dict[int, set[str]] = {}  # per spec (tiers share them): who may sell in it
    for t in served:
        spec = season.tiers[t].spec
        if id(spec) not in sellers:
            sellers[id(spec)] = {season.owner[k] for k in keys_of(spec) if k in season.owner}
    repairs: dict[int, list[Pattern]] = {}
    for producer in lowest[:REPAIR_PRODUCERS]:
        candidates = [t for t in served if producer in sellers[id(season.tiers[t].spec)]]
        for t in candidates[:REPAIR_TIERS]:
            if time.monotonic() >= season.deadline:
                return repairs
            spec = season.tiers[t].spec
            main = max(best.fills[t], key=lambda pn: (pn[1], pn[0].price))[0]
            weights = repair_weights(season, spec, main, producer)
            priced = price_pattern(spec, weights, season.limits(PRICING_WORK))
            if priced.pattern is not None:
                season.offer(t, priced.pattern)
                repairs.setdefault(t, []).append(pattern_of(spec, priced.pattern, season.owner))
    return repairs


def repair_weights(
    season: Season, spec: TierSpec, near: Pattern, producer: str
) -> dict[str, float]:
    """Pricing weights for the parcel nearest ``near`` that holds ``producer``'s goods:
    every sku and packaging at its price, ``near``'s twice, the producer's ten times."""
    weights = {p.sku: float(p.price) for p in spec.products}
    weights.update({p.id: float(p.price) for p in spec.packaging})
    for key, _ in near.uses:
        if key in weights:
            weights[key] *= 2
    for key in weights:
        if season.owner.get(key) == producer:
            weights[key] *= 10
    return weights


def cover(season: Season, lp: SeasonLP, fair: Fairness) -> int:
    """Patterns for the eligible producers no pattern pays yet; the pricing solves used.

    Max-min is 0 while one eligible producer has no pattern at all, and dual
    prices point at one such producer at a time (measured: three rounds of
    column generation stuck at 0 on the sample). Here each one gets the best
    parcel, by value with its own goods weighing ten times more, in the
    `COVER_TIERS` tier classes where it can sell most.
    """
    paid = {
        producer
        for patterns in season.pool
        for pattern in patterns.values()
        for producer, _ in pattern.revenue
    }
    members: dict[int, list[int]] = {}
    for t, cls in enumerate(season.class_of):
        members.setdefault(cls, []).append(t)
    used = 0
    per_parcel = {cls: parcel_reach(season.tiers[tiers[0]].spec) for cls, tiers in members.items()}
    parcels = {cls: sum(season.tiers[t].parcels for t in tiers) for cls, tiers in members.items()}
    for producer in sorted(fair.weights):
        if producer in paid:
            continue
        reach = {cls: per_parcel[cls].get(producer, 0) * parcels[cls] for cls in members}
        best = sorted((c for c in reach if reach[c] > 0), key=lambda c: (-reach[c], c))
        for cls in best[:COVER_TIERS]:
            spec = season.tiers[members[cls][0]].spec
            weights = {p.sku: float(p.price) for p in spec.products}
            weights.update({p.id: float(p.price) for p in spec.packaging})
            for key in weights:
                if season.owner.get(key) == producer:
                    weights[key] *= 10
            priced = price_pattern(spec, weights, season.limits(PRICING_WORK))
            used += 1
            if priced.pattern is None:
                continue
            for t in members[cls]:
                if season.offer(t, priced.pattern):
                    lp.add(t, season.newest(t))
    return used
