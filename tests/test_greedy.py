"""The greedy season planner: every served request verifies, stock and min_order hold
season-wide, unserved requests say what ran out, and runs repeat exactly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from unittest.mock import patch

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import (
    Catalog,
    Item,
    Packaging,
    Producer,
    Product,
    Quote,
    Request,
    Rules,
    SolverInfo,
    Status,
    Tier,
    TierQuote,
    Variant,
)
from parcelkit.solve import greedy
from parcelkit.solve.answer import with_totals
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.greedy import SeasonChoice, greedy_season
from parcelkit.verify import check_quote
from tests.strategies import CATEGORIES, catalogs, seasons

# --------------------------------------------------------------------------- checking a season


def _quote(catalog: Catalog, request: Request, choice: SeasonChoice) -> Quote:
    """The served choice as FORMAT.md's quote: one variant per tier."""
    assert choice.tiers is not None
    prices = {p.sku: p.price for p in catalog.products}
    boxes = {p.id: p.price for p in catalog.packaging}
    tiers = []
    for tier in request.tiers:
        package, quantities = choice.tiers[tier.name]
        items = tuple(
            Item(sku=sku, qty=qty, unit_price=prices[sku])
            for sku, qty in sorted(quantities.items())
        )
        price = sum(i.qty * i.unit_price for i in items) + boxes[package] + request.fees.per_parcel
        variant = Variant(parcels=tier.parcels, packaging=package, items=items, price=price)
        tiers.append(
            TierQuote(name=tier.name, parcels=tier.parcels, budget=tier.budget, variants=(variant,))
        )
    plain = Quote(
        request_id=request.id,
        company=request.company,
        status=Status.FEASIBLE,
        tiers=tuple(tiers),
        solver=SolverInfo(name="greedy"),
    )
    return with_totals(catalog, plain)


def _units(request: Request, choice: SeasonChoice) -> Counter[str]:
    """Units of each sku and packaging a served choice takes."""
    used: Counter[str] = Counter()
    for tier in request.tiers:
        assert choice.tiers is not None
        package, quantities = choice.tiers[tier.name]
        used[package] += tier.parcels
        for sku, qty in quantities.items():
            used[sku] += qty * tier.parcels
    return used


def assert_valid_season(
    catalog: Catalog,
    requests: Sequence[Request],
    choices: Sequence[SeasonChoice],
    stock: Mapping[str, int] | None = None,
    ordered: Mapping[str, int] | None = None,
) -> None:
    """Each served request passes the verifier against what the earlier ones left;
    the season as a whole stays within stock and reaches every used sku's min_order."""
    assert [c.request_id for c in choices] == [r.id for r in requests]
    left = available_stock(catalog, stock)
    start = dict(left)
    booked: Counter[str] = Counter(ordered or {})
    season: Counter[str] = Counter()
    for request, choice in zip(requests, choices, strict=True):
        if choice.tiers is None:
            assert choice.reason and choice.reason.strip(), choice
            continue
        assert choice.reason is None
        assert set(choice.tiers) == {t.name for t in request.tiers}
        for package, quantities in choice.tiers.values():
            assert all(qty > 0 for qty in quantities.values()), quantities
            assert package in start
        quote = _quote(catalog, request, choice)
        violations = check_quote(catalog, request, quote, stock=left, ordered=booked)
        assert violations == [], [str(v) for v in violations]
        used = _units(request, choice)
        season.update(used)
        for key, units in used.items():
            left[key] -= units
        booked.update(used)
    for key, units in season.items():
        assert units <= start[key], f"{key}: {units} units planned, stock {start[key]}"
    min_order = {p.sku: p.min_order for p in catalog.products}
    for sku, units in season.items():
        if sku in min_order:
            total = units + (ordered or {}).get(sku, 0)
            assert total >= min_order[sku], f"{sku}: {total} units, min_order {min_order[sku]}"


# --------------------------------------------------------------------------- small catalogs


def _product(sku: str, producer: str, category: str, price: int, **given: object) -> Product:
    fields: dict[str, object] = {
        "name": f"{category} {sku}",
        "stock": 1_000,
        "halal": True,
        "weight_g": 200,
        "volume_ml": 300,
        "shelf_life_days": 180,
    }
    fields.update(given)
    return Product.model_validate(
        {"sku": sku, "producer_id": producer, "category": category, "price": price, **fields}
    )


