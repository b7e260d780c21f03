"""The season-plan benchmark instances (``benchmarks/season_instances.py``).

S and M are generated and checked against the issue's sizes, the data
contract and the sample season's realism, with figures computed here rather
than taken from the generator; L and XL are checked by their size table and
their producers only (generating them belongs to the benchmark, not the suite).
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from parcelkit.data import karawang_catalog
from parcelkit.io import (
    catalog_to_json,
    load_catalog,
    load_requests,
    requests_to_json,
    save_catalog,
    save_requests,
)
from parcelkit.models import (
    Catalog,
    EffectiveRules,
    Product,
    Request,
    Tier,
    catalog_problems,
    effective_rules,
    requests_problems,
)

MODULE = Path(__file__).resolve().parent.parent / "benchmarks" / "season_instances.py"


def _load() -> ModuleType:
    if "season_instances" in sys.modules:
        return sys.modules["season_instances"]
    spec = importlib.util.spec_from_file_location("season_instances", MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["season_instances"] = module
    spec.loader.exec_module(module)
    return module


si = _load()
Instance = tuple[Catalog, list[Request]]


@pytest.fixture(scope="module", params=["S", "M"])
def instance(request: pytest.FixtureRequest) -> tuple[str, Catalog, list[Request]]:
    """The S and M instances of seed 0."""
    catalog, requests = si.make_instance(request.param, 0)
    return request.param, catalog, requests


def _tiers(requests: list[Request]) -> Iterator[tuple[Request, Tier, EffectiveRules]]:
    for request in requests:
        for tier in request.tiers:
            yield request, tier, effective_rules(request, tier)


def _usable(product: Product, rules: EffectiveRules) -> bool:
    if rules.halal_only and product.food and not product.halal:
        return False
    if set(product.tags) & set(rules.exclude_tags):
        return False
    return (
        rules.min_shelf_life_days is None
        or product.shelf_life_days is None
        or product.shelf_life_days >= rules.min_shelf_life_days
    )


def _packaging_prices(catalog: Catalog, rules: EffectiveRules) -> list[int]:
    return [
        k.price for k in catalog.packaging if rules.packaging is None or k.id in rules.packaging
    ]


def _cheapest_parcel(catalog: Catalog, request: Request, tier: Tier) -> int:
    """The cheapest parcel's price by bounds: category minimums, then min_items, cheapest units."""
    rules = effective_rules(request, tier)
    usable = sorted(
        (p for p in catalog.products if _usable(p, rules)), key=lambda p: (p.price, p.sku)
    )
    rest = [p for p in usable for _ in range(rules.max_same_product)]
    chosen: list[Product] = []
    for category, (low, _) in sorted(rules.categories.items()):
        picked = [p for p in rest if p.category == category][:low]
        if len(picked) < low:
            return sys.maxsize
        chosen += picked
        for product in picked:
            rest.remove(product)
    chosen += rest[: max(0, rules.min_items - len(chosen))]
    return sum(p.price for p in chosen) + min(_packaging_prices(catalog, rules)) + fees(request)


def fees(request: Request) -> int:
    return request.fees.assembly + request.fees.koperasi


def test_size_table_follows_the_issue() -> None:
    """S 50/75/105, M 300/100/150, L 1,000/150/250 (300,000 parcels), XL 5,000/1,000/2,000."""
    table = {name: (s.requests, s.producers, s.skus, s.parcels) for name, s in si.SIZES.items()}
    assert table == {
        "S": (50, 75, 105, 15_000),
        "M": (300, 100, 150, 90_000),
        "L": (1_000, 150, 250, 300_000),
        "XL": (5_000, 1_000, 2_000, 1_500_000),
    }


@pytest.mark.parametrize("size", ["S", "M", "L", "XL"])
def test_makers_of_every_size_match_the_table(size: str) -> None:
    """Every size gets its producer and sku counts, unique names, each group at its minimum."""
    spec = si.SIZES[size]
    makers = si.draw_makers(si.random.Random(1), spec)
    assert len(makers) == spec.producers
    assert sum(len(m.items) for m in makers) == spec.skus
    assert len({m.name for m in makers}) == spec.producers
    counts = si.group_counts(spec.producers)
    assert sum(counts.values()) == spec.producers
    for group in si.GROUPS:
        assert counts[group.name] >= group.minimum, (size, group.name)
    for maker in makers:
        assert len({item.name for item in maker.items}) == len(maker.items), maker.name


def test_same_seed_same_instance_other_seed_other_instance() -> None:
    """Generation is deterministic per seed; another seed gives another season."""
    first = si.make_instance("S", 0)
    again = si.make_instance("S", 0)
    other = si.make_instance("S", 1)

    def text(instance: Instance) -> tuple[str, str]:
        return catalog_to_json(instance[0]), requests_to_json(instance[1])

    assert text(first) == text(again)
    assert text(first)[0] != text(other)[0]
    assert text(first)[1] != text(other)[1]


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        si.make_instance("XXL")


def test_sizes_and_parcels(instance: tuple[str, Catalog, list[Request]]) -> None:
    """Counts as in the table; total parcels within 2 % of the target, 50-3,000 per request."""
    size, catalog, requests = instance
    spec = si.SIZES[size]
    assert len(catalog.producers) == spec.producers
    assert len(catalog.products) == spec.skus
    assert len(requests) == spec.requests
    assert [r.id for r in requests] == [f"REQ-{n:04d}" for n in range(1, spec.requests + 1)]
    parcels = [sum(t.parcels for t in r.tiers) for r in requests]
    assert abs(sum(parcels) - spec.parcels) <= spec.parcels // 50
    assert all(50 <= p <= 3_000 for p in parcels)


