"""The later stages' proven bounds: valid on tiny cases, tighter where min_order bites."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Packaging, Producer, Request, Rules, Tier
from parcelkit.solve import places
from parcelkit.solve.bounds import (
    alone_bound,
    best_single,
    coverage_bound,
    forced_dislikes,
    joint_variants,
    spread_bound,
    tier_caps,
    units_bound,
)
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.objectives import owners, producer_weights, sells_term
from parcelkit.solve.quote import quote, request_specs
from parcelkit.solve.single import Window
from parcelkit.solve.stages import Limits
from tests.tiny import (
    best_liked,
    best_spread,
    draw_likes,
    held_spreads,
    snack,
    tiny_cases,
    variant_cases,
)


def _limits() -> Limits:
    return Limits(work_per_stage=5.0, deadline=time.monotonic() + 60)


def _coverage(catalog: Catalog, request: Request) -> int | None:
    """`coverage_bound` alone."""
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    weights = producer_weights(catalog, None)
    return coverage_bound(request, specs, owners(catalog), weights, _limits())


def _variants(catalog: Catalog, request: Request) -> int | None:
    """`joint_variants`'s bound alone, over the tiers' whole price windows."""
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    windows = {name: Window(s.price_low, s.price_high) for name, s in specs.items()}
    weights = producer_weights(catalog, None)
    return joint_variants(request, specs, windows, owners(catalog), weights, _limits()).bound


def _bound(
    catalog: Catalog,
    request: Request,
    min_order: bool = True,
    narrow: bool = False,
    caps: bool = False,
) -> int | None:
    """The spread bound over the tiers' whole price windows (every valid quote);
    without ``min_order`` as if every sku needed a single unit; ``narrow``, with
    each window's high at its low (a stage holds prices from the low up, so
    the bound may not count on the high); with ``caps``, each tier's producers
    also bounded by its own variants (`tier_caps`)."""
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    windows = {
        name: Window(s.price_low, s.price_low if narrow else s.price_high)
        for name, s in specs.items()
    }
    needs = {p.sku: p.min_order if min_order else 1 for p in catalog.products}
    weights = producer_weights(catalog, None)
    stock = available_stock(catalog, None)
    owner = owners(catalog)
    tiers = tier_caps(request, specs, windows, owner, weights, _limits()) if caps else None
    return spread_bound(request, specs, windows, owner, weights, needs, stock, _limits(), tiers)


def _units(catalog: Catalog, request: Request) -> int | None:
    """`units_bound` alone."""
    stock = available_stock(catalog, None)
    specs = request_specs(catalog, request, stock, {})
    needs = {p.sku: p.min_order for p in catalog.products}
    weights = producer_weights(catalog, None)
    return units_bound(request, specs, owners(catalog), weights, needs, stock, _limits())


@settings(max_examples=100, deadline=None)
@given(tiny_cases())
def test_spread_bound_is_at_least_every_valid_quote_s_spread(
    case: tuple[Catalog, Request],
) -> None:
    """Brute force over every valid quote never finds more producers than the
    bound, nor than the budget knapsack (`coverage_bound`) or the units
    model (`units_bound`) on its own."""
    catalog, request = case
    best = best_spread(catalog, request)
    if best is None:
        return
    for bound in (
        _bound(catalog, request),
        _bound(catalog, request, narrow=True),
        _bound(catalog, request, caps=True),
        _bound(catalog, request, narrow=True, caps=True),
        _coverage(catalog, request),
        _variants(catalog, request),
        _units(catalog, request),
    ):
        assert bound is not None
        assert bound >= best


@settings(max_examples=60, deadline=None)
@given(variant_cases())
def test_spread_bound_holds_when_min_order_limits_the_variants(
    case: tuple[Catalog, Request],
) -> None:
    """With few parcels, more producers than one parcel holds and min_orders that
    need most of the tier's parcels, brute force never beats the variant-aware
    bound either."""
    catalog, request = case
    best = best_spread(catalog, request)
    if best is None:
        return
    for bound in (
        _bound(catalog, request),
        _bound(catalog, request, caps=True),
        _variants(catalog, request),
        _units(catalog, request),
    ):
        assert bound is not None
        assert bound >= best


def test_producers_needing_every_parcel_share_one_variant() -> None:
    """4 parcels, 3 variants, 2 producers a parcel (weight 20), five producers
    whose goods need all 4 parcels: only one variant can hold them, or a
    producer takes a place in each of several variants, so 20 at most."""
    needed = [(4, 10)] * 5
    assert alone_bound(4, 3, 20, needed) == 20
    # with one parcel each they fill three variants of 20: 50, every producer
    assert alone_bound(4, 3, 20, [(1, 10)] * 5) == 50


def test_a_small_tier_adds_only_producers_whose_min_order_it_reaches_alone() -> None:
    """REQ-0022: 5 manager parcels beside 145 staff parcels cannot reach most
    min_orders on their own, so the bound is below the variants x best parcel
    sum, and below what it would be if every sku needed one unit."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0022")
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    owner, weights = owners(catalog), producer_weights(catalog, None)
    per_parcel = 0
    for tier in request.tiers:
        most = best_single(
            specs[tier.name],
            specs[tier.name].price_low,
            lambda model, c: sells_term(model, [c], owner, weights),
            _limits(),
        )
        assert most is not None
        per_parcel += min(specs[tier.name].rules.max_variants, tier.parcels) * most
    bound = _bound(catalog, request)
    assert bound is not None
    unordered = _bound(catalog, request, min_order=False)
    assert unordered is not None
    assert bound < unordered <= per_parcel


