"""Start heuristics of the season plan: the greedy plan, the first patterns, the LP rounded.

The greedy plan's parcels are the first patterns, and the plan the serve
stage starts from (`greedy_answer`); greedy on each request as if alone gives most tiers a
pattern (`seed_pools`); after the serve stage's column generation, the LP's
plan rounded and completed by greedy is a start that, at Karawang scale, is
far better than the search finds from the greedy plan alone (`round_lp`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from parcelkit.models import Request, Status
from parcelkit.solve.greedy import SeasonChoice, greedy_season
from parcelkit.solve.master import SeasonLP
from parcelkit.solve.parcel import ParcelContents, TierSpec
from parcelkit.solve.patterns import Pattern, pattern_of, price_pattern
from parcelkit.solve.reach import reachable
from parcelkit.solve.season_state import PRICING_WORK, Answer, Season, usage


@dataclass(frozen=True)
class Start:
    """What every plan starts from: ``reachable`` per producer, the greedy plan, its answer."""

    reach: dict[str, int]
    greedy: list[SeasonChoice]
    answer: Answer


def begin(season: Season) -> Start:
    """``reachable`` per producer (fixed quotes' revenue included) and the greedy plan.

    ``reachable`` is computed once per tier spec (tiers with the same rules
    share one) with the parcels of all its tiers. The greedy plan's parcels
    join the pools (`greedy_answer`).
    """
    parcels_per_spec: dict[int, tuple[int, TierSpec]] = {}
    for ref in season.tiers:
        count, _ = parcels_per_spec.get(id(ref.spec), (0, ref.spec))
        parcels_per_spec[id(ref.spec)] = (count + ref.parcels, ref.spec)
    reach = reachable(season.catalog, list(parcels_per_spec.values()), season.left, season.base)
    greedy = greedy_season(
        season.catalog, season.requests, stock=season.left, ordered=season.ordered
    )
    return Start(reach, greedy, greedy_answer(season, greedy))


def greedy_answer(season: Season, greedy: Sequence[SeasonChoice]) -> Answer:
    """The greedy plan as an answer; its parcels join the pools."""
    served: list[int] = []
    fills: dict[int, tuple[tuple[Pattern, int], ...]] = {}
    for r, choice in enumerate(greedy):
        if choice.tiers is None:
            continue
        served.append(r)
        for t in season.tiers_of[r]:
            ref = season.tiers[t]
            contents = choice.tiers[ref.name]
            season.offer(t, contents)
            pattern = pattern_of(ref.spec, contents, season.owner)
            fills[t] = ((pattern, ref.parcels),)
    return Answer(tuple(served), fills)


def seed_pools(season: Season) -> None:
    """First patterns for every tier greedy can fill alone, twice: as is, and off scarce stock.

    The greedy season plan leaves many requests without any pattern, and
    pricing them one CP-SAT solve at a time is what column generation spends
    its time on at Karawang scale. Greedy on each request as if alone gives
    most tiers a pattern; a second pass without the skus and packaging those
    patterns would oversell gives an alternative that the stock rows can mix
    in. Then the tiers still without a pattern are checked for having any
    (`prove_unservable`).
    """
    demand: dict[str, int] = {}
    for r, choice in enumerate(alone(season, season.requests, season.left)):
        if choice.tiers is None:
            continue
        for t in season.tiers_of[r]:
            ref = season.tiers[t]
            package, quantities = choice.tiers[ref.name]
            season.offer(t, (package, quantities))
            demand[package] = demand.get(package, 0) + ref.parcels
            for sku, qty in quantities.items():
                demand[sku] = demand.get(sku, 0) + qty * ref.parcels
    scarce = {key for key, units in demand.items() if units > season.left.get(key, 0)}
    if scarce:
        plenty = {key: (0 if key in scarce else units) for key, units in season.left.items()}
        for r, choice in enumerate(alone(season, season.requests, plenty)):
            if choice.tiers is not None:
                for t in season.tiers_of[r]:
                    season.offer(t, choice.tiers[season.tiers[t].name])
    prove_unservable(season)


def prove_unservable(season: Season) -> None:
    """Requests no plan can serve, proven: a tier with no valid parcel at all.

    Tiers of a class share their valid parcels, so a class with a pattern in
    any tier's pool has one. For every other class, the one-parcel model with
    nothing to maximize is solved without presolve; when CP-SAT proves it
    infeasible (the budget is below the cheapest valid parcel, say), the
    class goes into ``season.empty_classes`` and every request with a tier
    in it into ``season.unservable``. The serve stage's bound then counts
    only the other requests' parcels (on size L, 7,300 of 299,970 parcels
    are in requests priced out on purpose), and column generation stops
    pricing those classes. A solve that ends without a proof proves nothing.
    """
    found = {season.class_of[t] for t, pool in enumerate(season.pool) if pool}
    first: dict[int, int] = {}
    for t, cls in enumerate(season.class_of):
        first.setdefault(cls, t)
    for cls, t in sorted(first.items()):
        if cls in found:
            continue
        priced = price_pattern(season.tiers[t].spec, {}, season.limits(PRICING_WORK))
        season.spent += priced.work
        if priced.status is Status.INFEASIBLE:
            season.empty_classes.add(cls)
    season.unservable = {
        season.tiers[t].request
        for t, cls in enumerate(season.class_of)
        if cls in season.empty_classes
    }


def alone(
    season: Season, requests: Sequence[Request], stock: Mapping[str, int]
) -> list[SeasonChoice]:
    """Greedy's parcels for each request as if it were alone with ``stock``.

    One greedy pass in which no request takes stock from another (one call
    per request rebuilt greedy's shelves each time: 346 s for 10,000 calls on
    size XL, measured; 11 s this way).
    """
    return greedy_season(season.catalog, requests, stock=stock, ordered=season.ordered, alone=True)


def round_lp(
    season: Season, lp: SeasonLP, repair: bool = False
) -> tuple[Answer, list[tuple[int, ParcelContents]]]:
    """An integer plan from the LP's: its fully served requests, rounded, then greedy.

    Requests the LP serves whole (most served first, then in arrival order)
    take up to ``max_variants`` of their tiers' LP patterns (largest first,
    within the price spread), counts rounded by largest remainder, while the
    stock lasts. Skus left below their min_order drop the latest requests
    that use them. Greedy then serves what it can of the rest from what is
    left. Cheap, and at Karawang scale far better than the search finds from
    the greedy plan alone (measured).

    With ``repair`` a request whose rounded fills do not fit the stock left
    tries its pools' patterns instead (`_fitting`). Returns the plan and the
    parcels greedy found for it, which `offer_rounded` adds to the pools: the
    caller offers those of the rounding it keeps only.
    """
    by_tier = lp_patterns_by_tier(lp)
    left = dict(season.left)
    chosen: dict[int, dict[int, tuple[tuple[Pattern, int], ...]]] = {}
    order = sorted(range(len(season.requests)), key=lambda r: (-lp.last_served[r], r))
    for r in order:
        if lp.last_served[r] < 1 - 1e-6:
            continue
        fills = {}
        for t in season.tiers_of[r]:
            ref = season.tiers[t]
            fill = rounded_fill(by_tier.get(t, []), ref.parcels, ref.spec)
            if fill is None:
                break
            fills[t] = fill
        else:
            use = usage(fills.values())
            if not all(units <= left.get(key, 0) for key, units in use.items()):
                fills = _fitting(season, r, fills, left) if repair else {}
                use = usage(fills.values())
            if fills:
                for key, units in use.items():
                    left[key] -= units
                chosen[r] = fills
    _drop_short_min_order(season, chosen)
    taken = usage(fill for fills in chosen.values() for fill in fills.values())
    left = {key: units - taken.get(key, 0) for key, units in season.left.items()}
    ordered = dict(season.ordered)
    for key, units in taken.items():
        ordered[key] = ordered.get(key, 0) + units
    rest = [r for r in range(len(season.requests)) if r not in chosen]
    extra = greedy_season(
        season.catalog, [season.requests[r] for r in rest], stock=left, ordered=ordered
    )
    found: list[tuple[int, ParcelContents]] = []
    for r, choice in zip(rest, extra, strict=True):
        if choice.tiers is None:
            continue
        fills = {}
        for t in season.tiers_of[r]:
            ref = season.tiers[t]
            contents = choice.tiers[ref.name]
            found.append((t, contents))
            fills[t] = ((pattern_of(ref.spec, contents, season.owner), ref.parcels),)
        chosen[r] = fills
    answer = Answer(
        tuple(sorted(chosen)),
        {t: fill for fills in chosen.values() for t, fill in fills.items()},
    )
    return answer, found


def offer_rounded(
    season: Season, lp: SeasonLP, found: Sequence[tuple[int, ParcelContents]]
) -> None:
    """Offer the parcels greedy found for a rounded plan to their tiers' pools and the LP."""
    for t, contents in found:
        if season.offer(t, contents):
            lp.add(t, season.newest(t))


