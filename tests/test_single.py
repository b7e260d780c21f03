"""Tiers filled one parcel kind at a time (`parcelkit.solve.single.fill_tier`)."""

from __future__ import annotations

import time
from fractions import Fraction
from unittest.mock import patch

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Packaging, Producer, Product, Request, Rules, Tier
from parcelkit.solve import single
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.objectives import owners
from parcelkit.solve.parcel import TierSpec
from parcelkit.solve.quote import request_specs, tier_spec
from parcelkit.solve.single import Aims, Ledger, Window, fill_tier, need_splits
from parcelkit.solve.stages import Limits
from tests.tiny import snack


def _catalog(cheap_near_top: bool) -> Catalog:
    """A pricey sku for half the parcels, a cheap one, and (maybe) one just below
    the pricey; none has stock for all 200 parcels, so one variant cannot do."""
    producers = (Producer(id="P1", name="Satu", district="Klari"),)
    prices = {"TOP": (90_000, 100), "LOW": (50_000, 150)}
    if cheap_near_top:
        prices["NEAR"] = (85_000, 150)
    products = tuple(snack(sku, "P1", price, stock=stock) for sku, (price, stock) in prices.items())
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


def _min_order_catalog() -> Catalog:
    """P0's good needs 6 parcels (min_order 6); P1's and P2's need 3 but have
    stock for 4 parcels only."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(3))
    products = tuple(
        snack(f"S{i}", f"P{i}", 10_000, stock=stock, min_order=min_order)
        for i, (stock, min_order) in enumerate(((100, 6), (4, 3), (4, 3)))
    )
    box = Packaging(
        id="BOX", name="Kotak", price=5_000, capacity_ml=1_000, max_weight_g=1_000, stock=100
    )
    return Catalog(producers=producers, products=products, packaging=(box,))


def test_a_spread_fill_tries_an_uneven_split_when_even_ones_fail() -> None:
    """12 one-item parcels in up to 3 variants: three of 4 fail (P0 needs 6
    parcels, P1 and P2 have stock for 4 and the third variant has nothing left),
    two of 6 can only hold P0 (P1 and P2 have stock for 4), so an even fill
    sells for P0 alone. Half the parcels in the first variant, 6, 3 and 3,
    sells for all three."""
    catalog = _min_order_catalog()
    tier = Tier(name="staff", parcels=12, budget=20_000)
    rules = Rules(min_items=1, max_items=1, min_budget_use="0.5", max_variants=3)
    request = Request(id="REQ-U", company="PT Uji", tiers=(tier,), rules=rules)
    stock = available_stock(catalog, None)
    spec = tier_spec(catalog, request, tier, stock)
    aims = Aims(order=("spread",), weights={f"P{i}": 10 for i in range(3)})
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)

    def fill() -> list[tuple[int, list[str]]] | None:
        ledger = Ledger(dict(stock), {p.sku: p.min_order for p in catalog.products})
        found = fill_tier(spec, 12, Window(10_000, 20_000), ledger, owners(catalog), limits, aims)
        return None if found is None else sorted((n, sorted(c)) for (_, c), n in found)

    assert fill() == [(3, ["S1"]), (3, ["S2"]), (6, ["S0"])]
    with patch.object(single, "UNEVEN", False):
        even = fill()
    assert even is not None
    assert {sku for _, skus in even for sku in skus} == {"S0"}


def test_need_splits_give_each_common_min_order_a_variant_of_its_size() -> None:
    """REQ-0056: 60 parcels, one unit of a sku a parcel, min_orders 6, 12, 24 and
    50. Each size gets two variants of it (one for 50) and the rest shares what
    is left; 24, 24, 12 ranks first, since the cheap snacks need 24 parcels."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0056")
    stock = available_stock(catalog, None)
    spec = request_specs(catalog, request, stock, {})["staff"]
    needs = {p.sku: p.min_order for p in catalog.products}
    window = Window(spec.price_low, spec.price_high)
    splits = need_splits(spec, 60, needs, owners(catalog), window)
    assert splits[0] == [24, 24, 12]
    assert sorted(splits) == [[24, 24, 12], [36, 12, 12], [48, 6, 6], [50, 5, 5]]
    assert need_splits(spec, 60, needs, owners(catalog), window, limit=1) == [[24, 24, 12]]


def test_alone_counts_the_cheapest_producers_each_variant_can_sell_for() -> None:
    """A sells through one parcel, B and C need five; each costs Rp10.000. The
    variant of 1 takes A; the variant of 5 takes B and C when Rp25.000 is
    room for two, only B when Rp15.000 is room for one, or one item."""
    goods = [("A", 1, 10_000), ("B", 5, 10_000), ("C", 5, 10_000)]
    assert single._alone([5, 1], goods, 25_000, 10) == 3
    assert single._alone([5, 1], goods, 15_000, 10) == 2
    assert single._alone([5, 1], goods, 25_000, 1) == 2
    assert single._alone([1, 1], goods, 25_000, 10) == 1