def test_tier_caps_count_what_a_tier_s_own_variants_can_hold() -> None:
    """REQ-0042: three variants of 105 staff parcels at Rp200.000 cannot each
    hold the most producers one parcel can, so the staff tier's cap is below
    3 x that parcel, and the bound beside 5 manager parcels comes down with
    it, still at least what the quote sells for."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0042")
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    windows = {name: Window(s.price_low, s.price_high) for name, s in specs.items()}
    owner, weights = owners(catalog), producer_weights(catalog, None)
    staff = specs["staff"]
    most = best_single(
        staff,
        staff.price_low,
        lambda model, c: sells_term(model, [c], owner, weights),
        _limits(),
    )
    assert most is not None
    caps = tier_caps(request, specs, windows, owner, weights, _limits())
    assert caps["staff"] < staff.rules.max_variants * most
    capped, plain = _bound(catalog, request, caps=True), _bound(catalog, request)
    assert capped is not None and plain is not None
    assert capped < plain
    answer = quote(catalog, request)
    spread = next(s for s in answer.solver.stages if s.name == "spread")
    assert spread.objective is not None and spread.objective <= capped


def test_coverage_bound_counts_what_the_variants_can_afford_together() -> None:
    """Two variants, each with Rp40.000 for goods: one parcel holds the two
    Rp20.000 producers, but a second variant cannot afford a Rp60.000 one, so
    two producers at most, where variants x best parcel says four."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(4))
    products = tuple(
        snack(f"S{i}", f"P{i}", price, stock=100)
        for i, price in enumerate((20_000, 20_000, 60_000, 60_000))
    )
    box = Packaging(
        id="K0", name="Box", price=5_000, capacity_ml=5_000, max_weight_g=5_000, stock=100
    )
    catalog = Catalog(producers=producers, products=products, packaging=(box,))
    rules = Rules(
        min_items=1, max_items=4, max_variants=2, min_budget_use="0.1", variant_price_spread="1"
    )
    tier = Tier(name="staff", parcels=10, budget=45_000)
    request = Request(id="R1", company="PT Uji", tiers=(tier,), rules=rules)
    assert _coverage(catalog, request) == 20
    assert _bound(catalog, request) == 20
    assert best_spread(catalog, request) == 20