def test_valid_and_round_trips(
    instance: tuple[str, Catalog, list[Request]], tmp_path: Path
) -> None:
    """No cross-record problems, and the written files load back to equal, validated models."""
    _, catalog, requests = instance
    assert catalog_problems(catalog.producers, catalog.products, catalog.packaging) == []
    assert requests_problems(requests, catalog) == []
    save_catalog(catalog, tmp_path / "catalog.json")
    save_requests(requests, tmp_path / "requests.json")
    loaded = load_catalog(tmp_path / "catalog.json")
    loaded_requests = load_requests(tmp_path / "requests.json")
    assert loaded == catalog
    assert list(loaded_requests) == requests
    for request in requests:
        assert Request.model_validate(request.model_dump()) == request


def test_demand_is_60_to_80_percent_of_stock(
    instance: tuple[str, Catalog, list[Request]],
) -> None:
    """Demand in units (the budget-first estimate of test_data.py) is 60-80 % of product stock."""
    _, catalog, requests = instance
    demand = 0
    for request, tier, rules in _tiers(requests):
        median = statistics.median_low(
            sorted(p.price for p in catalog.products if _usable(p, rules))
        )
        room = tier.budget - fees(request) - min(_packaging_prices(catalog, rules))
        items = max(rules.min_items, min(rules.max_items, (2 * room + median) // (2 * median)))
        demand += tier.parcels * items
    supply = sum(p.stock for p in catalog.products)
    assert 60 * supply <= 100 * demand <= 80 * supply, (demand, supply)


def test_packaging_covers_the_parcels(instance: tuple[str, Catalog, list[Request]]) -> None:
    """Packaging stock exceeds the parcels, and every restricted set of packaging its tiers."""
    _, catalog, requests = instance
    stock = {k.id: k.stock for k in catalog.packaging}
    assert sum(stock.values()) > sum(t.parcels for r in requests for t in r.tiers)
    restricted: dict[tuple[str, ...], int] = {}
    for _, tier, rules in _tiers(requests):
        if rules.packaging is not None:
            restricted[rules.packaging] = restricted.get(rules.packaging, 0) + tier.parcels
    for ids, parcels in restricted.items():
        assert parcels <= sum(stock[i] for i in ids), ids


def test_looks_like_the_sample_season(instance: tuple[str, Catalog, list[Request]]) -> None:
    """Sample products and categories, mostly halal food, non-food crafts, UMKM baskets, tiers."""
    _, catalog, requests = instance
    sample = karawang_catalog()
    sample_category = {p.name: p.category for p in sample.products}
    for product in catalog.products:
        assert sample_category.get(product.name) == product.category, product.name
    assert set(catalog.categories) == set(sample.categories)
    assert {p.min_order for p in catalog.products} <= {p.min_order for p in sample.products}
    food = [p for p in catalog.products if p.food]
    halal_share = sum(p.halal for p in food) / len(food)
    assert 0.8 <= halal_share < 1.0
    assert any(not p.food and p.category == "craft" for p in catalog.products)
    assert {p.district for p in catalog.producers} <= set(si.mk.KECAMATAN)
    crafts = {p.producer_id for p in catalog.products if p.category == "craft"}
    basket_makers = {k.producer_id for k in catalog.packaging if k.producer_id is not None}
    assert basket_makers and basket_makers <= crafts

    tiers = list(_tiers(requests))
    assert {t.name for _, t, _ in tiers} == {"staff", "supervisor", "manager"}
    assert all(100_000 <= t.budget <= 1_000_000 and t.budget % 25_000 == 0 for _, t, _ in tiers)
    assert sum(r.halal_only for _, _, r in tiers) >= 0.9 * len(tiers)
    assert sum(bool(r.categories) for _, _, r in tiers) == len(tiers)
    assert any(r.max_items_per_producer is not None for _, _, r in tiers)
    assert any(r.max_items_per_producer is None for _, _, r in tiers)


def test_a_few_requests_are_priced_out(instance: tuple[str, Catalog, list[Request]]) -> None:
    """About 2 % of requests (at least one) have a Rp 100.000 staff tier no parcel fits; no others.

    The other tiers' cheapest parcels fit their budgets.
    """
    size, catalog, requests = instance
    out = [
        r.id for r in requests if any(_cheapest_parcel(catalog, r, t) > t.budget for t in r.tiers)
    ]
    assert len(out) == max(1, si.SIZES[size].requests * 2 // 100)
    small = [r.id for r in requests if any(t.budget == 100_000 for t in r.tiers)]
    assert out == small
    assert si.summary(catalog, requests).count(f"({len(out)} priced out)") == 1


def test_every_other_request_of_s_has_a_quote_within_stock() -> None:
    """On S, CP-SAT finds each served request a whole quote within the catalog's stock alone.

    The sample generator's check (one variant per tier, then ``max_variants``
    variants), bounded by deterministic time; priced-out requests have none.
    """
    catalog, requests = si.make_instance("S", 0)
    shelf = si.Shelf(catalog)
    for request in requests:
        servable = not shelf.priced_out(request)
        assert si.mk.quote_exists(request, catalog, with_stock=servable) == servable, request.id


def test_cli_writes_both_files_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI writes catalog.json and requests.json equal to `make_instance`, and one line."""
    si.main(["S", "--seed", "3", "--out", str(tmp_path / "out")])
    line = capsys.readouterr().out.strip()
    catalog, requests = si.make_instance("S", 3)
    assert load_catalog(tmp_path / "out" / "catalog.json") == catalog
    assert list(load_requests(tmp_path / "out" / "requests.json")) == requests
    assert "\n" not in line
    for part in ("75 producers", "105 skus", "50 requests", "parcels", "demand/stock 0.7"):
        assert part in line, line
