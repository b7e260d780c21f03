"""Local search on the later stages' candidate: one tier, then one variant, at a time.

`parcelkit.solve.single.fill_tier` fills a quote's tiers one after another,
each variant the best parcel for its share of what is left. What is filled
first never sees what comes after: a small manager tier filled on its own
cannot reach most min_orders, and when it is kept as the value stage left
it, the first staff variant must lift all of its skus at once and no staff
parcel can (REQ-0005 of the sample: 17 producers). `polished` re-fills each
tier with every other tier booked first, and each of its variants with every
other variant booked, and keeps a change when the whole candidate reaches
more of the aims, compared in their order (`Shelf.score`). For spread a tier
is also re-filled with its parcels split so that goods of a common min_order
get a variant of their size (`need_splits`). The later stages then start
from the polished candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from parcelkit.models import Catalog, Request
from parcelkit.solve.objectives import owners
from parcelkit.solve.pair import Place, refill_pair, shared_reach
from parcelkit.solve.parcel import TierSpec
from parcelkit.solve.single import Aims, Fill, Ledger, Window, need_splits, refill_variant
from parcelkit.solve.stages import Limits

Fills = Mapping[str, Fill]
"""A whole candidate: tier name -> its variants."""

Splits = Mapping[str, Sequence[Sequence[int]]]
"""Tier name -> the splits of its parcels over variants to try, in turn."""

SPLITS: int | None = 1
"""How many of `need_splits`' splits a tier is also re-filled with in the spread
polish, the most promising first (None: all, 0: none). Measured interleaved
on the latency benchmark's 130 quotes, against none: one split, spread in all
51,700 -> 52,890 weighted producers (REQ-0005 250 -> 300, REQ-0056 150 ->
160), median quote 0.492 -> 0.519 s; two, 53,350 and 0.555 s; all of them
(4 to 20 a quote, unranked), 53,590 and 0.865 s."""

ROUNDS = 1
"""Passes over the tiers. Measured interleaved on the latency benchmark's 130
quotes: without the polish the spread stages reached 50,460 weighted producers
in all, the median quote took 0.385 s; one pass 51,620 and 0.485 s; two passes
51,760 and 0.495 s."""

SHRINK_PARTS = (2, 4)
"""The shares of its parcels a variant is re-filled for in the preference
polish. Measured interleaved on the latency benchmark (26 quotes with
preferences): a score of 18,521 in all without the preference polish, 29,443
with (2, 4), 22,743 with (2, 4, 8); no change in the median time."""

PAIRS = 2
"""How many pairs of variants `paired` re-fills together, those that may add the
most weight of producers first (`shared_reach`); 0: none."""

THREADS = 2
"""Threads that re-fill a tier's variants at once. CP-SAT releases Python's
lock while it solves, so on two cores the polish takes less time (measured
interleaved on the latency benchmark's 130 quotes: median quote 0.502 s with
one thread, 0.459 s with two). The answers do not depend on it: every re-fill
of a pass starts from the same candidate and they are compared in order."""


@dataclass(frozen=True)
class Shelf:
    """What a quote's candidates draw from: the goods each tier may use, the
    stock left and the units still needed for each sku's min_order."""

    catalog: Catalog
    request: Request
    specs: Mapping[str, TierSpec]
    available: Mapping[str, int]
    ordered: Mapping[str, int]

    def ledger(self) -> Ledger:
        """A ledger with nothing booked yet."""
        short = {
            p.sku: max(0, p.min_order - self.ordered.get(p.sku, 0)) for p in self.catalog.products
        }
        return Ledger(dict(self.available), short)

    def needs(self) -> dict[str, int]:
        """Units each sku still needs ordered once it is used (its min_order less
        what is already ordered)."""
        return {p.sku: p.min_order - self.ordered.get(p.sku, 0) for p in self.catalog.products}

    def booked(self, fills: Fills, *leave_out: tuple[str, int]) -> Ledger:
        """A ledger with every variant of ``fills`` booked but those left out: (tier, index)."""
        ledger = self.ledger()
        owner = owners(self.catalog)
        for name, fill in fills.items():
            for index, (parcel, count) in enumerate(fill):
                if (name, index) not in leave_out:
                    ledger.take(parcel, count, owner)
        return ledger

    def score(self, fills: Fills, aims: Aims) -> tuple[int, ...] | None:
        """What a whole candidate reaches of each aim, in order; None when it is
        not a valid quote (a tier missing, stock exceeded, a min_order not met).

        Per-parcel rules need no check: every parcel was solved with them.
        """
        if any(not fills.get(tier.name) for tier in self.request.tiers):
            return None
        units = ordered_units(fills)
        needs = self.needs()
        if any(n > self.available[k] or n < needs.get(k, 1) for k, n in units.items()):
            return None
        owner = owners(self.catalog)
        sellers = {owner[key] for key in units if key in owner}
        reached = []
        for aim in aims.order:
            if aim == "spread":
                reached.append(sum(aims.weights.get(j, 10) for j in sellers))
            else:
                reached.append(sum(aims.likes.get(key, 0) * n for key, n in units.items()))
        return tuple(reached)


def ordered_units(fills: Fills) -> dict[str, int]:
    """The units ``fills`` order of each sku and packaging id, over all tiers."""
    units: dict[str, int] = {}
    for fill in fills.values():
        for (package, contents), count in fill:
            units[package] = units.get(package, 0) + count
            for sku, qty in contents.items():
                units[sku] = units.get(sku, 0) + qty * count
    return units