def test_units_bound_counts_the_units_min_orders_take_from_every_tier() -> None:
    """Two tiers of 10 parcels, 4 items a parcel: 80 units in all. Six producers
    whose goods need 20 units each (at most 2 a parcel, so 10 a tier): a
    producer may take 10 units in each tier, so no tier alone decides, and
    the budget knapsack allows all six. The units allow four (40), which the
    quote reaches."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(6))
    products = tuple(snack(f"S{i}", f"P{i}", 1_000, stock=500, min_order=20) for i in range(6))
    box = Packaging(
        id="K0", name="Box", price=1_000, capacity_ml=50_000, max_weight_g=50_000, stock=100
    )
    catalog = Catalog(producers=producers, products=products, packaging=(box,))
    rules = Rules(
        min_items=1, max_items=4, max_variants=3, min_budget_use="0.1", variant_price_spread="1"
    )
    request = Request(
        id="R1",
        company="PT Uji",
        tiers=(
            Tier(name="staff", parcels=10, budget=50_000),
            Tier(name="manager", parcels=10, budget=50_000),
        ),
        rules=rules,
    )
    assert _units(catalog, request) == 40
    assert _bound(catalog, request) == 40
    assert _coverage(catalog, request) == 60
    answer = quote(catalog, request)
    spread = next(s for s in answer.solver.stages if s.name == "spread")
    assert spread.objective == spread.bound == 40


def test_joint_variants_sees_two_variants_share_the_only_beverage() -> None:
    """Every parcel holds two items, one of them a beverage, and one producer
    makes the only beverage: two variants hold four items but at most three
    producers (30). Two variants of the best parcel (two producers) say 40, as
    do the budget knapsack (four items, one beverage, Rp40.000 between them),
    the producers any variant may buy from, and so `spread_bound`."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(4))
    products = (
        snack("B0", "P0", 10_000, stock=100).model_copy(update={"category": "beverage"}),
        *(snack(f"S{i}", f"P{i}", 10_000, stock=100) for i in range(1, 4)),
    )
    box = Packaging(
        id="K0", name="Box", price=5_000, capacity_ml=5_000, max_weight_g=5_000, stock=100
    )
    catalog = Catalog(producers=producers, products=products, packaging=(box,))
    rules = Rules(
        min_items=2,
        max_items=2,
        max_variants=2,
        min_budget_use="0.1",
        categories={"beverage": (1, 1)},
    )
    tier = Tier(name="staff", parcels=10, budget=25_000)
    request = Request(id="R1", company="PT Uji", tiers=(tier,), rules=rules)
    assert _coverage(catalog, request) == 40
    assert _bound(catalog, request) == 40
    assert _variants(catalog, request) == 30
    assert best_spread(catalog, request) == 30


def _places(
    catalog: Catalog, request: Request, likes: dict[str, int], spread: int, low: int | None = None
) -> int | None:
    """`places_bound` with ``spread`` held, over the tiers' whole price windows
    or from ``low`` up."""
    specs = request_specs(catalog, request, available_stock(catalog, None), {})
    windows = {
        name: Window(s.price_low if low is None else low, s.price_high) for name, s in specs.items()
    }
    needs = {p.sku: p.min_order for p in catalog.products}
    return places.places_bound(
        request,
        specs,
        windows,
        owners(catalog),
        producer_weights(catalog, None),
        likes,
        needs,
        available_stock(catalog, None),
        spread,
        _limits(),
    )