def _fitting(
    season: Season,
    r: int,
    rounded: Mapping[int, tuple[tuple[Pattern, int], ...]],
    left: Mapping[str, int],
) -> dict[int, tuple[tuple[Pattern, int], ...]]:
    """Request ``r``'s tiers within ``left`` when its rounded LP fills are not; {} if none.

    Rounding moves a few units off the LP's counts, and where the LP uses a
    stock to the last unit that is enough to fail a request. Each tier keeps
    its rounded fill if it still fits next to the tiers before it, else takes
    the one pattern of its pool, dearest first, of which all its parcels fit.
    On size L at 60 s, 18 of the 930 requests the LP serves whole failed so
    with their rounded fills; the plan with this repair serves 284,355
    parcels instead of 283,910. On M it served 20 parcels fewer than without,
    hence the caller keeps the better of the two (measured 2026-12-02).
    """
    room = dict(left)
    fills: dict[int, tuple[tuple[Pattern, int], ...]] = {}
    for t in season.tiers_of[r]:
        parcels = season.tiers[t].parcels
        options = [rounded[t]] + [
            ((pattern, parcels),)
            for pattern in sorted(
                season.pool[t].values(), key=lambda p: (-p.price, p.package, p.items)
            )
        ]
        for fill in options:
            use = usage([fill])
            if all(units <= room.get(key, 0) for key, units in use.items()):
                break
        else:
            return {}
        for key, units in use.items():
            room[key] -= units
        fills[t] = fill
    return fills