def polished(
    shelf: Shelf,
    windows: Mapping[str, Window],
    aims: Aims,
    start: Fills,
    limits: Limits,
    refill_tier: Callable[[Fills, Splits | None], Fills | None] | None,
    keep_spread: bool = False,
    rounds: int | None = None,
) -> Fills:
    """``start`` with a tier or a variant re-filled at a time while its score rises.

    ``start`` must be a valid candidate (`Shelf.score` not None).
    ``refill_tier`` fills the one tier missing from what it is given, around
    the others. Tiers go largest first, since they hold the most producers;
    for each, the tier and each of its variants are re-filled around the
    same candidate, and the best of those that raise its score is kept.

    With ``keep_spread`` (the preference stage, once the spread is held) only
    variants are re-filled, each selling for producers weighing at least as
    much as those it alone sold for: the spread never falls. There a variant
    may also be re-filled for half or a quarter of its parcels
    (`SHRINK_PARTS`), the rest moving to the variant liked most.
    ``rounds`` overrides `ROUNDS`.
    """
    needs = shelf.needs()
    first = shelf.score(start, aims)
    if first is None:
        raise ValueError("only a valid candidate can be polished")
    best, best_score = start, first
    owner = owners(shelf.catalog)
    tiers = sorted(shelf.request.tiers, key=lambda t: -t.parcels)

    def variant(base: Fills, name: str, index: int) -> Fills | None:
        fill = refill_variant(
            shelf.specs[name],
            base[name],
            index,
            windows[name],
            shelf.booked(base, (name, index)),
            owner,
            limits,
            aims,
            keep_spread,
        )
        return None if fill is None else {**base, name: fill}

    def shrunk(base: Fills, name: str, index: int, count: int) -> Fills | None:
        fill = list(base[name])
        liked = [_liking(parcel, aims) for parcel, _ in fill]
        others = [k for k in range(len(fill)) if k != index and liked[k] > liked[index]]
        if not others:
            return None
        target = max(others, key=lambda k: (liked[k], -k))
        moved = fill[index][1] - count
        fill[target] = (fill[target][0], fill[target][1] + moved)
        fill[index] = (fill[index][0], count)
        return variant({**base, name: fill}, name, index)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for _ in range(ROUNDS if rounds is None else rounds):
            improved = False
            for tier in tiers:
                others = {name: fill for name, fill in best.items() if name != tier.name}
                jobs = []
                if refill_tier and len(tiers) > 1:
                    jobs.append(partial(refill_tier, others, None))
                if refill_tier and SPLITS != 0 and not keep_spread:
                    current = [count for _, count in best[tier.name]]
                    splits = need_splits(
                        shelf.specs[tier.name],
                        tier.parcels,
                        needs,
                        owner,
                        windows[tier.name],
                        SPLITS,
                    )
                    jobs += [
                        partial(refill_tier, others, {tier.name: [split]})
                        for split in splits
                        if split != current
                    ]
                jobs += [partial(variant, best, tier.name, i) for i in range(len(best[tier.name]))]
                if keep_spread:
                    jobs += [
                        partial(shrunk, best, tier.name, i, n // part)
                        for i, (_, n) in enumerate(best[tier.name])
                        for part in SHRINK_PARTS
                        if n // part >= 1
                    ]
                for candidate in pool.map(lambda job: job(), jobs):
                    reached = shelf.score(candidate, aims) if candidate is not None else None
                    if candidate is not None and reached is not None and reached > best_score:
                        best, best_score, improved = candidate, reached, True
            if not improved:
                break
    return best


def paired(
    shelf: Shelf, windows: Mapping[str, Window], aims: Aims, start: Fills, limits: Limits
) -> Fills:
    """``start`` with two variants re-filled together (`refill_pair`), the best of
    the `PAIRS` most promising pairs, when that raises its score; else ``start``.

    Only pairs that may sell for a producer not yet selling by sharing a
    min_order neither variant reaches alone are tried (`shared_reach`), those
    that may add the most weight first: one variant at a time, `polished`
    never finds those.
    """
    owner = owners(shelf.catalog)
    best, best_score = start, shelf.score(start, aims)
    if best_score is None:
        raise ValueError("only a valid candidate can be re-filled")

    def place(at: tuple[str, int]) -> Place:
        name, index = at
        return Place(name, shelf.specs[name], start[name], index, windows[name])

    ranked: list[tuple[int, int, Place, Place, Ledger]] = []
    for first, second in _pairs(start):
        one, other = place(first), place(second)
        ledger = shelf.booked(start, first, second)
        reach = shared_reach(one, other, ledger, owner, aims.weights)
        if reach > 0:
            ranked.append((-reach, len(ranked), one, other, ledger))

    def refill(job: tuple[int, int, Place, Place, Ledger]) -> Fills | None:
        _, _, first, second, ledger = job
        changed = refill_pair(first, second, ledger, owner, limits, aims)
        return None if changed is None else {**start, **changed}

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for candidate in pool.map(refill, sorted(ranked, key=lambda job: job[:2])[:PAIRS]):
            reached = shelf.score(candidate, aims) if candidate is not None else None
            if candidate is not None and reached is not None and reached > best_score:
                best, best_score = candidate, reached
    return best


def _pairs(fills: Fills) -> list[tuple[tuple[str, int], tuple[str, int]]]:
    """Every two variants of ``fills``, as (tier, index)."""
    places = [(name, index) for name, fill in fills.items() for index in range(len(fill))]
    return [(a, b) for i, a in enumerate(places) for b in places[i + 1 :]]


def _liking(parcel: tuple[str, Mapping[str, int]], aims: Aims) -> int:
    """One parcel's preference score."""
    return sum(aims.likes.get(sku, 0) * qty for sku, qty in parcel[1].items())


__all__ = ["ROUNDS", "Shelf", "ordered_units", "paired", "polished"]