def test_fewest_short_parcel_leaves_fewest_goods_for_others_to_lift() -> None:
    """Two parcels, one item each, at Rp54.000 to Rp55.000 with the box: a good
    of min_order 10 (SHORT) cannot reach it in two parcels, a slightly cheaper
    one of min_order 1 can. The parcel takes the one that needs no lifting,
    not the priciest; when only the short one reaches the window, that."""
    products = (
        snack("SHORT", "P0", 50_000, stock=100, min_order=10),
        snack("FINE", "P1", 49_000, stock=100),
        snack("CHEAP", "P1", 20_000, stock=100),
    )
    spec, ledger = _two_one_item_parcels(products)
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)
    assert single.fewest_short_parcel(spec, 2, Window(54_000, 55_000), ledger, limits) == (
        "BOX",
        {"FINE": 1},
    )
    spec, _ = _two_one_item_parcels(products[::2])
    assert single.fewest_short_parcel(spec, 2, Window(54_000, 55_000), ledger, limits) == (
        "BOX",
        {"SHORT": 1},
    )


def _two_one_item_parcels(products: tuple[Product, ...]) -> tuple[TierSpec, Ledger]:
    """A manager tier of two parcels of one item and a box (Rp5.000), budget
    Rp55.000, over ``products`` of producers P0-P2; and a ledger with nothing booked."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(3))
    box = Packaging(
        id="BOX", name="Kotak", price=5_000, capacity_ml=1_000, max_weight_g=1_000, stock=10
    )
    catalog = Catalog(producers=producers, products=products, packaging=(box,))
    tier = Tier(name="manager", parcels=2, budget=55_000)
    rules = Rules(min_items=1, max_items=1, min_budget_use="0.3")
    request = Request(id="REQ-L", company="PT Uji", tiers=(tier,), rules=rules)
    stock = available_stock(catalog, None)
    ledger = Ledger(dict(stock), {p.sku: p.min_order for p in catalog.products})
    return tier_spec(catalog, request, tier, stock), ledger


def test_fewest_short_parcel_with_aims_prefers_new_producers_among_the_fewest_short() -> None:
    """One item a parcel, two parcels. P1 already sells; P0's good cannot reach its
    min_order of 10, P2's cheaper good can. Priced only, the parcel takes P1's
    good, the priciest that needs no lifting; aiming at spread, P2's, still
    never the short one (P0 is new too)."""
    products = (
        snack("SHORT", "P0", 50_000, stock=100, min_order=10),
        snack("FINE", "P1", 49_000, stock=100),
        snack("NEW", "P2", 40_000, stock=100),
    )
    spec, ledger = _two_one_item_parcels(products)
    ledger.taken.add("P1")
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)
    window = Window(45_000, 55_000)
    assert single.fewest_short_parcel(spec, 2, window, ledger, limits) == ("BOX", {"FINE": 1})
    aims = Aims(order=("spread",), weights={f"P{i}": 10 for i in range(3)})
    owner = {p.sku: p.producer_id for p in products}
    assert single.fewest_short_parcel(spec, 2, window, ledger, limits, owner, aims) == (
        "BOX",
        {"NEW": 1},
    )


def test_variant_counts_keep_stock_and_min_order() -> None:
    """Two variants, 10 parcels: A holds a sku that still needs 7 units, B one
    with 4 units left. A takes 7 parcels at least and B at most 4 (one at
    least); with 12 units needed there are no counts."""
    a = ("BOX", {"NEED": 1})
    b = ("BOX", {"SCARCE": 1})
    ledger = Ledger({"BOX": 100, "NEED": 100, "SCARCE": 4}, {"NEED": 7})
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)
    counts = single.variant_counts([a, b], 10, ledger, limits)
    assert counts is not None
    assert sum(counts) == 10 and counts[0] >= 7 and 1 <= counts[1] <= 4
    ledger.short["NEED"] = 12
    assert single.variant_counts([a, b], 10, ledger, limits) is None


def test_owed_skus_that_no_one_parcel_holds_are_shared_over_the_variants() -> None:
    """Two parcels of one item: the ledger owes A and B a unit each (booked below
    their min_order by an earlier tier). No parcel holds both, so each of two
    variants lifts one (``share_owed``); made to hold every owed sku, the
    first variant cannot, and the tier is not filled."""
    products = (snack("A", "P0", 50_000, stock=100), snack("B", "P1", 49_000, stock=100))
    spec, ledger = _two_one_item_parcels(products)
    ledger.short.update({"A": 1, "B": 1})
    ledger.owed.update({"A", "B"})
    owner = {p.sku: p.producer_id for p in products}
    limits = Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)
    window = Window(45_000, 55_000)
    trial = ledger.copy()
    fill = fill_tier(spec, 2, window, trial, owner, limits, splits=[[1, 1]], share_owed=True)
    assert fill is not None
    assert sorted(sku for (_, contents), _ in fill for sku in contents) == ["A", "B"]
    assert not trial.owed
    assert fill_tier(spec, 2, window, ledger.copy(), owner, limits, splits=[[1, 1]]) is None
