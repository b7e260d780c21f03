"""Tests of parcelkit.models.orders: purchase orders per producer from a season plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.io import load_catalog, load_requests, load_result
from parcelkit.models import (
    Catalog,
    Fairness,
    Item,
    ProducerFigures,
    Quote,
    Request,
    SeasonPlan,
    SolverInfo,
    Status,
    Tier,
    TierQuote,
    Variant,
)
from parcelkit.models.orders import OrderLine, PurchaseOrder, purchase_orders
from parcelkit.verify import check_plan
from tests.strategies import seasons

Example = tuple[Catalog, tuple[Request, ...], SeasonPlan]

# --------------------------------------------------------------------------- building plans


def variant(catalog: Catalog, parcels: int, packaging: str, items: Mapping[str, int]) -> Variant:
    """A variant of ``parcels`` parcels holding ``items`` ({sku: qty}) at catalog prices."""
    products = catalog.product_by_sku
    boxes = catalog.packaging_by_id
    price = sum(products[sku].price * qty for sku, qty in items.items()) + boxes[packaging].price
    return Variant(
        parcels=parcels,
        packaging=packaging,
        items=tuple(
            Item(sku=sku, qty=qty, unit_price=products[sku].price) for sku, qty in items.items()
        ),
        price=price,
    )


def quote(request: Request, tiers: Mapping[str, Sequence[Variant]]) -> Quote:
    """A served quote of ``request`` with the given variants per tier name."""
    tier_quotes = tuple(
        TierQuote(
            name=name,
            parcels=sum(v.parcels for v in variants),
            budget=request.tier(name).budget if name in {t.name for t in request.tiers} else 1,
            variants=tuple(variants),
        )
        for name, variants in tiers.items()
    )
    total = sum(v.parcels * v.price for t in tier_quotes for v in t.variants)
    return Quote(
        request_id=request.id,
        company=request.company,
        status=Status.FEASIBLE,
        tiers=tier_quotes,
        total=total,
        solver=SolverInfo(name="hand"),
    )


def plan_of(quotes: Sequence[Quote], producers: Sequence[ProducerFigures] = ()) -> SeasonPlan:
    """A plan holding ``quotes``, with placeholder fairness figures."""
    return SeasonPlan(
        status=Status.FEASIBLE,
        quotes=tuple(quotes),
        producers=tuple(producers),
        fairness=Fairness(
            policy="none", gini=0.0, jain=1.0, coverage=0.0, min_utilization=0.0, max_share=0.0
        ),
        solver=SolverInfo(name="hand"),
    )


def sku_units(plan: SeasonPlan) -> Counter[str]:
    """Units per sku and per packaging id, walking the plan's variants."""
    units: Counter[str] = Counter()
    for each in plan.quotes:
        for tier in each.tiers:
            for v in tier.variants:
                units[v.packaging] += v.parcels
                for item in v.items:
                    units[item.sku] += v.parcels * item.qty
    return units


def karawang_plan() -> tuple[Catalog, tuple[Request, ...], SeasonPlan]:
    """Three Karawang requests served by hand: shared skus, two variants, UMKM baskets."""
    catalog = karawang_catalog()
    requests = karawang_requests()[:3]
    first, second, third = requests
    plan = plan_of(
        [
            quote(
                first,
                {
                    "staff": [
                        variant(catalog, 200, "PKG-BAMBU-M", {"KRW-001-01": 2, "KRW-006-01": 1}),
                        variant(catalog, 60, "PKG-BOX-M", {"KRW-001-01": 1, "KRW-007-01": 3}),
                    ]
                },
            ),
            quote(second, {"staff": [variant(catalog, 70, "PKG-ECENG", {"KRW-001-01": 1})]}),
            quote(
                third,
                {
                    "staff": [variant(catalog, 395, "PKG-BAMBU-M", {"KRW-006-02": 2})],
                    "manager": [variant(catalog, 45, "PKG-BAMBU-L", {"KRW-006-01": 1})],
                },
            ),
        ]
    )
    return catalog, requests, plan


@pytest.fixture(scope="module")
def example(spec_examples: Path) -> Example:
    """FORMAT.md's example catalog, requests and plan."""
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog)
    plan = load_result(spec_examples / "plan.json")
    assert isinstance(plan, SeasonPlan)
    return catalog, requests, plan


