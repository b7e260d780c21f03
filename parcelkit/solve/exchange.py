"""Exchange moves: raise the producers paid least by changing one item of parcels the plan has.

At Karawang scale serving takes most of the time limit, and a leximin round
(an LP solved to its level, then CP-SAT over the patterns found) does not fit
in what is left. Most of what such a round changes is small, though: a low
producer's snack in place of another snack, in the parcels of a few large
tiers. Here that is done directly, in plain arithmetic.

A move takes one variant of a served tier (a pattern and its parcel count)
and, in all or some of its parcels, adds one unit of a low producer's sku or
puts it in place of one unit of another producer's sku (the richest
producer's first); when no such change can, the parcel nearest the variant
that holds the low producer's goods is priced (`_priced_move`). The new
parcel must hold every per-parcel rule of its tier (`fits`), the tier its
``max_variants`` and price spread, the season its stock, ``min_order`` and
``max_share``; and every eligible producer that loses must stay at or above
the level the low producer reaches. So each move makes the plan better in
the leximin order and keeps it valid, and the moves end.

The lowest producer moves first, toward the next producer's level (at least
`LEVEL_STEP` of the highest level on offer, `Fairness.cap`, above its own):
water-filling, one variant at a time. A producer no move can raise is left
where it is. The work is counted in `CHECK_SECONDS` per parcel checked, so
that the same moves are made on every machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from parcelkit.solve.leximin import Fairness, repair_weights
from parcelkit.solve.patterns import Pattern, pattern_of, price_pattern
from parcelkit.solve.season_state import PRICING_WORK, Answer, Season, answer_revenue, usage

CHECK_SECONDS: Final = 2e-5
"""Counted work per candidate parcel checked, in seconds: on size L one took 12 us on
the development machine in a fast state (6 s counted, 3.7 s on the clock)."""
PRICED_VARIANTS: Final = 8
"""Variants, largest first, a producer no one-unit move can raise gets a priced parcel in."""
PRICING_CHECKS: Final = 750
"""A pricing solve counted as this many checks (15 ms, about what one takes)."""
LEVEL_STEP: Final = 0.2
"""Least rise a move aims for, as a share of the highest level on offer. Larger steps
make fewer, larger moves: on size L with 4.3 s counted the eligible producers' gini was
0.448 with 0.005, 0.440 with 0.02, 0.438 with 0.05, 0.439 with 0.1, 0.434 with 0.2 and
0.438 with 0.5 (the least revenue reached its bound with each)."""


@dataclass(frozen=True)
class Shelf:
    """What the per-parcel rules of one tier read, as plain numbers."""

    price: Mapping[str, int]
    category: Mapping[str, str]
    maker: Mapping[str, str]
    volume: Mapping[str, int]
    weight: Mapping[str, int]
    capacity: Mapping[str, tuple[int, int]]
    """Packaging id -> (capacity_ml, max_weight_g)."""
    box_price: Mapping[str, int]


def shelf_of(season: Season, t: int) -> Shelf:
    """Tier ``t``'s `Shelf`: its eligible goods and packaging as lookups."""
    spec = season.tiers[t].spec
    products = spec.products
    return Shelf(
        price={p.sku: p.price for p in products},
        category={p.sku: p.category for p in products},
        maker={p.sku: p.producer_id for p in products},
        volume={p.sku: p.volume_ml for p in products},
        weight={p.sku: p.weight_g for p in products},
        capacity={p.id: (p.capacity_ml, p.max_weight_g) for p in spec.packaging},
        box_price={p.id: p.price for p in spec.packaging},
    )


