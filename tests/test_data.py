"""The embedded Karawang sample season: invariants of the shipped JSON files.

These check the files as shipped, against DOMAIN.md and FORMAT.md, without
trusting the generator (``scripts/make_karawang.py``) that made them; only the
last test runs the generator, to see that it reproduces them byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import (
    Catalog,
    EffectiveRules,
    Product,
    Request,
    Tier,
    effective_rules,
    requests_problems,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "parcelkit" / "data"
GENERATOR = REPO / "scripts" / "make_karawang.py"

KECAMATAN = {
    "Karawang Barat", "Pangkalan", "Telukjambe Timur", "Ciampel", "Klari", "Rengasdengklok",
    "Kutawaluya", "Batujaya", "Tirtajaya", "Pedes", "Cibuaya", "Pakisjaya", "Cikampek",
    "Jatisari", "Cilamaya Wetan", "Tirtamulya", "Telagasari", "Rawamerta", "Lemahabang",
    "Tempuran", "Majalaya", "Jayakerta", "Cilamaya Kulon", "Banyusari", "Kotabaru",
    "Karawang Timur", "Telukjambe Barat", "Tegalwaru", "Purwasari", "Cilebar",
}  # fmt: skip
"""DOMAIN.md's 30 kecamatan of Karawang."""

PRICE_TABLE: tuple[tuple[str, tuple[str, ...], int, int], ...] = (
    # (category, words the product name contains (any), lowest, highest rupiah)
    ("snack", ("opak", "simping", "semprong", "egg roll"), 15_000, 35_000),
    ("snack", ("",), 15_000, 40_000),  # stick/keripik/rengginang pack 250-500 g
    ("cookies", ("toples",), 40_000, 100_000),  # cookies per jar
    ("beverage", ("sirup",), 20_000, 35_000),  # syrup bottle
    ("coffee", ("200 g",), 25_000, 45_000),  # local ground coffee 200 g
    ("tea", ("isi 25",), 6_000, 9_000),  # tea bags 25
    ("dates", ("1 kg",), 30_000, 70_000),  # dates per kg
    ("staples", ("minyak goreng",), 16_000, 18_000),  # cooking oil 1 L
    ("staples", ("gula pasir",), 17_500, 18_500),  # sugar 1 kg
    ("fashion", ("sarung",), 55_000, 150_000),
    ("fashion", ("batik",), 125_000, 400_000),
    ("craft", ("",), 18_000, 45_000),  # woven goods, priced like a bamboo/rattan basket
    # Not in DOMAIN.md's table: bandeng presto 500 g, an estimate like its EST rows.
    ("lauk", ("bandeng presto",), 35_000, 60_000),
)
"""DOMAIN.md's "Typical contents and prices", per category and kind (first match wins)."""

PACKAGING_PRICES = (
    ("kardus", 8_000, 35_000),
    ("box", 8_000, 35_000),
    ("keranjang", 18_000, 45_000),
)
"""DOMAIN.md: printed box Rp 8.000-35.000, bamboo/rattan basket Rp 18.000-45.000."""


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog."""
    return karawang_catalog()


@pytest.fixture(scope="session")
def requests() -> tuple[Request, ...]:
    """The shipped requests, in arrival order."""
    return karawang_requests()


def _tiers(requests: tuple[Request, ...]) -> Iterator[tuple[Request, Tier, EffectiveRules]]:
    for request in requests:
        for tier in request.tiers:
            yield request, tier, effective_rules(request, tier)


def _usable(product: Product, rules: EffectiveRules) -> bool:
    """Whether a tier's halal, tag and shelf-life rules let it use ``product``."""
    if rules.halal_only and product.food and not product.halal:
        return False
    if set(product.tags) & set(rules.exclude_tags):
        return False
    return (
        rules.min_shelf_life_days is None
        or product.shelf_life_days is None
        or product.shelf_life_days >= rules.min_shelf_life_days
    )


def _allowed_packaging_prices(catalog: Catalog, rules: EffectiveRules) -> list[int]:
    return [
        k.price for k in catalog.packaging if rules.packaging is None or k.id in rules.packaging
    ]


def test_loads_and_cross_validates(catalog: Catalog, requests: tuple[Request, ...]) -> None:
    """The sample parses and every request refers only to what the catalog has."""
    assert catalog.season == "Lebaran 2027"
    assert requests_problems(requests, catalog) == []


def test_loaders_are_cached() -> None:
    """Loading twice returns the very same objects, parsed once."""
    assert karawang_catalog() is karawang_catalog()
    assert karawang_requests() is karawang_requests()


def test_sizes_match_the_2024_program(catalog: Catalog, requests: tuple[Request, ...]) -> None:
    """75 producers, 105 products, at least 8 categories, 4-6 packaging, 60-80 requests."""
    assert len(catalog.producers) == 75
    assert len(catalog.products) == 105
    assert len(catalog.categories) >= 8
    assert 4 <= len(catalog.packaging) <= 6
    assert 60 <= len(requests) <= 80


