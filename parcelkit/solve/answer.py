"""Reading a solved quote model back as FORMAT.md's quote: variants, totals, producers."""

from __future__ import annotations

from parcelkit.models import Catalog, Item, ProducerSales, Quote, TierQuote, Variant
from parcelkit.solve.objectives import owners
from parcelkit.solve.quote_model import TierSlots
from parcelkit.solve.stages import StagedSolve


def read_tier(staged: StagedSolve, slots: TierSlots) -> TierQuote:
    """The tier's used slots as variants; slots with identical contents become one variant."""
    spec = slots.spec
    merged: dict[tuple[str, tuple[tuple[str, int], ...]], int] = {}
    for composition, count_var in zip(slots.slots, slots.counts, strict=True):
        count = staged.value(count_var)
        if count == 0:
            continue
        package = next(k for k, chosen in composition.packaging.items() if staged.value(chosen))
        quantities = ((p.sku, staged.value(composition.qty[p.sku])) for p in spec.products)
        key = (package, tuple((sku, qty) for sku, qty in quantities if qty > 0))
        merged[key] = merged.get(key, 0) + count
    prices = {p.sku: p.price for p in spec.products}
    package_price = {p.id: p.price for p in spec.packaging}
    variants = []
    for (package, contents), count in merged.items():
        items = tuple(Item(sku=sku, qty=qty, unit_price=prices[sku]) for sku, qty in contents)
        price = sum(i.qty * i.unit_price for i in items) + package_price[package] + spec.fees
        variants.append(Variant(parcels=count, packaging=package, items=items, price=price))
    variants.sort(key=lambda v: (-v.parcels, -v.price, v.packaging))
    tier = slots.tier
    return TierQuote(
        name=tier.name, parcels=tier.parcels, budget=tier.budget, variants=tuple(variants)
    )


def with_totals(catalog: Catalog, result: Quote) -> Quote:
    """Fill in a quote's total and its producer figures from its variants."""
    owner = owners(catalog)
    package_price = {p.id: p.price for p in catalog.packaging}
    units: dict[str, int] = {}
    revenue: dict[str, int] = {}
    total = 0
    for tier in result.tiers:
        for variant in tier.variants:
            total += variant.parcels * variant.price
            sold = [(i.sku, i.qty, i.unit_price) for i in variant.items]
            sold.append((variant.packaging, 1, package_price[variant.packaging]))
            for key, qty, unit_price in sold:
                producer_id = owner.get(key)
                if producer_id is None:
                    continue
                sold_units = qty * variant.parcels
                units[producer_id] = units.get(producer_id, 0) + sold_units
                revenue[producer_id] = revenue.get(producer_id, 0) + sold_units * unit_price
    producers = tuple(
        ProducerSales(producer_id=pid, units=units[pid], revenue=revenue[pid])
        for pid in sorted(units)
    )
    return result.model_copy(update={"total": total, "producers": producers})
