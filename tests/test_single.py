"""Tiers filled one parcel kind at a time (`parcelkit.solve.single.fill_tier`)."""

from __future__ import annotations

import time
from fractions import Fraction

from parcelkit.models import Catalog, Packaging, Producer, Product, Request, Rules, Tier
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.objectives import owners
from parcelkit.solve.quote import tier_spec
from parcelkit.solve.single import Ledger, Window, fill_tier
from parcelkit.solve.stages import Limits


def _catalog(cheap_near_top: bool) -> Catalog:
    """A pricey sku for half the parcels, a cheap one, and (maybe) one just below
    the pricey; none has stock for all 200 parcels, so one variant cannot do."""
    producers = (Producer(id="P1", name="Satu", district="Klari"),)
    prices = {"TOP": (90_000, 100), "LOW": (50_000, 150)}
    if cheap_near_top:
        prices["NEAR"] = (85_000, 150)
    products = tuple(
        Product(
            sku=sku,
            producer_id="P1",
            name=sku,
            category="snack",
            price=price,
            stock=stock,
            halal=True,
            food=True,
            weight_g=100,
            volume_ml=200,
            shelf_life_days=180,
        )
        for sku, (price, stock) in prices.items()
    )
    box = Packaging(
        id="BOX", name="Kotak", price=5_000, capacity_ml=1_000, max_weight_g=1_000, stock=1_000
    )
    return Catalog(producers=producers, products=products, packaging=(box,))


def _fill(catalog: Catalog) -> list[int] | None:
    """Fill 200 one-item parcels at Rp100.000 over every valid price; the variants' prices."""
    tier = Tier(name="staff", parcels=200, budget=100_000)
    rules = Rules(min_items=1, max_items=1, min_budget_use="0.4", variant_price_spread="0.10")
    request = Request(id="REQ-S", company="PT Uji", tiers=(tier,), rules=rules)
    stock = available_stock(catalog, None)
    spec = tier_spec(catalog, request, tier, stock)
    ledger = Ledger(dict(stock), {p.sku: p.min_order for p in catalog.products})
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)
    fill = fill_tier(
        spec, 200, Window(spec.price_low, spec.price_high), ledger, owners(catalog), limits
    )
    if fill is None:
        return None
    price = {p.sku: p.price for p in catalog.products}
    return [sum(price[s] * q for s, q in c.items()) + 5_000 for (_, c), _ in fill]


def test_variants_of_a_wide_window_stay_within_the_price_spread() -> None:
    """The pricey sku serves 100 parcels; the rest take the next best within 10 %
    of it (Rp90.000 with the box)."""
    prices = _fill(_catalog(cheap_near_top=True))
    assert prices is not None and len(prices) >= 2
    assert max(prices) <= (1 + Fraction("0.10")) * min(prices)


def test_no_fill_when_only_prices_beyond_the_spread_are_left() -> None:
    """With nothing within 10 % of the pricey parcel for the other half, no fill
    is offered rather than one that breaks the spread (before `_within_spread`:
    Rp95.000 and Rp55.000 in one tier, a fill the quote model rejects)."""
    assert _fill(_catalog(cheap_near_top=False)) is None