def _catalog(products: Sequence[Product], box_stock: int = 5_000) -> Catalog:
    producers = sorted({p.producer_id for p in products})
    return Catalog(
        producers=tuple(Producer(id=pid, name=f"UMKM {pid}") for pid in producers),
        products=tuple(products),
        packaging=(
            Packaging(
                id="BOX",
                name="Kardus",
                price=10_000,
                capacity_ml=10_000,
                max_weight_g=8_000,
                stock=box_stock,
            ),
        ),
    )


def _request(rid: str, parcels: int, budget: int = 100_000, **rules: object) -> Request:
    given: dict[str, object] = {"min_items": 2, "max_items": 6, "min_budget_use": 0.5}
    given.update(rules)
    return Request(
        id=rid,
        company=f"PT {rid}",
        tiers=(Tier(name="staff", parcels=parcels, budget=budget),),
        rules=Rules.model_validate(given),
    )


_SHOP = [
    _product("DRINK-1", "P1", "beverage", 20_000, stock=100),
    _product("SNACK-1", "P2", "snack", 15_000),
    _product("SNACK-2", "P3", "snack", 12_000),
]


# --------------------------------------------------------------------------- tests


def test_sample_season_verifies() -> None:
    """Every request of the Karawang sample is served validly or has a reason; most are served."""
    catalog, requests = karawang_catalog(), karawang_requests()
    choices = greedy_season(catalog, requests)
    assert_valid_season(catalog, requests, choices)
    assert sum(c.served for c in choices) > len(requests) // 2


def test_sample_season_repeats_exactly() -> None:
    """The same season gives the same choices, to the unit and the word."""
    catalog, requests = karawang_catalog(), karawang_requests()
    assert greedy_season(catalog, requests) == greedy_season(catalog, requests)


def test_stock_runs_out_for_a_later_request() -> None:
    """When the only drink is used up, the next request needing one is unserved, naming it."""
    catalog = _catalog(_SHOP)
    categories = {"beverage": (1, 1)}
    requests = [
        _request("REQ-A", 80, categories=categories),
        _request("REQ-B", 80, categories=categories),
    ]
    first, second = greedy_season(catalog, requests)
    assert first.tiers is not None
    assert first.tiers["staff"][1]["DRINK-1"] == 1
    assert second.tiers is None
    assert second.reason is not None
    assert "tier 'staff'" in second.reason
    assert "beverage" in second.reason
    assert "left in stock for 80 parcels" in second.reason
    assert_valid_season(catalog, requests, [first, second])


def test_unserved_request_leaves_later_ones_served() -> None:
    """A request too big for the stock is skipped; the smaller ones after it are served."""
    catalog = _catalog(_SHOP)
    categories = {"beverage": (1, 1)}
    requests = [
        _request("REQ-BIG", 150, categories=categories),
        _request("REQ-SMALL", 60, categories=categories),
        _request("REQ-NO-DRINK", 300),
    ]
    choices = greedy_season(catalog, requests)
    assert [c.served for c in choices] == [False, True, True]
    assert choices[0].reason is not None
    assert "150 parcels" in choices[0].reason
    assert_valid_season(catalog, requests, choices)


def test_unserved_request_takes_no_stock() -> None:
    """A request whose second tier fails gives back what its first tier held."""
    catalog = _catalog(_SHOP)
    drink = {"beverage": (1, 1)}
    blocked = Request(
        id="REQ-HALF",
        company="PT Half",
        tiers=(
            Tier(name="staff", parcels=100, budget=100_000),
            Tier(name="manager", parcels=1, budget=100_000, rules=Rules(categories=drink)),
        ),
        rules=Rules(min_items=2, max_items=6, min_budget_use=0.5, categories=drink),
    )
    after = _request("REQ-AFTER", 100, categories=drink)
    choices = greedy_season(catalog, [blocked, after])
    assert not choices[0].served
    assert choices[0].reason is not None
    assert choices[0].reason.startswith("tier 'manager'")
    assert choices[1].served
    assert_valid_season(catalog, [blocked, after], choices)