def lp_patterns_by_tier(lp: SeasonLP) -> dict[int, list[tuple[Pattern, float]]]:
    """Tier -> the patterns the last LP solution gives it, with their (fractional) parcels."""
    by_tier: dict[int, list[tuple[Pattern, float]]] = {}
    for column, value in lp.counts():
        by_tier.setdefault(column.tier, []).append((column.pattern, value))
    return by_tier


def rounded_fill(
    patterns: Sequence[tuple[Pattern, float]], parcels: int, spec: TierSpec
) -> tuple[tuple[Pattern, int], ...] | None:
    """A tier's LP patterns as at most max_variants integer counts adding up to ``parcels``."""
    if not patterns:
        return None
    ranked = sorted(patterns, key=lambda pv: (-pv[1], -pv[0].price, pv[0].package, pv[0].items))
    ratio = spec.spread_ratio
    kept: list[tuple[Pattern, float]] = []
    for pattern, value in ranked:
        prices = [p.price for p, _ in kept] + [pattern.price]
        if max(prices) * ratio.denominator <= ratio.numerator * min(prices):
            kept.append((pattern, value))
        if len(kept) == spec.rules.max_variants:
            break
    total = sum(value for _, value in kept)
    exact = [value * parcels / total for _, value in kept]
    counts = [math.floor(x) for x in exact]
    for i in sorted(range(len(kept)), key=lambda i: counts[i] - exact[i])[: parcels - sum(counts)]:
        counts[i] += 1
    return tuple((p, n) for (p, _), n in zip(kept, counts, strict=True) if n > 0)


def _drop_short_min_order(
    season: Season, chosen: dict[int, dict[int, tuple[tuple[Pattern, int], ...]]]
) -> None:
    """Drop the latest requests using a sku whose season total stays below its min_order."""
    minimum = {p.sku: p.min_order - season.ordered.get(p.sku, 0) for p in season.catalog.products}
    while True:
        taken = usage(fill for fills in chosen.values() for fill in fills.values())
        short = {k for k, units in taken.items() if 0 < units < minimum.get(k, 0)}
        if not short:
            return
        users = [
            r
            for r, fills in chosen.items()
            if any(key in short for fill in fills.values() for p, _ in fill for key, _ in p.uses)
        ]
        del chosen[max(users)]