# --------------------------------------------------------------------------- the spec example


def test_orders_add_up_to_the_producer_table(example: Example) -> None:
    """Each producer's order has the units and revenue of the plan's producer table."""
    catalog, requests, plan = example
    assert not [v for v in check_plan(catalog, requests, plan) if v.rule == "producers"]
    orders = purchase_orders(plan, catalog, requests)
    table = {p.producer_id: (p.units, p.revenue) for p in plan.producers if p.units}
    assert {o.producer_id: (o.units, o.revenue) for o in orders} == table
    assert "KRW-008" not in {o.producer_id for o in orders}


def test_units_per_sku_are_the_plans(example: Example) -> None:
    """Summed over all orders, each sku's units are parcels x qty over the plan's variants."""
    catalog, requests, plan = example
    ordered: Counter[str] = Counter()
    for order in purchase_orders(plan, catalog, requests):
        for line in order.lines:
            ordered[line.sku] += line.units
    made = {p.id for p in catalog.packaging if p.producer_id is not None}
    expected = {
        sku: units
        for sku, units in sku_units(plan).items()
        if sku in catalog.product_by_sku or sku in made
    }
    assert dict(ordered) == expected


def test_lines_carry_company_and_delivery_date(example: Example) -> None:
    """Every line names its request's company and delivery date, at the catalog price."""
    catalog, requests, plan = example
    by_id = {r.id: r for r in requests}
    prices = {p.sku: p.price for p in catalog.products} | {p.id: p.price for p in catalog.packaging}
    lines = [line for o in purchase_orders(plan, catalog, requests) for line in o.lines]
    assert lines
    for line in lines:
        assert line.company == by_id[line.request_id].company
        assert line.delivery_date == by_id[line.request_id].delivery_date
        assert line.unit_price == prices[line.sku]
        assert line.revenue == line.units * line.unit_price
    assert {line.delivery_date for line in lines} == {r.delivery_date for r in requests}


def test_packaging_maker_gets_its_baskets(example: Example) -> None:
    """The bamboo basket maker's order holds one basket per parcel; plain boxes are in none."""
    catalog, requests, plan = example
    orders = {o.producer_id: o for o in purchase_orders(plan, catalog, requests)}
    baskets = orders["KRW-007"]
    assert baskets.producer_name == "Anyaman Bambu Balebat"
    assert [(line.request_id, line.sku, line.units) for line in baskets.lines] == [
        ("REQ-0002", "PKG-BAMBU-M", 300)
    ]
    assert baskets.lines[0].name == "Keranjang bambu sedang"
    skus = {line.sku for o in orders.values() for line in o.lines}
    assert not skus & {"PKG-BOX-M", "PKG-BOX-L"}


def test_order_of_producers_and_lines(example: Example) -> None:
    """Producers follow the catalog; lines follow the requests' arrival order, then sku."""
    catalog, requests, plan = example
    for arrival in (requests, tuple(reversed(requests))):
        orders = purchase_orders(plan, catalog, arrival)
        position = {p.id: i for i, p in enumerate(catalog.producers)}
        assert [position[o.producer_id] for o in orders] == sorted(
            position[o.producer_id] for o in orders
        )
        rank = {r.id: i for i, r in enumerate(arrival)}
        for order in orders:
            keys = [(rank[line.request_id], line.sku) for line in order.lines]
            assert keys == sorted(keys)
            assert len(set(keys)) == len(keys)
    forward = purchase_orders(plan, catalog, requests)
    backward = purchase_orders(plan, catalog, tuple(reversed(requests)))
    kopi = next(o for o in backward if o.producer_id == "KRW-002")
    assert kopi.lines[0].request_id == "REQ-0003"
    assert [o.revenue for o in forward] == [o.revenue for o in backward]


# --------------------------------------------------------------------------- hand-built plans


def test_lines_group_variants_of_a_request() -> None:
    """Two variants of one tier that share a sku give one line, their units summed."""
    catalog, requests, plan = karawang_plan()
    orders = {o.producer_id: o for o in purchase_orders(plan, catalog, requests)}
    rengginang = orders["KRW-001"]
    assert [(line.request_id, line.units) for line in rengginang.lines] == [
        ("REQ-0001", 200 * 2 + 60 * 1),
        ("REQ-0002", 70),
    ]
    price = catalog.product_by_sku["KRW-001-01"].price
    assert rengginang.revenue == (460 + 70) * price
    assert rengginang.lines[0].delivery_date == requests[0].delivery_date
    assert rengginang.lines[1].company == requests[1].company


