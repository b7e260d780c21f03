"""The CP-SAT model of one quote: variant slots per tier, shared stock, min_order.

Each tier gets up to ``max_variants`` *slots*; a slot is a composition
(`parcelkit.solve.parcel`) plus a count of parcels. The count times a
quantity would be a product of two variables; with unary quantities it is a
sum of ``count if step else 0`` terms, each one an integer variable tied to the
count by two enforced equalities. Units per sku are then linear, so stock,
``min_order``, revenue and value are all linear rows.

Slots are ordered by count (a used slot never follows an unused one, and
counts do not increase) to cut symmetric solutions.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from parcelkit.models import Catalog, Request, Tier
from parcelkit.solve.parcel import Composition, ParcelContents, TierSpec, add_composition


@dataclass
class TierSlots:
    """A tier's variant slots: compositions, parcel counts and units they order."""

    tier: Tier
    spec: TierSpec
    slots: list[Composition]
    counts: list[cp_model.IntVar]
    served: cp_model.IntVar
    """Parcels the slots serve: all of the tier's, except in diagnosis."""
    units: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)
    """sku or packaging id -> count-times-step terms whose sum is the units ordered."""

    def value(self) -> cp_model.LinearExpr:
        """What the tier's parcels cost in total, fees included."""
        terms: list[cp_model.LinearExpr] = []
        prices = {p.sku: p.price for p in self.spec.products}
        prices.update({p.id: p.price for p in self.spec.packaging})
        for key, parts in sorted(self.units.items()):
            terms.append(prices[key] * cp_model.LinearExpr.sum(parts))
        return cp_model.LinearExpr.sum(terms) + self.spec.fees * self.served


@dataclass
class QuoteModel:
    """The whole model of one quote, with the expressions the objectives use."""

    model: cp_model.CpModel
    tiers: list[TierSlots]
    total_units: dict[str, cp_model.LinearExpr]
    used: dict[str, cp_model.IntVar]
    """sku or packaging id -> true when the quote orders any unit of it."""

    def value(self) -> cp_model.LinearExpr:
        """The quote's total: what the company spends, fees included."""
        return cp_model.LinearExpr.sum([t.value() for t in self.tiers])

    def counts(self) -> list[cp_model.IntVar]:
        """Every slot's parcel count."""
        return [n for slots in self.tiers for n in slots.counts]

    def contents(self, tiers: Sequence[TierSlots] | None = None) -> list[cp_model.IntVar]:
        """Every slot's contents (of ``tiers``, by default all): whether it is
        used, its packaging, its units (unary steps)."""
        chosen = self.tiers if tiers is None else tiers
        return [var for slots in chosen for c in slots.slots for var in _contents(c)]

    def decisions(self, tiers: Sequence[TierSlots]) -> list[cp_model.IntVar]:
        """The variables that decide ``tiers``: their slots' counts and contents."""
        return [n for slots in tiers for n in slots.counts] + self.contents(tiers)

    def all_but(self, tier: TierSlots, free: Sequence[int]) -> list[cp_model.IntVar]:
        """Every decision variable but those of ``tier``'s slots at ``free``: their
        counts and contents move, the rest of the quote stays."""
        fixed = self.decisions([slots for slots in self.tiers if slots is not tier])
        for index, (composition, count) in enumerate(zip(tier.slots, tier.counts, strict=True)):
            if index not in free:
                fixed += [count, *_contents(composition)]
        return fixed

    def hint(
        self, fills: Mapping[str, Sequence[tuple[ParcelContents, int]]]
    ) -> dict[cp_model.IntVar, int]:
        """Values of the decision variables that put ``fills[tier]`` in the tier's slots.

        ``fills`` maps a tier name to (parcel, count) pairs, at most one per
        slot; slots without a pair are unused. Tiers not in ``fills`` get no hint.
        The pairs go to the slots most parcels first, as the slots' order asks.
        """
        hint: dict[cp_model.IntVar, int] = {}
        for slots in self.tiers:
            fill = fills.get(slots.tier.name)
            if fill is None:
                continue
            fill = sorted(fill, key=lambda pair: -pair[1])
            for index, (composition, count) in enumerate(
                zip(slots.slots, slots.counts, strict=True)
            ):
                package, contents = fill[index][0] if index < len(fill) else ("", {})
                hint[count] = fill[index][1] if index < len(fill) else 0
                hint[composition.active] = int(index < len(fill))
                for sku, chain in composition.steps.items():
                    for k, step in enumerate(chain):
                        hint[step] = int(contents.get(sku, 0) > k)
                for package_id, chosen in composition.packaging.items():
                    hint[chosen] = int(package_id == package)
        return hint


def _contents(composition: Composition) -> list[cp_model.IntVar]:
    steps = [step for chain in composition.steps.values() for step in chain]
    return [composition.active, *composition.packaging.values(), *steps]