def test_packaging_running_out_is_named() -> None:
    """With the only box used up, the next request is unserved and the box is named."""
    catalog = _catalog(_SHOP, box_stock=50)
    requests = [_request("REQ-A", 50), _request("REQ-B", 10)]
    choices = greedy_season(catalog, requests)
    assert [c.served for c in choices] == [True, False]
    assert choices[1].reason is not None
    assert "BOX ran out" in choices[1].reason
    assert_valid_season(catalog, requests, choices)


def test_budget_floor_names_the_amounts() -> None:
    """A floor the stock cannot reach is reported with the best price and the floor in rupiah."""
    catalog = _catalog(_SHOP)
    request = _request("REQ-RICH", 10, budget=500_000, max_items=3, min_budget_use=0.9)
    (choice,) = greedy_season(catalog, [request])
    assert choice.reason is not None
    assert "below the minimum Rp450.000" in choice.reason
    assert "min_budget_use 0.9" in choice.reason


def test_excluded_category_names_the_rule() -> None:
    """A category whose only product is not halal is explained by the halal rule."""
    products = [*_SHOP, _product("SWEET-1", "P4", "cookies", 30_000, halal=False)]
    catalog = _catalog(products)
    request = _request("REQ-HALAL", 10, categories={"cookies": (1, 1)})
    (choice,) = greedy_season(catalog, [request])
    assert choice.reason is not None
    assert "cookies" in choice.reason
    assert "not halal" in choice.reason
    allowed = _request("REQ-ANY", 10, categories={"cookies": (1, 1)}, halal_only=False)
    (served,) = greedy_season(catalog, [allowed])
    assert served.tiers is not None
    assert served.tiers["staff"][1]["SWEET-1"] == 1


def test_min_order_counts_units_already_ordered() -> None:
    """A sku is used only when the season reaches its min_order, units already ordered included."""
    products = [
        _product("DRINK-1", "P1", "beverage", 20_000, min_order=50),
        _product("SNACK-1", "P2", "snack", 15_000),
    ]
    catalog = _catalog(products)
    request = _request(
        "REQ-A", 20, categories={"beverage": (1, 1)}, max_same_product=1, min_budget_use=0.4
    )
    (alone,) = greedy_season(catalog, [request])
    assert alone.reason is not None
    assert "min_order" in alone.reason
    (helped,) = greedy_season(catalog, [request], ordered={"DRINK-1": 30})
    assert helped.served
    assert_valid_season(catalog, [request], [helped], ordered={"DRINK-1": 30})


def test_stock_override_replaces_catalog_stock() -> None:
    """Stock passed in replaces the catalog's: a sku set to zero is not used."""
    catalog = _catalog(_SHOP)
    request = _request("REQ-A", 10, categories={"beverage": (1, 1)})
    (choice,) = greedy_season(catalog, [request], stock={"DRINK-1": 0})
    assert not choice.served
    assert choice.reason is not None
    assert "beverage" in choice.reason


def test_top_up_leaves_room_for_min_items() -> None:
    """Dear items do not starve min_items: a batik that would leave room for only three
    more snacks is passed over for teas that leave room for the five items needed."""
    products = [
        _product("BATIK", "P1", "fashion", 80_000),
        _product("TEA", "P5", "tea", 40_000),
        _product("SNACK-1", "P2", "snack", 5_000),
        _product("SNACK-2", "P3", "snack", 6_000),
        _product("SNACK-3", "P4", "snack", 7_000),
    ]
    catalog = _catalog(products)
    request = _request("REQ-A", 10, budget=110_000, min_items=5, max_items=8)
    (choice,) = greedy_season(catalog, [request])
    assert choice.tiers is not None, choice.reason
    _, quantities = choice.tiers["staff"]
    assert sum(quantities.values()) >= 5
    assert "BATIK" not in quantities
    assert_valid_season(catalog, [request], [choice])


@settings(max_examples=25, deadline=None)
@given(seasons())
def test_random_seasons_verify_and_repeat(case: tuple[Catalog, tuple[Request, ...]]) -> None:
    """On random small seasons every served request verifies and reruns agree."""
    catalog, requests = case
    choices = greedy_season(catalog, requests)
    assert_valid_season(catalog, requests, choices)
    assert greedy_season(catalog, requests) == choices