def fits(season: Season, t: int, shelf: Shelf, package: str, quantities: Mapping[str, int]) -> bool:
    """Whether one parcel holds every per-parcel rule of tier ``t`` (the rules
    `parcelkit.solve.parcel.add_composition` states as constraints)."""
    spec = season.tiers[t].spec
    rules = spec.rules
    if package not in shelf.capacity:
        return False
    units = 0
    price = shelf.box_price[package] + spec.fees
    volume = weight = 0
    per_category: dict[str, int] = {}
    per_maker: dict[str, int] = {}
    for sku, qty in quantities.items():
        if qty > spec.max_same.get(sku, 0):
            return False
        units += qty
        price += qty * shelf.price[sku]
        volume += qty * shelf.volume[sku]
        weight += qty * shelf.weight[sku]
        category = shelf.category[sku]
        per_category[category] = per_category.get(category, 0) + qty
        per_maker[shelf.maker[sku]] = per_maker.get(shelf.maker[sku], 0) + qty
    capacity, max_weight = shelf.capacity[package]
    cap = rules.max_items_per_producer
    return (
        spec.price_low <= price <= spec.price_high
        and rules.min_items <= units <= rules.max_items
        and volume <= capacity
        and weight <= max_weight
        and (cap is None or all(n <= cap for n in per_maker.values()))
        and all(
            low <= per_category.get(category, 0) <= high
            for category, (low, high) in rules.categories.items()
        )
    )


@dataclass(frozen=True)
class Move:
    """``parcels`` of tier ``tier``'s variant ``variant`` become ``pattern``."""

    tier: int
    variant: int
    pattern: Pattern
    parcels: int


@dataclass
class Book:
    """The plan being changed, with its running totals."""

    season: Season
    fair: Fairness
    fills: dict[int, list[tuple[Pattern, int]]]
    use: dict[str, int]
    revenue: dict[str, int]
    minimum: dict[str, int]
    """Sku -> units the season must sell of it if it sells any (its min_order, less
    what was ordered before)."""
    shelves: dict[int, Shelf] = field(default_factory=dict)
    checks: int = 0

    def level(self, producer: str) -> int:
        """``producer``'s fairness level now (revenue x scale / weight)."""
        fair = self.fair
        return self.revenue.get(producer, 0) * fair.scale // fair.weights[producer]

    def standing(self, producer: str) -> float:
        """How much ``producer`` can give: its level, or infinity if it is not eligible."""
        return self.level(producer) if producer in self.fair.weights else math.inf

    def least_revenue(self, producer: str, level: int) -> int:
        """The revenue that puts ``producer`` at ``level``, at least (and at its floor)."""
        fair = self.fair
        weight = fair.weights[producer]
        floor = fair.floors.get(producer, 0)
        return math.ceil(max(level, floor) * weight / fair.scale)

    def shelf(self, t: int) -> Shelf:
        if t not in self.shelves:
            self.shelves[t] = shelf_of(self.season, t)
        return self.shelves[t]

    def answer(self, served: Sequence[int]) -> Answer:
        return Answer(
            tuple(served), {t: tuple(fill) for t, fill in sorted(self.fills.items()) if fill}
        )


def exchange(
    season: Season, answer: Answer, fair: Fairness, work: float, deadline: float
) -> tuple[Answer, float, bool]:
    """``answer`` with exchange moves made for its active producers, lowest first,
    while the counted work stays within ``work``: the plan, the work used, and
    whether the clock (``deadline``, `time.monotonic`) stopped it before the work did."""
    book = Book(
        season=season,
        fair=fair,
        fills={t: list(fill) for t, fill in answer.fills.items()},
        use=usage(answer.fills.values()),
        revenue=answer_revenue(season, answer),
        minimum={
            p.sku: p.min_order - season.ordered.get(p.sku, 0) for p in season.catalog.products
        },
    )
    sellers = Sellers.of(season, answer)
    stuck: set[str] = set()
    step = max(1, int(fair.cap() * LEVEL_STEP))
    budget = int(work / CHECK_SECONDS)
    clock = False
    while book.checks < budget:
        if time.monotonic() >= deadline:
            clock = True
            break
        ranked = sorted(fair.active, key=lambda j: (book.level(j), j))
        low = [j for j in ranked if j not in stuck]
        if not low:
            break
        producer = low[0]
        above = [book.level(j) for j in ranked if book.level(j) > book.level(producer)]
        goal = max(above[0] if above else 0, book.level(producer) + step)
        move = _move_for(book, producer, goal, sellers(producer), budget)
        if move is None:
            stuck.add(producer)
            continue
        _apply(book, move)
    return book.answer(answer.served), book.checks * CHECK_SECONDS, clock