def build_quote_model(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    stock: Mapping[str, int],
    ordered: Mapping[str, int],
    best_price: Mapping[str, int] | None = None,
    *,
    flexible: bool = False,
    min_order: bool = True,
) -> QuoteModel:
    """Build the model of a quote for ``request``.

    ``specs`` holds each tier's eligible products and packaging; ``stock`` the
    units left per sku and packaging id; ``ordered`` the units of each sku
    already ordered this season (they count toward ``min_order``).
    ``best_price``, when given, is a proven upper bound on one parcel's price
    per tier; it is added as a redundant row so the value bound is tight.
    With ``flexible`` a tier may serve fewer parcels than asked (``served``
    counts them), and without ``min_order`` that rule is left out: both are
    for diagnosis only.
    """
    model = cp_model.CpModel()
    tiers = [_add_tier(model, tier, specs[tier.name], flexible) for tier in request.tiers]
    if best_price:
        for slots in tiers:
            bound = best_price.get(slots.tier.name)
            if bound is not None:
                model.add(slots.value() <= bound * slots.tier.parcels)

    terms: dict[str, list[cp_model.IntVar]] = {}
    for slots in tiers:
        for key, parts in slots.units.items():
            terms.setdefault(key, []).extend(parts)
    total_units = {key: cp_model.LinearExpr.sum(parts) for key, parts in sorted(terms.items())}
    used: dict[str, cp_model.IntVar] = {}
    smallest = {p.sku: p.min_order for p in catalog.products} if min_order else {}
    for key, units in total_units.items():
        model.add(units <= stock[key])
        flag = model.new_bool_var(f"used:{key}")
        model.add(units >= 1).only_enforce_if(flag)
        model.add(units == 0).only_enforce_if(~flag)
        used[key] = flag
        needed = smallest.get(key, 1) - ordered.get(key, 0)
        if needed > 1:
            model.add(units >= needed).only_enforce_if(flag)
    return QuoteModel(model, tiers, total_units, used)


def add_slots(
    model: cp_model.CpModel, tier: Tier, spec: TierSpec
) -> tuple[list[Composition], list[cp_model.IntVar]]:
    """A tier's variant slots: a composition with every per-parcel rule each, in
    use exactly when its parcel count is positive; returns them and the counts."""
    slots: list[Composition] = []
    counts: list[cp_model.IntVar] = []
    for index in range(min(spec.rules.max_variants, tier.parcels)):
        name = f"{tier.name}#{index}"
        n = model.new_int_var(0, tier.parcels, f"{name}:parcels")
        active = model.new_bool_var(f"{name}:active")
        model.add(n >= 1).only_enforce_if(active)
        model.add(n == 0).only_enforce_if(~active)
        slots.append(add_composition(model, spec, name, active))
        counts.append(n)
    return slots, counts


def _add_tier(model: cp_model.CpModel, tier: Tier, spec: TierSpec, flexible: bool) -> TierSlots:
    slots, counts = add_slots(model, tier, spec)
    served = model.new_int_var(0, tier.parcels, f"{tier.name}:served")
    model.add(cp_model.LinearExpr.sum(counts) == served)
    if not flexible:
        model.add(served == tier.parcels)
        model.add(slots[0].active == 1)
    for earlier, later in itertools.pairwise(counts):
        model.add(earlier >= later)
    add_price_spread(model, spec, slots)

    tier_slots = TierSlots(tier, spec, slots, counts, served)
    for slot, n in zip(slots, counts, strict=True):
        for sku, chain in slot.steps.items():
            for k, step in enumerate(chain):
                tier_slots.units.setdefault(sku, []).append(
                    count_if(model, n, step, tier.parcels, f"{sku}>{k}")
                )
        for package_id, chosen in slot.packaging.items():
            tier_slots.units.setdefault(package_id, []).append(
                count_if(model, n, chosen, tier.parcels, package_id)
            )
    return tier_slots


def count_if(
    model: cp_model.CpModel, n: cp_model.IntVar, flag: cp_model.IntVar, most: int, name: str
) -> cp_model.IntVar:
    """An integer equal to ``n`` when ``flag`` holds and 0 otherwise."""
    term = model.new_int_var(0, most, f"units:{name}")
    model.add(term == n).only_enforce_if(flag)
    model.add(term == 0).only_enforce_if(~flag)
    return term


def add_price_spread(model: cp_model.CpModel, spec: TierSpec, slots: list[Composition]) -> None:
    """Within a tier, highest price <= (1 + spread) x lowest, over the used slots."""
    ratio = spec.spread_ratio
    for a in slots:
        for b in slots:
            if a is b:
                continue
            model.add(ratio.denominator * a.price <= ratio.numerator * b.price).only_enforce_if(
                [a.active, b.active]
            )