def test_ids_follow_the_karawang_scheme(catalog: Catalog, requests: tuple[Request, ...]) -> None:
    """Producers are KRW-001.., skus carry their producer's id, requests are REQ-0001.."""
    assert [p.id for p in catalog.producers] == [f"KRW-{n:03d}" for n in range(1, 76)]
    for product in catalog.products:
        assert re.fullmatch(re.escape(product.producer_id) + r"-\d{2}", product.sku), product.sku
    assert [r.id for r in requests] == [f"REQ-{n:04d}" for n in range(1, len(requests) + 1)]


def test_producers_work_in_karawang_kecamatan(catalog: Catalog) -> None:
    """Every producer's district is one of Karawang's 30 kecamatan, spread over many."""
    districts = [p.district for p in catalog.producers]
    assert set(districts) <= KECAMATAN
    assert len(set(districts)) >= 20


def test_product_prices_lie_in_domain_ranges(catalog: Catalog) -> None:
    """Each product's price lies in DOMAIN.md's range for its kind."""
    for product in catalog.products:
        name = product.name.lower()
        kind = next(
            (
                row
                for row in PRICE_TABLE
                if row[0] == product.category and any(w in name for w in row[1])
            ),
            None,
        )
        assert kind is not None, f"{product.sku} {product.name!r}: no price range for its kind"
        _, _, low, high = kind
        assert low <= product.price <= high, f"{product.sku} {product.name}: {product.price}"


def test_packaging_prices_lie_in_domain_ranges(catalog: Catalog) -> None:
    """Boxes cost Rp 8.000-35.000 and baskets Rp 18.000-45.000, and some are made by UMKM."""
    for package in catalog.packaging:
        name = package.name.lower()
        low, high = next((lo, hi) for word, lo, hi in PACKAGING_PRICES if word in name)
        assert low <= package.price <= high, package.id
    makers = {k.producer_id for k in catalog.packaging if k.producer_id is not None}
    assert makers
    assert makers <= set(catalog.producer_by_id)


def test_food_keeps_and_goods_are_not_food(catalog: Catalog) -> None:
    """Food has a shelf life and a P-IRT or BPOM number; non-food goods have neither, nor halal."""
    for product in catalog.products:
        if product.food:
            assert product.shelf_life_days is not None
            assert product.pirt or product.bpom, product.sku
        else:
            assert product.shelf_life_days is None
            assert not (product.halal or product.halal_cert or product.pirt or product.bpom)


def test_certificate_numbers_have_their_real_shape(catalog: Catalog) -> None:
    """Halal numbers are ID + 17 digits, P-IRT numbers 15+ digits, BPOM MD + 12 digits."""
    for product in catalog.products:
        assert product.halal == (product.halal_cert is not None), product.sku
        if product.halal_cert is not None:
            assert re.fullmatch(r"ID\d{17}", product.halal_cert), product.halal_cert
        if product.pirt is not None:
            assert len(re.sub(r"\D", "", product.pirt)) >= 15, product.pirt
        if product.bpom is not None:
            assert re.fullmatch(r"MD ?\d{12}", product.bpom), product.bpom


def test_pirt_numbers_carry_the_karawang_code(catalog: Catalog) -> None:
    """Digits 4-7 of every P-IRT number are 3215, Karawang's regency code."""
    numbers = [p.pirt for p in catalog.products if p.pirt is not None]
    assert len(numbers) >= 50
    for number in numbers:
        assert re.sub(r"\D", "", number)[3:7] == "3215", number


def test_producer_certifications_match_their_products(catalog: Catalog) -> None:
    """A producer lists halal, pirt or bpom exactly when one of its products carries it."""
    for producer in catalog.producers:
        own = [p for p in catalog.products if p.producer_id == producer.id]
        assert own, producer.id
        held = set(producer.certifications)
        assert ("halal" in held) == any(p.halal for p in own), producer.id
        assert ("pirt" in held) == any(p.pirt for p in own), producer.id
        assert ("bpom" in held) == any(p.bpom for p in own), producer.id


def test_some_producers_sell_no_halal_food(catalog: Catalog) -> None:
    """At least 5 producers sell only non-halal food or only non-food goods."""
    count = 0
    for producer in catalog.producers:
        own = [p for p in catalog.products if p.producer_id == producer.id]
        if all(p.food and not p.halal for p in own) or all(not p.food for p in own):
            count += 1
    assert count >= 5