@dataclass
class Sellers:
    """Where each producer's goods may go: per sku, the served tiers whose rules let it
    in, largest first. Worked out per producer when first asked (a season of 5,000
    requests has about 10,000 tiers and 2,000 skus)."""

    season: Season
    tiers: list[int]
    """The served tiers with parcels, largest first."""
    found: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)

    @classmethod
    def of(cls, season: Season, answer: Answer) -> Sellers:
        tiers = sorted(
            (t for r in answer.served for t in season.tiers_of[r] if answer.fills.get(t)),
            key=lambda t: (-season.tiers[t].parcels, t),
        )
        return cls(season, tiers)

    def __call__(self, producer: str) -> list[tuple[str, list[int]]]:
        """``producer``'s skus, priciest first, each with the tiers that may hold it."""
        if producer not in self.found:
            season = self.season
            goods = sorted(
                (-p.price, p.sku) for p in season.catalog.products if p.producer_id == producer
            )
            entries = []
            for _, sku in goods:
                where = [t for t in self.tiers if sku in season.tiers[t].spec.max_same]
                if where:
                    entries.append((sku, where))
            self.found[producer] = entries
        return self.found[producer]


def _move_for(
    book: Book, producer: str, goal: int, skus: Sequence[tuple[str, list[int]]], budget: int
) -> Move | None:
    """The first move that raises ``producer`` toward ``goal``, or None.

    One unit changed first (`_variant_move`), in every variant that may hold the
    producer's goods; when none can, a parcel priced near the variant
    (`_priced_move`) in the `PRICED_VARIANTS` largest variants.
    """
    season = book.season
    open_skus = [(sku, ts) for sku, ts in skus if season.left.get(sku, 0) > book.use.get(sku, 0)]
    for sku, tiers in open_skus:
        for t in tiers:
            for v, (pattern, count) in enumerate(book.fills[t]):
                if book.checks >= budget:
                    return None
                move = _variant_move(book, producer, goal, sku, t, v, pattern, count)
                if move is not None:
                    return move
    variants = sorted(
        {
            (-count, t, v)
            for _, ts in open_skus
            for t in ts
            for v, (_, count) in enumerate(book.fills[t])
        }
    )
    for _, t, v in variants[:PRICED_VARIANTS]:
        if book.checks >= budget:
            return None
        move = _priced_move(book, producer, goal, t, v)
        if move is not None:
            return move
    return None


def _variant_move(
    book: Book,
    producer: str,
    goal: int,
    sku: str,
    t: int,
    v: int,
    pattern: Pattern,
    count: int,
) -> Move | None:
    """A move on one variant: one unit of ``sku`` added, or in place of another's unit."""
    season = book.season
    spec = season.tiers[t].spec
    shelf = book.shelf(t)
    quantities = dict(pattern.items)
    if quantities.get(sku, 0) >= spec.max_same[sku]:
        return None
    price = shelf.price[sku]
    others = sorted(
        (k for k in quantities if k != sku and shelf.maker[k] != producer),
        key=lambda k: (-book.standing(shelf.maker[k]), abs(shelf.price[k] - price), k),
    )
    for removed in [None, *others]:
        book.checks += 1
        changed = dict(quantities)
        changed[sku] = changed.get(sku, 0) + 1
        if removed is not None:
            changed[removed] -= 1
            if changed[removed] == 0:
                del changed[removed]
        if not fits(season, t, shelf, pattern.package, changed):
            continue
        new = pattern_of(spec, (pattern.package, changed), season.owner)
        parcels = _parcels(book, producer, goal, t, v, pattern, count, new)
        if parcels:
            return Move(t, v, new, parcels)
    return None


def _priced_move(book: Book, producer: str, goal: int, t: int, v: int) -> Move | None:
    """A move to the parcel of tier ``t`` nearest variant ``v`` that holds the producer's
    goods: a pricing solve with `repair_weights` (as a leximin round's repaired parcels)."""
    season = book.season
    spec = season.tiers[t].spec
    pattern, count = book.fills[t][v]
    book.checks += PRICING_CHECKS
    weights = repair_weights(season, spec, pattern, producer)
    priced = price_pattern(spec, weights, season.limits(PRICING_WORK))
    if priced.pattern is None:
        return None
    new = pattern_of(spec, priced.pattern, season.owner)
    parcels = _parcels(book, producer, goal, t, v, pattern, count, new)
    return Move(t, v, new, parcels) if parcels else None


