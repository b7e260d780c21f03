"""Two variants of a candidate re-filled together, their parcel counts kept.

`parcelkit.solve.single.refill_variant` re-fills one variant with the rest of
the quote booked: a good it adds must reach its min_order from that variant
alone. Two small variants can often share one. In REQ-0016 of the latency
benchmark a variant of 11 supervisor parcels and one of 2 manager parcels
take three goods of min_order 24 together, two units in each supervisor
parcel and one in each manager parcel (22 + 2); neither variant reaches 24
alone, and the quote sells for three producers more (570 -> 600 weighted).
`refill_pair` solves two variants (of one tier or of two) as one model: the
units of a good are its quantity in each times that variant's count, which
is linear with the counts kept, so a min_order, and the stock, are met by
both variants together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from math import ceil

from ortools.sat.python import cp_model

from parcelkit.solve.parcel import Composition, ParcelContents, TierSpec, add_composition
from parcelkit.solve.single import (
    Aims,
    Fill,
    Ledger,
    Window,
    contents_of,
    lexicographic,
    parcel_price,
)
from parcelkit.solve.stages import Limits, parameters


@dataclass(frozen=True)
class Place:
    """One variant of a candidate: the tier, its spec, its fill, the variant's index
    and the price window the tier holds."""

    tier: str
    spec: TierSpec
    fill: Fill
    index: int
    window: Window

    @property
    def count(self) -> int:
        """The variant's parcels."""
        return self.fill[self.index][1]


def refill_pair(
    first: Place,
    second: Place,
    ledger: Ledger,
    owner: Mapping[str, str],
    limits: Limits,
    aims: Aims,
) -> dict[str, Fill] | None:
    """The two variants at ``first`` and ``second`` re-filled together for the most
    of ``aims`` among producers not yet selling, then the most value.

    ``ledger`` has the rest of the quote booked, both variants left out. Each
    new parcel keeps its tier's window and the price spread of the tier's
    other variants (of each other, too, when both are of one tier); the two
    together keep the stock left and lift every sku they use, or that the
    rest leaves short, to its min_order. Returns the changed tiers' fills
    (one or two), or None when no pair fits or a tier would hold one parcel
    as two variants.
    """
    model = cp_model.CpModel()
    places = (first, second)
    compositions = []
    for number, place in enumerate(places):
        window = _spread_window(place, places)
        if window.low > window.high:
            return None
        spec = _narrowed(place.spec, places, ledger, owner)
        composition = add_composition(model, spec, f"pair{number}")
        model.add(composition.price >= window.low)
        model.add(composition.price <= window.high)
        compositions.append(composition)
    if first.tier == second.tier:
        ratio = first.spec.spread_ratio
        for a, b in ((0, 1), (1, 0)):
            price_a, price_b = compositions[a].price, compositions[b].price
            model.add(ratio.denominator * price_a <= ratio.numerator * price_b)
    _add_shared_units(model, places, compositions, ledger)
    parts = [
        (composition, place.spec, place.window, place.count)
        for place, composition in zip(places, compositions, strict=True)
    ]
    model.maximize(lexicographic(model, parts, ledger, owner, aims))
    for place, composition in zip(places, compositions, strict=True):
        _hint(model, composition, place.fill[place.index][0])
    solver = parameters(limits)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    fills = {place.tier: list(place.fill) for place in places}
    for place, composition in zip(places, compositions, strict=True):
        parcel = contents_of(solver, composition.packaging, composition.qty)
        fills[place.tier][place.index] = (parcel, place.count)
    for fill in fills.values():
        parcels = [parcel for parcel, _ in fill]
        if any(parcel in parcels[:index] for index, parcel in enumerate(parcels)):
            return None
    return fills


def shared_reach(
    first: Place,
    second: Place,
    ledger: Ledger,
    owner: Mapping[str, str],
    weights: Mapping[str, int],
) -> int:
    """The weight of the producers not yet selling that have a good the two variants
    can bring to its min_order together and neither can alone: what
    `refill_pair` may add that re-filling one variant at a time cannot."""
    reach_first = {p.sku: first.spec.max_same[p.sku] * first.count for p in first.spec.products}
    producers = set()
    for product in second.spec.products:
        sku = product.sku
        if sku not in reach_first or owner[sku] in ledger.taken:
            continue
        alone = second.spec.max_same[sku] * second.count
        need = ledger.short.get(sku, 0)
        if max(reach_first[sku], alone) < need <= reach_first[sku] + alone:
            producers.add(owner[sku])
    return sum(weights.get(j, 10) for j in producers)


def _narrowed(
    spec: TierSpec, places: tuple[Place, Place], ledger: Ledger, owner: Mapping[str, str]
) -> TierSpec:
    """``spec`` with the goods that can matter: those of producers not yet selling,
    those either variant holds now, and those the rest leaves short."""
    held = {sku for place in places for sku in place.fill[place.index][0][1]}
    keep = tuple(
        p
        for p in spec.products
        if owner[p.sku] not in ledger.taken or p.sku in held or p.sku in ledger.owed
    )
    return replace(spec, products=keep, max_same={p.sku: spec.max_same[p.sku] for p in keep})


def _hint(model: cp_model.CpModel, composition: Composition, parcel: ParcelContents) -> None:
    """Hint ``composition`` to hold ``parcel``."""
    package, contents = parcel
    for box, var in composition.packaging.items():
        model.add_hint(var, box == package)
    for sku, chain in composition.steps.items():
        for k, step in enumerate(chain):
            model.add_hint(step, contents.get(sku, 0) > k)


def _spread_window(place: Place, pair: tuple[Place, Place]) -> Window:
    """``place``'s window within the price spread of its tier's variants outside ``pair``."""
    ratio = place.spec.spread_ratio
    low, high = place.window.low, place.window.high
    moving = {p.index for p in pair if p.tier == place.tier}
    for index, (parcel, _) in enumerate(place.fill):
        if index not in moving:
            price = parcel_price(place.spec, parcel)
            low, high = max(low, ceil(price / ratio)), min(high, int(price * ratio))
    return Window(low, high)


def _add_shared_units(
    model: cp_model.CpModel,
    places: tuple[Place, Place],
    compositions: list[Composition],
    ledger: Ledger,
) -> None:
    """Stock left and min_order over both variants: units are quantity x count."""
    units: dict[str, list[tuple[cp_model.LinearExprT, int]]] = {}
    firsts: dict[str, list[cp_model.IntVar]] = {}
    for place, composition in zip(places, compositions, strict=True):
        for box, chosen in composition.packaging.items():
            units.setdefault(box, []).append((chosen, place.count))
        for sku, qty in composition.qty.items():
            units.setdefault(sku, []).append((qty, place.count))
            if composition.steps[sku]:
                firsts.setdefault(sku, []).append(composition.steps[sku][0])
    for key, parts in sorted(units.items()):
        total = cp_model.LinearExpr.weighted_sum([q for q, _ in parts], [n for _, n in parts])
        model.add(total <= ledger.left.get(key, 0))
        short = ledger.short.get(key, 0)
        if short <= 0 or key not in firsts:
            continue
        if key in ledger.owed:
            model.add(total >= short)
        else:
            used = model.new_bool_var(f"used:{key}")
            model.add_max_equality(used, firsts[key])
            model.add(total >= short).only_enforce_if(used)


__all__ = ["Place", "refill_pair", "shared_reach"]