@settings(max_examples=80, deadline=None)
@given(st.one_of(variant_cases(), tiny_cases()), st.data())
def test_places_bound_is_at_least_every_quote_s_liked_score_with_the_spread_held(
    case: tuple[Catalog, Request], data: st.DataObject
) -> None:
    """Brute force over every valid quote whose spread reaches the held level
    never scores more (likes and dislikes) than the places bound, built whatever
    the places to spare (the gate lifted), at the best spread and one producer below."""
    catalog, request = case
    likes = draw_likes(data, catalog)
    lifted = pytest.MonkeyPatch()
    lifted.setattr(places, "SPARE_PRODUCERS", 10**6)
    try:
        for spread in held_spreads(catalog, request):
            best = best_liked(catalog, request, likes, spread)
            bound = _places(catalog, request, likes, spread)
            if best is not None and bound is not None:
                assert bound >= best
    finally:
        lifted.undo()


def test_places_bound_sees_a_liked_good_cost_a_producer() -> None:
    """REQ-0002: 70 parcels in two variants of eight producers each, every one
    of the sixteen selling. The liked snack needs 50 units: in both variants it
    takes two places for one producer, in one it needs two units a parcel and
    so a place. Either way the spread falls, so with it held nothing liked
    fits: bound 0, where one parcel alone could score 4 (280 in all)."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0002")

    def bound(spread: int) -> int | None:
        return _places(catalog, request, {"KRW-037-01": 2}, spread, low=495_000)

    assert bound(160) == 0
    # with one producer to spare the snack fits again
    one_spare = bound(150)
    assert one_spare is not None and one_spare > 0
    # with two to spare the places bound is not built (`SPARE_PRODUCERS`)
    assert bound(140) is None


def _forced(catalog: Catalog, request: Request, likes: dict[str, int], spread: int) -> int | None:
    """`forced_dislikes` with ``spread`` held, nothing ordered yet."""
    stock = available_stock(catalog, None)
    specs = request_specs(catalog, request, stock, {})
    needs = {p.sku: p.min_order for p in catalog.products}
    weights = producer_weights(catalog, None)
    return forced_dislikes(specs, owners(catalog), weights, likes, needs, stock, spread)


@settings(max_examples=80, deadline=None)
@given(st.one_of(variant_cases(), tiny_cases()), st.data())
def test_forced_dislikes_are_shipped_by_every_quote_with_the_spread_held(
    case: tuple[Catalog, Request], data: st.DataObject
) -> None:
    """Brute force: every valid quote whose spread reaches the held level ships
    dislikes costing at least `forced_dislikes` (its disliked units score at
    most minus that), at the best spread and one producer below."""
    catalog, request = case
    likes = {sku: -abs(w) for sku, w in draw_likes(data, catalog).items()}
    for spread in held_spreads(catalog, request):
        forced = _forced(catalog, request, likes, spread)
        best = best_liked(catalog, request, likes, spread)
        if best is not None:
            assert forced is not None and best <= -forced


def test_forced_dislikes_count_the_producers_only_a_disliked_good_sells_for() -> None:
    """Three producers, 10 each: P0 sells a liked good, P1 only a disliked one of
    min_order 4 (dislike 2), P2 only one of min_order 2 (dislike 3). Holding
    10 costs nothing, 20 the cheaper of the two (6, P2), 30 both (14); 40
    cannot be sold for."""
    catalog = Catalog(
        producers=tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(3)),
        products=(
            snack("OK", "P0", 10_000, stock=100),
            snack("MEH", "P1", 10_000, stock=100, min_order=4),
            snack("BAD", "P2", 10_000, stock=100, min_order=2),
        ),
        packaging=(
            Packaging(
                id="BOX",
                name="Kotak",
                price=5_000,
                capacity_ml=1_000,
                max_weight_g=1_000,
                stock=100,
            ),
        ),
    )
    tier = Tier(name="staff", parcels=4, budget=40_000)
    request = Request(id="R1", company="PT Uji", tiers=(tier,), rules=Rules(min_budget_use="0.1"))
    likes = {"OK": 1, "MEH": -2, "BAD": -3}
    assert [_forced(catalog, request, likes, s) for s in (10, 20, 30, 40)] == [0, 6, 14, None]
