"""A season plan in FORMAT.md's terms: quotes, the producer table, fairness metrics.

Everything here is arithmetic on chosen parcels; the metrics are computed
independently of `parcelkit.verify`, which recomputes them once more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from parcelkit.models import (
    Catalog,
    Fairness,
    Ineligible,
    Item,
    ProducerFigures,
    Quote,
    Request,
    SolverInfo,
    Status,
    TierQuote,
    Variant,
)
from parcelkit.solve.answer import with_totals
from parcelkit.solve.parcel import ParcelContents

Fills = Mapping[str, Sequence[tuple[ParcelContents, int]]]
"""A served request's tiers: tier name -> [(parcel, parcels)]."""


def season_quote(catalog: Catalog, request: Request, fills: Fills, solver: SolverInfo) -> Quote:
    """The quote of a served request: its tiers' variants, totals and producer sales."""
    prices = {p.sku: p.price for p in catalog.products}
    box_price = {p.id: p.price for p in catalog.packaging}
    fees = request.fees.per_parcel
    tiers = []
    for tier in request.tiers:
        variants = []
        for (package, quantities), count in fills[tier.name]:
            items = tuple(
                Item(sku=sku, qty=qty, unit_price=prices[sku])
                for sku, qty in sorted(quantities.items())
                if qty > 0
            )
            price = sum(i.qty * i.unit_price for i in items) + box_price[package] + fees
            variants.append(Variant(parcels=count, packaging=package, items=items, price=price))
        variants.sort(key=lambda v: (-v.parcels, -v.price, v.packaging))
        tiers.append(
            TierQuote(
                name=tier.name, parcels=tier.parcels, budget=tier.budget, variants=tuple(variants)
            )
        )
    quote = Quote(
        request_id=request.id,
        company=request.company,
        status=Status.FEASIBLE,
        tiers=tuple(tiers),
        solver=solver,
    )
    return with_totals(catalog, quote)


def producer_sales(quotes: Sequence[Quote]) -> dict[str, tuple[int, int]]:
    """Producer -> (units, revenue) over ``quotes``."""
    sales: dict[str, tuple[int, int]] = {}
    for quote in quotes:
        for entry in quote.producers:
            units, revenue = sales.get(entry.producer_id, (0, 0))
            sales[entry.producer_id] = (units + entry.units, revenue + entry.revenue)
    return sales


def capacity(catalog: Catalog) -> dict[str, int]:
    """Producer -> stock x price over its products and packaging (FORMAT.md)."""
    result = {p.id: 0 for p in catalog.producers}
    for product in catalog.products:
        result[product.producer_id] += product.stock * product.price
    for package in catalog.packaging:
        if package.producer_id is not None:
            result[package.producer_id] += package.stock * package.price
    return result


def producer_table(
    catalog: Catalog, quotes: Sequence[Quote], reachable: Mapping[str, int]
) -> tuple[ProducerFigures, ...]:
    """One row per producer of the catalog, in catalog order."""
    sales = producer_sales(quotes)
    capacities = capacity(catalog)
    rows = []
    for producer in catalog.producers:
        units, revenue = sales.get(producer.id, (0, 0))
        cap = capacities[producer.id]
        rows.append(
            ProducerFigures(
                producer_id=producer.id,
                units=units,
                revenue=revenue,
                capacity=cap,
                reachable=max(reachable.get(producer.id, 0), revenue),
                utilization=float(Fraction(revenue, cap)) if cap else 0.0,
            )
        )
    return tuple(rows)


def fairness(
    policy: str,
    table: Sequence[ProducerFigures],
    ineligible: Sequence[Ineligible],
) -> Fairness:
    """FORMAT.md's fairness metrics over the eligible producers (reachable > 0)."""
    eligible = [row for row in table if row.reachable > 0]
    revenues = [row.revenue for row in eligible]
    n = len(revenues)
    total = sum(revenues)
    squares = sum(r * r for r in revenues)
    ordered = sorted(revenues)
    # sum over pairs |a - b| = 2 sum_i (2i - n + 1) r_(i) with revenues sorted
    pairs = 2 * sum((2 * i - n + 1) * r for i, r in enumerate(ordered))
    everyone = sum(row.revenue for row in table)
    utilizations = [
        Fraction(row.revenue, row.capacity) if row.capacity else Fraction(0) for row in eligible
    ]
    return Fairness(
        policy=policy,
        gini=float(Fraction(pairs, 2 * n * total)) if n and total else 0.0,
        jain=float(Fraction(total * total, n * squares)) if squares else 1.0,
        coverage=float(Fraction(sum(1 for r in revenues if r > 0), n)) if n else 0.0,
        min_utilization=float(min(utilizations, default=Fraction(0))),
        max_share=float(Fraction(max(row.revenue for row in table), everyone)) if everyone else 0.0,
        ineligible=tuple(ineligible),
    )
