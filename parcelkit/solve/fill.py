"""Fairness: the fill round that ends the season plan's fairness stage.

The leximin rounds (`parcelkit.solve.leximin`) raise the smallest level, a
few producers at a time; after the last round every producer still active
is left wherever the value stage puts its revenue, and that is where most
of the inequality lives (size M: the smallest level at Rp85 million after
six rounds, the largest producer at Rp1.1 billion, gini 0.42).

The fill round raises every eligible producer at once toward one level, the
*target*: the water level at which each producer, given no more than its
`reachable`, would share the revenue the plan already pays (`water_level`).
Its objective is each producer's level counted up to the target, summed
(`fill_value`): it grows only where a producer below the target is paid more,
and it never asks a producer above the target to give anything up unless
that lifts one below. Every leximin floor stays held. It is exact leximin
for no one; it is the "then the next smallest" of FORMAT.md's `maxmin_share`
done for all producers in one step, approximately.

Like a leximin round it is column generation on the master LP (each producer
its own level ``z_j``, `SeasonLP.set_fill`), then the integer master. The
LP's fills are rarely a valid plan as they are, rounded, but they are a far
better start for CP-SAT than the plan before the round (size M: from the
plan, CP-SAT raised the fill by less than 0.01 % in 12 deterministic seconds
with four interleaved workers; from the rounded LP, with one worker and 6
seconds, it reached Rp18.55 billion, the restricted LP's fill Rp18.49
billion), so the integer master is hinted with them (`round_toward_lp`).
When CP-SAT finds no plan from there within its work (the sample season),
it starts again from them put back within every rule (`within_rules`), and
a plan no better than the one before the round is not kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from parcelkit.solve.leximin import Fairness
from parcelkit.solve.master import SeasonLP
from parcelkit.solve.patterns import Pattern
from parcelkit.solve.season_start import lp_patterns_by_tier, rounded_fill
from parcelkit.solve.season_state import Answer, Season, answer_revenue, usage

SHIFTS_PER_TIER = 3
"""Times `round_toward_lp` may move a tier's parcels between its patterns to relieve stock."""


def water_level(caps: Mapping[str, float], per_level: Mapping[str, float], total: float) -> float:
    """The level L at which ``sum_j min(caps[j], L x per_level[j])`` reaches ``total``.

    ``caps`` are revenues, ``per_level`` the revenue one unit of level stands
    for (1 under ``maxmin_share``; reachable / 10^6 under ``proportional``).
    When the caps add up to less than ``total``, the level at which every
    producer is at its cap.
    """
    if not caps:
        return 0.0
    top = max(caps[j] / per_level[j] for j in caps)
    if sum(caps.values()) <= total:
        return top
    low, high = 0.0, top
    for _ in range(100):  # bisection to well below a rupiah's precision
        mid = (low + high) / 2
        if sum(min(caps[j], mid * per_level[j]) for j in caps) < total:
            low = mid
        else:
            high = mid
    return low