def _parcels(
    book: Book,
    producer: str,
    goal: int,
    t: int,
    v: int,
    old: Pattern,
    count: int,
    new: Pattern,
) -> int:
    """How many of the variant's ``count`` parcels the move changes; 0 when none can."""
    season = book.season
    delta: dict[str, int] = dict(new.revenue)
    for j, amount in old.revenue:
        delta[j] = delta.get(j, 0) - amount
    gain = delta.get(producer, 0)
    if gain <= 0:
        return 0
    need = book.least_revenue(producer, goal) - book.revenue.get(producer, 0)
    most = min(count, max(1, -(-need // gain)))
    units = dict(new.uses)
    for key, n in old.uses:
        units[key] = units.get(key, 0) - n
    whole = count  # the most parcels the move may take, every limit but the goal's
    for key, n in units.items():
        if n > 0:
            whole = min(whole, (season.left.get(key, 0) - book.use.get(key, 0)) // n)
    whole = _donors_allow(book, producer, delta, whole)
    parcels = min(most, whole)
    fill = book.fills[t]
    merged = any(p.items == new.items and p.package == new.package for p, _ in fill)
    rules = season.tiers[t].spec.rules
    if 0 < parcels < count and not merged and len(fill) >= rules.max_variants:
        parcels = count if whole >= count else 0  # the whole variant, or nothing
    if parcels <= 0:
        return 0
    for key, n in units.items():
        after = book.use.get(key, 0) + parcels * n
        if 0 < after < book.minimum.get(key, 0):
            return 0
    if not _within_share(book, delta, parcels):
        return 0
    prices = [new.price] + [p.price for i, (p, _) in enumerate(fill) if i != v or parcels < count]
    ratio = season.tiers[t].spec.spread_ratio
    if max(prices) * ratio.denominator > ratio.numerator * min(prices):
        return 0
    return parcels


def _donors_allow(book: Book, producer: str, delta: Mapping[str, int], most: int) -> int:
    """The most parcels, up to ``most``, after which every eligible producer the move
    pays less stays at or above the level ``producer`` reaches: so the plan is better
    in the leximin order (``producer`` is the lowest still moving)."""
    losers = [(j, amount) for j, amount in delta.items() if amount < 0 and j in book.fair.weights]
    if not losers:
        return most
    fair = book.fair
    paid = book.revenue.get(producer, 0)

    def holds(parcels: int) -> bool:
        reached = (paid + parcels * delta[producer]) * fair.scale // fair.weights[producer]
        return all(
            book.revenue.get(j, 0) + parcels * amount >= book.least_revenue(j, reached)
            for j, amount in losers
        )

    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _apply(book: Book, move: Move) -> None:
    fill = book.fills[move.tier]
    old, count = fill[move.variant]
    new = move.pattern
    season = book.season
    season.offer(move.tier, (new.package, dict(new.items)))
    if move.parcels == count:
        del fill[move.variant]
    else:
        fill[move.variant] = (old, count - move.parcels)
    for i, (p, n) in enumerate(fill):
        if p.items == new.items and p.package == new.package:
            fill[i] = (p, n + move.parcels)
            break
    else:
        fill.append((new, move.parcels))
    for key, n in old.uses:
        book.use[key] = book.use.get(key, 0) - n * move.parcels
    for key, n in new.uses:
        book.use[key] = book.use.get(key, 0) + n * move.parcels
    for j, amount in old.revenue:
        book.revenue[j] = book.revenue.get(j, 0) - amount * move.parcels
    for j, amount in new.revenue:
        book.revenue[j] = book.revenue.get(j, 0) + amount * move.parcels


def _within_share(book: Book, delta: Mapping[str, int], parcels: int) -> bool:
    """No producer goes above the ``max_share`` cap: one paid more by the move, or, when
    the move lowers the season's total, the one paid most."""
    share = book.season.max_share
    if share is None:
        return True
    change = parcels * sum(delta.values())
    total = sum(book.revenue.values()) + change
    after = [book.revenue.get(j, 0) + parcels * amount for j, amount in delta.items() if amount > 0]
    if change < 0:
        after.append(max(book.revenue.values(), default=0))
    return all(share.denominator * paid <= share.numerator * total for paid in after)