@st.composite
def servable_seasons(draw: st.DrawFn) -> tuple[Catalog, tuple[Request, ...]]:
    """Seasons where many requests can be served: a larger catalog, roomy budgets, loose rules."""
    catalog = draw(catalogs(max_producers=6, max_products=24, max_packaging=3))
    categories = catalog.categories or CATEGORIES
    requests = []
    for index in range(1, draw(st.integers(2, 6)) + 1):
        wanted = draw(
            st.dictionaries(
                st.sampled_from(categories),
                st.tuples(st.integers(0, 1), st.integers(1, 2)),
                max_size=2,
            )
        )
        given: dict[str, object] = {
            "min_items": draw(st.integers(0, 4)),
            "max_items": draw(st.integers(4, 12)),
            "halal_only": draw(st.booleans()),
            "max_same_product": draw(st.integers(1, 3)),
            "max_items_per_producer": draw(st.none() | st.integers(2, 6)),
            "min_budget_use": draw(st.sampled_from(["0", "0.3", "0.5", "0.7"])),
        }
        tiers = tuple(
            Tier(
                name=name,
                parcels=draw(st.integers(1, 120)),
                budget=draw(st.integers(100, 900)) * 1_000,
            )
            for name in draw(
                st.lists(st.sampled_from(["staff", "manager", "direksi"]), min_size=1, unique=True)
            )
        )
        if set(wanted) <= set(catalog.categories):
            given["categories"] = wanted
        rules = Rules.model_validate(given)
        requests.append(
            Request(id=f"REQ-{index:04d}", company=f"PT {index}", tiers=tiers, rules=rules)
        )
    return catalog, tuple(requests)


@settings(max_examples=40, deadline=None)
@given(servable_seasons())
def test_servable_random_seasons_verify(case: tuple[Catalog, tuple[Request, ...]]) -> None:
    """On random seasons with roomy budgets, the served requests verify season-wide."""
    catalog, requests = case
    choices = greedy_season(catalog, requests)
    assert_valid_season(catalog, requests, choices)


@settings(max_examples=15, deadline=None)
@given(seasons(), st.data())
def test_random_seasons_with_fixed_orders(
    case: tuple[Catalog, tuple[Request, ...]], data: st.DataObject
) -> None:
    """Units already ordered and a stock override are respected, season-wide."""
    catalog, requests = case
    keys = [p.sku for p in catalog.products] + [p.id for p in catalog.packaging]
    assume(keys)
    stock = data.draw(st.dictionaries(st.sampled_from(keys), st.integers(0, 3_000), max_size=4))
    skus = [p.sku for p in catalog.products] or keys
    ordered = data.draw(st.dictionaries(st.sampled_from(skus), st.integers(0, 40), max_size=3))
    choices = greedy_season(catalog, requests, stock=stock, ordered=ordered)
    assert_valid_season(catalog, requests, choices, stock=stock, ordered=ordered)


def test_larger_season_with_shared_stock_verifies() -> None:
    """The sample's requests three times over, against the sample's stock: valid, some unserved."""
    catalog = karawang_catalog()
    requests = [
        r.model_copy(update={"id": f"{r.id}-{copy}"})
        for copy in range(3)
        for r in karawang_requests()
    ]
    choices = greedy_season(catalog, requests)
    assert_valid_season(catalog, requests, choices)
    unserved = [c for c in choices if not c.served]
    assert unserved
    assert any("left" in (c.reason or "") or "ran out" in (c.reason or "") for c in unserved)


def test_alone_is_each_request_on_its_own() -> None:
    catalog, requests = karawang_catalog(), karawang_requests()[:20]
    together = greedy_season(catalog, requests, alone=True)
    one_by_one = [greedy_season(catalog, [request])[0] for request in requests]
    assert together == one_by_one


@settings(max_examples=25, deadline=None)
@given(seasons())
def test_fast_limit_agrees_with_the_named_one(case: tuple[Catalog, tuple[Request, ...]]) -> None:
    """`_Fill.fits` (the filling loops' fast path) gives `_Fill.limit`'s units on every call."""
    catalog, requests = case
    calls: list[tuple[int, int]] = []
    fast = greedy._Fill.fits

    def checked(fill: greedy._Fill, product: Product, spare: Sequence[int] = (0,)) -> int:
        units = fast(fill, product, spare)
        calls.append((units, fill.limit(product, spare)[0]))
        return units

    with patch.object(greedy._Fill, "fits", checked):
        greedy_season(catalog, requests)
    assert all(units == named for units, named in calls)