def levels_of(season: Season, answer: Answer, fair: Fairness) -> dict[str, int]:
    """Each eligible producer's level in ``answer``: revenue x scale / weight."""
    revenue = answer_revenue(season, answer)
    return {j: revenue.get(j, 0) * fair.scale // w for j, w in sorted(fair.weights.items())}


def fill_target(season: Season, answer: Answer, fair: Fairness) -> int:
    """The fill round's target: the water level of what ``answer`` pays the eligible
    producers, each capped at its `reachable`."""
    revenue = answer_revenue(season, answer)
    producers = sorted(fair.weights)
    caps = {j: float(fair.reach[j]) for j in producers}
    per_level = {j: fair.weights[j] / fair.scale for j in producers}
    total = float(sum(revenue.get(j, 0) for j in producers))
    return int(water_level(caps, per_level, total))


def fill_box(fair: Fairness, target: int) -> dict[str, tuple[float, float]]:
    """Each eligible producer's own level in the fill LP: from its floor to the target
    (or to its `reachable`, if less)."""
    box = {}
    for j, weight in sorted(fair.weights.items()):
        high = min(float(target), fair.reach[j] * fair.scale / weight)
        box[j] = (min(float(fair.floors.get(j, 0)), high), high)
    return box


def fill_value(levels: Mapping[str, int], target: int) -> int:
    """The fill round's objective: each level counted up to ``target``, summed."""
    return sum(min(level, target) for level in levels.values())


def fill_bound(fair: Fairness, target: int, lp_bound: float | None) -> float:
    """A proven bound on the fill: the LP's, no looser than every producer at its box's top."""
    cap = float(sum(int(high) for _, high in fill_box(fair, target).values()))
    return cap if lp_bound is None else min(cap, lp_bound)


def round_toward_lp(season: Season, lp: SeasonLP, plan: Answer) -> Answer:
    """The plan's served tiers with the fill LP's patterns: the integer master's start.

    Each served tier the LP fills takes its LP patterns, rounded
    (`rounded_fill`: up to ``max_variants`` within the price spread). Where
    that oversells a sku or packaging, parcels move within a tier from the
    pattern that uses most of it to the one that uses least (up to
    `SHIFTS_PER_TIER` times a tier). What is left may still break a rule
    (stock, min_order, a floor): CP-SAT takes it as a hint and repairs it,
    and the plan before the round stays the fallback.
    """
    by_tier = lp_patterns_by_tier(lp)
    fills = dict(plan.fills)
    for t in sorted(fills):
        ref = season.tiers[t]
        rounded = rounded_fill(by_tier.get(t, []), ref.parcels, ref.spec)
        if rounded is not None:
            fills[t] = rounded
    shifts: dict[int, int] = {}
    while True:
        use = usage(fills.values())
        over = sorted(k for k, units in use.items() if units > season.left.get(k, 0))
        if not over or not _shift(
            fills, over[0], use[over[0]] - season.left.get(over[0], 0), shifts
        ):
            return Answer(plan.served, fills)


def _shift(
    fills: dict[int, tuple[tuple[Pattern, int], ...]],
    key: str,
    excess: int,
    shifts: dict[int, int],
) -> bool:
    """Move parcels of one tier off its pattern using most of ``key``; False if none can."""
    for t in sorted(fills):
        fill = list(fills[t])
        per = [dict(pattern.uses).get(key, 0) for pattern, _ in fill]
        if shifts.get(t, 0) >= SHIFTS_PER_TIER or max(per) == min(per):
            continue
        most = max(range(len(fill)), key=lambda i: (per[i], -i))
        least = min(range(len(fill)), key=lambda i: (per[i], i))
        moved = min(fill[most][1], -(-excess // (per[most] - per[least])))
        fill[most] = (fill[most][0], fill[most][1] - moved)
        fill[least] = (fill[least][0], fill[least][1] + moved)
        fills[t] = tuple((pattern, count) for pattern, count in fill if count > 0)
        shifts[t] = shifts.get(t, 0) + 1
        return True
    return False


def broken_tiers(season: Season, start: Answer, plan: Answer, fair: Fairness) -> set[int]:
    """The tiers a repair of ``start`` needs free: those touching a rule it breaks.

    ``start`` serves what the valid ``plan`` serves, and may oversell a sku
    or packaging, leave a sku below its min_order or a producer below its
    floor. Free are the tiers whose ``start`` fill uses an oversold key, that
    use a short sku in ``start`` or ``plan``, or that pay a producer below
    its floor in either; and every tier when ``start`` breaks the
    ``max_share`` cap. With the others held, CP-SAT repairs the start on a
    small model (`SeasonModel.search_near`).
    """
    use = usage(start.fills.values())
    over = {k for k, units in use.items() if units > season.left.get(k, 0)}
    minimum = {p.sku: p.min_order - season.ordered.get(p.sku, 0) for p in season.catalog.products}
    short = {k for k, units in use.items() if 0 < units < minimum.get(k, 0)}
    revenue = answer_revenue(season, start)
    if not _within_share(season, revenue):
        return set(start.fills)
    low = {
        j
        for j, weight in fair.weights.items()
        if revenue.get(j, 0) * fair.scale < weight * fair.floors.get(j, 0)
    }
    free = set()
    for t, fill in start.fills.items():
        keys = {key for pattern, _ in fill for key, _ in pattern.uses}
        paid = {j for pattern, _ in fill for j, _ in pattern.revenue}
        before = plan.fills.get(t, ())
        keys_before = {key for pattern, _ in before for key, _ in pattern.uses}
        paid_before = {j for pattern, _ in before for j, _ in pattern.revenue}
        if keys & over or (keys | keys_before) & short or (paid | paid_before) & low:
            free.add(t)
    return free


def within_rules(season: Season, start: Answer, plan: Answer, fair: Fairness) -> Answer:
    """``start`` with tiers put back to ``plan``'s fills until every rule holds again.

    ``plan`` is valid and serves what ``start`` serves; ``start`` may oversell
    a sku, leave one below its min_order or a producer below its floor (the
    rules a tier's own patterns do not settle). While one does, the tier
    that changed most toward it goes back: the one that takes most of the
    oversold key, that uses the short sku (or, if none does, that stopped
    using it), or that cut the producer's revenue most. Each tier goes back
    at most once, so this ends; a ``max_share`` cap broken at the end gives
    ``plan`` back whole.
    """
    fills = dict(start.fills)
    changed = {t for t in fills if fills[t] != plan.fills.get(t)}
    minimum = {p.sku: p.min_order - season.ordered.get(p.sku, 0) for p in season.catalog.products}
    while True:
        use = usage(fills.values())
        culprit = _over_stock(season, fills, plan, changed, use)
        if culprit is None:
            culprit = _short_min_order(fills, plan, changed, use, minimum)
        if culprit is None:
            culprit = _below_floor(season, fills, plan, changed, fair)
        if culprit is None:
            break
        if culprit < 0:
            return plan
        fills[culprit] = plan.fills[culprit]
        changed.discard(culprit)
    result = Answer(start.served, fills)
    return result if _within_share(season, answer_revenue(season, result)) else plan


def _over_stock(
    season: Season,
    fills: Mapping[int, tuple[tuple[Pattern, int], ...]],
    plan: Answer,
    changed: set[int],
    use: Mapping[str, int],
) -> int | None:
    """The changed tier taking most more of the first oversold key; -1 if none; None if no key
    is oversold."""
    over = sorted(k for k, units in use.items() if units > season.left.get(k, 0))
    if not over:
        return None
    key = over[0]
    extra = {t: usage([fills[t]]).get(key, 0) - usage([plan.fills[t]]).get(key, 0) for t in changed}
    return max((t for t in sorted(extra) if extra[t] > 0), key=lambda t: extra[t], default=-1)


def _short_min_order(
    fills: Mapping[int, tuple[tuple[Pattern, int], ...]],
    plan: Answer,
    changed: set[int],
    use: Mapping[str, int],
    minimum: Mapping[str, int],
) -> int | None:
    """A changed tier to put back for the first sku below its min_order; -1 if none."""
    short = sorted(k for k, units in use.items() if 0 < units < minimum.get(k, 0))
    if not short:
        return None
    key = short[0]
    users = [t for t in sorted(changed) if usage([fills[t]]).get(key, 0) > 0]
    users = users or [t for t in sorted(changed) if usage([plan.fills[t]]).get(key, 0) > 0]
    return users[-1] if users else -1


def _below_floor(
    season: Season,
    fills: Mapping[int, tuple[tuple[Pattern, int], ...]],
    plan: Answer,
    changed: set[int],
    fair: Fairness,
) -> int | None:
    """The changed tier that cut most from the first producer below its floor; -1 if none."""
    revenue = answer_revenue(season, Answer(plan.served, fills))
    low = sorted(
        j
        for j, weight in fair.weights.items()
        if revenue.get(j, 0) * fair.scale < weight * fair.floors.get(j, 0)
    )
    if not low:
        return None
    producer = low[0]

    def paid(fill: tuple[tuple[Pattern, int], ...]) -> int:
        return sum(a * n for p, n in fill for j, a in p.revenue if j == producer)

    cut = {t: paid(plan.fills[t]) - paid(fills[t]) for t in changed}
    return max((t for t in sorted(cut) if cut[t] > 0), key=lambda t: cut[t], default=-1)


def _within_share(season: Season, revenue: Mapping[str, int]) -> bool:
    """No producer above the ``max_share`` cap (when there is one)."""
    share = season.max_share
    if share is None:
        return True
    total = sum(revenue.values())
    return all(share.denominator * paid <= share.numerator * total for paid in revenue.values())