def test_umkm_packaging_lines() -> None:
    """Baskets count for their makers per request and packaging id, one unit per parcel."""
    catalog, requests, plan = karawang_plan()
    orders = {o.producer_id: o for o in purchase_orders(plan, catalog, requests)}
    assert [(line.request_id, line.sku, line.units) for line in orders["KRW-067"].lines] == [
        ("REQ-0001", "PKG-BAMBU-M", 200),
        ("REQ-0003", "PKG-BAMBU-L", 45),
        ("REQ-0003", "PKG-BAMBU-M", 395),
    ]
    assert [(line.sku, line.units) for line in orders["KRW-068"].lines] == [("PKG-ECENG", 70)]
    boxes = catalog.packaging_by_id
    assert orders["KRW-068"].revenue == 70 * boxes["PKG-ECENG"].price
    assert orders["KRW-067"].units == 640


def test_hand_built_plan_agrees_with_verify() -> None:
    """A producer table made from the orders passes the verifier's revenue recount."""
    catalog, requests, plan = karawang_plan()
    orders = purchase_orders(plan, catalog, requests)
    sold = {o.producer_id: o for o in orders}
    table = [
        ProducerFigures(
            producer_id=p.id,
            units=sold[p.id].units if p.id in sold else 0,
            revenue=sold[p.id].revenue if p.id in sold else 0,
            capacity=0,
            reachable=0,
            utilization=0.0,
        )
        for p in catalog.producers
    ]
    checked = plan.model_copy(update={"producers": tuple(table)})
    found = check_plan(catalog, requests, checked)
    assert not [v for v in found if v.rule == "producers" and v.request_id is None]
    wrong = [f.model_copy(update={"revenue": f.revenue + 1}) if f.units else f for f in table]
    found = check_plan(catalog, requests, plan.model_copy(update={"producers": tuple(wrong)}))
    assert [v for v in found if v.rule == "producers" and v.request_id is None]


def test_empty_plan_has_no_orders() -> None:
    """A plan that serves nobody gives no purchase orders."""
    catalog = karawang_catalog()
    assert purchase_orders(plan_of([]), catalog, karawang_requests()) == ()


def test_unmade_packaging_alone_gives_no_order() -> None:
    """A producer whose only sale would be plain boxes (made by nobody) gets no order."""
    catalog = karawang_catalog()
    request = karawang_requests()[0]
    plan = plan_of(
        [quote(request, {"staff": [variant(catalog, 5, "PKG-BOX-M", {"KRW-007-01": 1})]})]
    )
    orders = purchase_orders(plan, catalog, [request])
    assert [o.producer_id for o in orders] == ["KRW-007"]
    assert [line.sku for line in orders[0].lines] == ["KRW-007-01"]


def test_request_without_delivery_date() -> None:
    """A request without a delivery date gives lines whose date is None."""
    catalog = karawang_catalog()
    request = Request(
        id="REQ-X", company="CV Contoh", tiers=(Tier(name="all", parcels=3, budget=500_000),)
    )
    plan = plan_of([quote(request, {"all": [variant(catalog, 3, "PKG-BOX-M", {"KRW-001-01": 1})]})])
    (order,) = purchase_orders(plan, catalog, [request])
    assert order.lines[0].delivery_date is None
    assert order.lines[0].company == "CV Contoh"
    assert order.district == catalog.producer_by_id["KRW-001"].district


# --------------------------------------------------------------------------- mismatches


def _replace_first_item(plan: SeasonPlan, sku: str) -> SeasonPlan:
    first = plan.quotes[0]
    tier = first.tiers[0]
    v = tier.variants[0]
    item = v.items[0].model_copy(update={"sku": sku})
    v = v.model_copy(update={"items": (item, *v.items[1:])})
    tier = tier.model_copy(update={"variants": (v, *tier.variants[1:])})
    first = first.model_copy(update={"tiers": (tier, *first.tiers[1:])})
    return plan.model_copy(update={"quotes": (first, *plan.quotes[1:])})