def test_budgets_parcels_and_dates_are_in_range(requests: tuple[Request, ...]) -> None:
    """Budgets Rp 150.000-1.000.000 in round steps, 50-3,000 parcels, delivery 24 Feb-3 Mar."""
    for request in requests:
        assert 50 <= sum(t.parcels for t in request.tiers) <= 3_000, request.id
        assert request.delivery_date is not None
        assert dt.date(2027, 2, 24) <= request.delivery_date <= dt.date(2027, 3, 3)
        assert 1 <= len(request.tiers) <= 3
        for tier in request.tiers:
            assert tier.name in {"staff", "supervisor", "manager"}
            assert 150_000 <= tier.budget <= 1_000_000
            assert tier.budget % 25_000 == 0
        assert 0 <= request.fees.assembly <= 7_500
        assert 0 <= request.fees.koperasi <= 10_000
    assert any(t.budget == 1_000_000 for r in requests for t in r.tiers)


def test_required_categories_have_three_producers(
    catalog: Catalog, requests: tuple[Request, ...]
) -> None:
    """Every category a tier names has products it may use from at least 3 producers."""
    for request, tier, rules in _tiers(requests):
        for category, (_, high) in rules.categories.items():
            makers = {
                p.producer_id
                for p in catalog.products
                if p.category == category and _usable(p, rules)
            }
            assert high == 0 or len(makers) >= 3, f"{request.id}/{tier.name}: {category}"


def test_every_tier_passes_price_bounds(catalog: Catalog, requests: tuple[Request, ...]) -> None:
    """No tier is priced out: its cheapest parcel fits the budget, its dearest reaches the floor.

    Bounds only (necessary conditions): the cheapest parcel meets the category
    minimums and ``min_items`` with the cheapest usable units and packaging,
    ignoring the other rules; the dearest fills ``max_items`` with the dearest
    units the category maxima allow, in the dearest packaging, ignoring the rest.
    """
    for request, tier, rules in _tiers(requests):
        usable = sorted(
            (p for p in catalog.products if _usable(p, rules)), key=lambda p: (p.price, p.sku)
        )
        units = [p for p in usable for _ in range(rules.max_same_product)]
        packaging = _allowed_packaging_prices(catalog, rules)
        fees = request.fees.per_parcel

        cheapest: list[Product] = []
        rest = list(units)
        for category, (low, _) in sorted(rules.categories.items()):
            picked = [p for p in rest if p.category == category][:low]
            assert len(picked) == low, f"{request.id}/{tier.name}: too few {category}"
            cheapest += picked
            for product in picked:
                rest.remove(product)
        cheapest += rest[: max(0, rules.min_items - len(cheapest))]
        lowest = sum(p.price for p in cheapest) + min(packaging) + fees
        assert lowest <= tier.budget, f"{request.id}/{tier.name}: at least {lowest}"

        taken: dict[str, int] = {}
        dearest: list[Product] = []
        for product in reversed(units):
            cap = rules.categories.get(product.category, (0, rules.max_items))[1]
            if len(dearest) < rules.max_items and taken.get(product.category, 0) < cap:
                dearest.append(product)
                taken[product.category] = taken.get(product.category, 0) + 1
        highest = sum(p.price for p in dearest) + max(packaging) + fees
        share, whole = rules.min_budget_use.as_integer_ratio()
        assert whole * highest >= share * tier.budget, (
            f"{request.id}/{tier.name}: at most {highest}"
        )


def test_demand_is_60_to_80_percent_of_supply(
    catalog: Catalog, requests: tuple[Request, ...]
) -> None:
    """Stock is tight: demand in product units is 60-80 % of all product stock.

    Demand in units, budget-first: for each tier, parcels x items, where
    items = clamp(round half up(B / m), min_items, max_items), B = budget minus
    both fees minus the cheapest allowed packaging, m = the low median price of
    the products the tier may use (halal_only, exclude_tags and
    min_shelf_life_days applied), min_items and max_items the tier's effective
    rules. Supply is the sum of every product's stock.
    """
    demand = 0
    for request, tier, rules in _tiers(requests):
        median = statistics.median_low(
            sorted(p.price for p in catalog.products if _usable(p, rules))
        )
        room = (
            tier.budget - request.fees.per_parcel - min(_allowed_packaging_prices(catalog, rules))
        )
        items = max(rules.min_items, min(rules.max_items, (2 * room + median) // (2 * median)))
        demand += tier.parcels * items
    supply = sum(p.stock for p in catalog.products)
    assert 60 * supply <= 100 * demand <= 80 * supply, (demand, supply)


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    """Running the generator twice writes files byte-identical to the shipped ones."""
    outs = [tmp_path / "first", tmp_path / "second"]
    runs = [
        subprocess.Popen(
            [sys.executable, str(GENERATOR), "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for out in outs
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr.decode()
    for name in ("karawang_catalog.json", "karawang_requests.json"):
        shipped = (DATA / name).read_bytes()
        for out in outs:
            assert (out / name).read_bytes() == shipped, f"{out.name}/{name} differs"