def test_unknown_sku_raises() -> None:
    """A plan with a sku the catalog lacks raises ValueError naming the sku and request."""
    catalog, requests, plan = karawang_plan()
    with pytest.raises(ValueError, match=r"REQ-0001.*'NOPE-1' is not in the catalog"):
        purchase_orders(_replace_first_item(plan, "NOPE-1"), catalog, requests)


def test_unknown_packaging_raises() -> None:
    """A plan with a packaging id the catalog lacks raises ValueError naming it."""
    catalog, requests, plan = karawang_plan()
    first = plan.quotes[0]
    tier = first.tiers[0]
    v = tier.variants[0].model_copy(update={"packaging": "PKG-NONE"})
    tier = tier.model_copy(update={"variants": (v,)})
    broken = plan.model_copy(
        update={"quotes": (first.model_copy(update={"tiers": (tier,)}), *plan.quotes[1:])}
    )
    with pytest.raises(ValueError, match="packaging 'PKG-NONE'"):
        purchase_orders(broken, catalog, requests)


def test_unknown_request_raises() -> None:
    """A quote for a request that is not given raises ValueError naming the request."""
    catalog, requests, plan = karawang_plan()
    with pytest.raises(ValueError, match="'REQ-0003'"):
        purchase_orders(plan, catalog, requests[:2])


def test_models_check_their_sums() -> None:
    """A line's revenue is units x price and an order's totals are its lines' sums."""
    fields = {"request_id": "R", "company": "C", "sku": "S", "name": "N", "unit_price": 1_000}
    line = OrderLine(units=3, revenue=3_000, delivery_date=dt.date(2027, 3, 1), **fields)
    with pytest.raises(ValidationError, match="units 3 x unit_price 1000"):
        OrderLine(units=3, revenue=2_999, **fields)
    PurchaseOrder(producer_id="P", producer_name="Q", lines=(line, line), units=6, revenue=6_000)
    with pytest.raises(ValidationError, match="do not match"):
        PurchaseOrder(producer_id="P", producer_name="Q", lines=(line,), units=3, revenue=3_001)
    with pytest.raises(ValidationError):
        line.units = 4  # type: ignore[misc]


# --------------------------------------------------------------------------- any plan


@st.composite
def planned_seasons(draw: st.DrawFn) -> Example:
    """A small catalog, its requests and a plan (valid or not) made of catalog ids."""
    catalog, requests = draw(seasons())
    assume(catalog.products and catalog.packaging)
    skus = [p.sku for p in catalog.products]
    boxes = [p.id for p in catalog.packaging]
    quotes = []
    for request in requests:
        if not draw(st.booleans()):
            continue
        tiers: dict[str, list[Variant]] = {}
        for tier in request.tiers:
            tiers[tier.name] = [
                variant(
                    catalog,
                    draw(st.integers(1, 30)),
                    draw(st.sampled_from(boxes)),
                    draw(st.dictionaries(st.sampled_from(skus), st.integers(1, 3), min_size=1)),
                )
                for _ in range(draw(st.integers(1, 2)))
            ]
        quotes.append(quote(request, tiers))
    return catalog, requests, plan_of(quotes)


@given(planned_seasons())
def test_orders_agree_with_verify_on_any_plan(season: Example) -> None:
    """On any plan, a producer table built from the orders passes the verifier's recount."""
    catalog, requests, plan = season
    orders = purchase_orders(plan, catalog, requests)
    sold = {o.producer_id: o for o in orders}
    table = tuple(
        ProducerFigures(
            producer_id=p.id,
            units=sold[p.id].units if p.id in sold else 0,
            revenue=sold[p.id].revenue if p.id in sold else 0,
            capacity=0,
            reachable=0,
            utilization=0.0,
        )
        for p in catalog.producers
    )
    found = check_plan(catalog, requests, plan.model_copy(update={"producers": table}))
    assert not [v for v in found if v.rule == "producers" and v.request_id is None]
    assert all(o.lines and o.units > 0 for o in orders)
    assert sum(line.units for o in orders for line in o.lines) == sum(
        units
        for sku, units in sku_units(plan).items()
        if sku in catalog.product_by_sku or catalog.packaging_by_id[sku].producer_id is not None
    )
