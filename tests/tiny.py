"""Tiny quote instances and a brute-force solver written from FORMAT.md alone.

The brute force enumerates every parcel composition of a tier, then every way
to fill the tier's parcels with at most ``max_variants`` of them, and checks
stock and min_order over the whole quote. It is exponential, so the
instances stay tiny (a handful of skus, a few parcels).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction

from hypothesis import strategies as st

from parcelkit.models import (
    Catalog,
    EffectiveRules,
    Packaging,
    Producer,
    Product,
    Request,
    Rules,
    Tier,
    effective_rules,
)

Composition = tuple[str, tuple[tuple[str, int], ...]]
"""(packaging id, ((sku, qty), ...)) with qty > 0."""


@st.composite
def tiny_cases(draw: st.DrawFn) -> tuple[Catalog, Request]:
    """A catalog of 2-4 skus from 2-3 producers and a request of 1-2 tiny tiers."""
    producers = tuple(
        Producer(id=f"P{i}", name=f"Producer {i}", district="Klari")
        for i in range(draw(st.integers(2, 3)))
    )
    categories = ["snack", "beverage"]
    products = []
    for i in range(draw(st.integers(2, 4))):
        products.append(
            Product(
                sku=f"S{i}",
                producer_id=producers[i % len(producers)].id,
                name=f"Product {i}",
                category=categories[i % 2],
                price=draw(st.integers(1, 10)) * 5_000,
                stock=draw(st.sampled_from([0, 2, 4, 6, 10])),
                min_order=draw(st.sampled_from([1, 1, 1, 2, 4])),
                halal=draw(st.booleans()) or i == 0,
                food=True,
                weight_g=draw(st.sampled_from([100, 250, 500])),
                volume_ml=draw(st.sampled_from([200, 500, 900])),
                shelf_life_days=draw(st.sampled_from([30, 90, 180])),
                tags=("contains-nuts",) if draw(st.integers(0, 4)) == 0 else (),
            )
        )
    packaging = tuple(
        Packaging(
            id=f"K{i}",
            name=f"Box {i}",
            price=draw(st.sampled_from([5_000, 10_000])),
            capacity_ml=draw(st.sampled_from([1_000, 2_000, 4_000])),
            max_weight_g=draw(st.sampled_from([1_000, 3_000])),
            stock=draw(st.integers(1, 6)),
            producer_id=producers[0].id if i == 1 else None,
        )
        for i in range(draw(st.integers(1, 2)))
    )
    catalog = Catalog(producers=producers, products=tuple(products), packaging=packaging)
    tiers = tuple(
        Tier(
            name=f"t{i}",
            parcels=draw(st.integers(1, 3)),
            budget=draw(st.integers(3, 12)) * 10_000,
            rules=Rules(
                min_items=draw(st.sampled_from([None, 1, 2])),
                max_items=draw(st.sampled_from([None, 3, 4])),
            ),
        )
        for i in range(draw(st.integers(1, 2)))
    )
    rules = Rules(
        min_items=draw(st.sampled_from([1, 2])),
        max_items=4,
        halal_only=draw(st.booleans()),
        exclude_tags=draw(st.sampled_from([None, ("contains-nuts",)])),
        max_variants=draw(st.integers(1, 2)),
        max_same_product=draw(st.integers(1, 2)),
        min_budget_use=draw(st.sampled_from(["0.3", "0.5", "0.7", "0.85"])),
        categories=draw(st.sampled_from([None, {"beverage": (1, 2)}])),
    )
    request = Request(id="R1", company="PT Uji", tiers=tiers, rules=rules)
    return catalog, request


def snack(sku: str, producer_id: str, price: int, *, stock: int, min_order: int = 1) -> Product:
    """A halal snack of 100 g and 200 ml that keeps 90 days: the goods of the
    hand-made cases, which differ in price, stock and min_order only."""
    return Product(
        sku=sku,
        producer_id=producer_id,
        name=f"Product {sku}",
        category="snack",
        price=price,
        stock=stock,
        min_order=min_order,
        halal=True,
        food=True,
        weight_g=100,
        volume_ml=200,
        shelf_life_days=90,
    )


@st.composite
def variant_cases(draw: st.DrawFn) -> tuple[Catalog, Request]:
    """One tier of 3-4 parcels over 5 producers of one sku each, at most two items a
    parcel: the number of variants, not the parcel, limits how many producers sell,
    and min_order decides how few parcels a variant may have."""
    producers = tuple(
        Producer(id=f"P{i}", name=f"Producer {i}", district="Klari") for i in range(5)
    )
    products = tuple(
        snack(
            f"S{i}",
            f"P{i}",
            draw(st.sampled_from([10_000, 20_000])),
            stock=20,
            min_order=draw(st.integers(1, 6)),
        )
        for i in range(5)
    )
    packaging = (
        Packaging(
            id="K0", name="Box", price=5_000, capacity_ml=2_000, max_weight_g=2_000, stock=20
        ),
    )
    catalog = Catalog(producers=producers, products=products, packaging=packaging)
    tier = Tier(name="staff", parcels=draw(st.integers(3, 4)), budget=50_000)
    rules = Rules(
        min_items=1,
        max_items=2,
        max_variants=draw(st.integers(2, 3)),
        max_same_product=draw(st.integers(1, 2)),
        min_budget_use="0.3",
        variant_price_spread="1",
    )
    return catalog, Request(id="R1", company="PT Uji", tiers=(tier,), rules=rules)


def compositions(
    catalog: Catalog, rules: EffectiveRules, budget: int, fees: int
) -> Iterator[Composition]:
    """Every valid single parcel of a tier, straight from FORMAT.md's rule table."""
    products = catalog.products
    low = Fraction(rules.min_budget_use) * budget
    for qtys in itertools.product(range(rules.max_same_product + 1), repeat=len(products)):
        chosen = [(p, q) for p, q in zip(products, qtys, strict=True) if q > 0]
        units = sum(q for _, q in chosen)
        if not rules.min_items <= units <= rules.max_items:
            continue
        if not _products_allowed(chosen, rules):
            continue
        for package in catalog.packaging:
            if rules.packaging is not None and package.id not in rules.packaging:
                continue
            if sum(p.volume_ml * q for p, q in chosen) > package.capacity_ml:
                continue
            if sum(p.weight_g * q for p, q in chosen) > package.max_weight_g:
                continue
            price = sum(p.price * q for p, q in chosen) + package.price + fees
            if low <= price <= budget:
                yield package.id, tuple((p.sku, q) for p, q in chosen)


def _products_allowed(chosen: list[tuple[Product, int]], rules: EffectiveRules) -> bool:
    for product, _ in chosen:
        if rules.halal_only and product.food and not product.halal:
            return False
        if set(product.tags) & set(rules.exclude_tags):
            return False
    for category, (low, high) in rules.categories.items():
        count = sum(q for p, q in chosen if p.category == category)
        if not low <= count <= high:
            return False
    if rules.max_items_per_producer is not None:
        per: Counter[str] = Counter()
        for product, q in chosen:
            per[product.producer_id] += q
        if any(v > rules.max_items_per_producer for v in per.values()):
            return False
    return True


def price_of(catalog: Catalog, composition: Composition, fees: int) -> int:
    """Price of one parcel: items, packaging and fees."""
    package, items = composition
    prices = {p.sku: p.price for p in catalog.products}
    return sum(prices[s] * q for s, q in items) + catalog.packaging_by_id[package].price + fees


def best_total(catalog: Catalog, request: Request) -> int | None:
    """The highest quote total over every valid quote, or None when none exists."""
    return _best(catalog, request, lambda total, _units: total)


def draw_likes(data: st.DataObject, catalog: Catalog) -> dict[str, int]:
    """A company's likes: one or two of the catalog's skus, each liked or disliked."""
    skus = [p.sku for p in catalog.products]
    chosen = data.draw(st.lists(st.sampled_from(skus), min_size=1, max_size=2, unique=True))
    return {sku: data.draw(st.sampled_from([-2, -1, 1, 2, 3])) for sku in chosen}


def best_spread(catalog: Catalog, request: Request) -> int | None:
    """The most producers selling (10 each) over every valid quote, or None when none exists."""
    owner = {p.sku: p.producer_id for p in catalog.products}
    owner.update({p.id: p.producer_id for p in catalog.packaging if p.producer_id})

    def producers(_total: int, units: Counter[str]) -> int:
        return 10 * len({owner[key] for key, n in units.items() if n > 0 and key in owner})

    return _best(catalog, request, producers)


def held_spreads(catalog: Catalog, request: Request) -> tuple[int, ...]:
    """The spreads a later stage's bound is tested with held: the best one and
    one producer below (none when no valid quote exists)."""
    most = best_spread(catalog, request)
    return () if most is None else (most, most - 10)


def best_liked(
    catalog: Catalog, request: Request, likes: dict[str, int], spread: int
) -> int | None:
    """The highest preference score (likes x units, a like may be negative) over
    every valid quote whose producers (10 each) reach ``spread``, or None when no
    valid quote does."""
    owner = {p.sku: p.producer_id for p in catalog.products}
    owner.update({p.id: p.producer_id for p in catalog.packaging if p.producer_id})
    unreached = -(10**9)

    def liked(_total: int, units: Counter[str]) -> int:
        sellers = {owner[key] for key, n in units.items() if n > 0 and key in owner}
        if 10 * len(sellers) < spread:
            return unreached
        return sum(likes.get(key, 0) * n for key, n in units.items())

    best = _best(catalog, request, liked)
    return None if best is None or best == unreached else best


def _best(
    catalog: Catalog, request: Request, score: Callable[[int, Counter[str]], int]
) -> int | None:
    fees = request.fees.per_parcel
    per_tier: list[list[tuple[int, Counter[str], int]]] = []
    for tier in request.tiers:
        rules = effective_rules(request, tier)
        options = list(compositions(catalog, rules, tier.budget, fees))
        # Only the units a fill orders matter across tiers: keep its best total.
        fills: dict[frozenset[tuple[str, int]], tuple[int, Counter[str], int]] = {}
        for fill in _fills(catalog, options, tier.parcels, rules, fees):
            key = frozenset(fill[1].items())
            if key not in fills or fills[key][0] < fill[0]:
                fills[key] = fill
        if not fills:
            return None
        per_tier.append(list(fills.values()))
    best: int | None = None
    for combination in itertools.product(*per_tier):
        units: Counter[str] = Counter()
        for _, used, _ in combination:
            units.update(used)
        if not _stock_and_min_order(catalog, units):
            continue
        value = score(sum(t for t, _, _ in combination), units)
        best = value if best is None else max(best, value)
    return best


def _fills(
    catalog: Catalog, options: list[Composition], parcels: int, rules: EffectiveRules, fees: int
) -> Iterator[tuple[int, Counter[str], int]]:
    spread = 1 + Fraction(rules.variant_price_spread)
    for chosen in itertools.combinations_with_replacement(range(len(options)), parcels):
        variants = sorted(set(chosen))
        if len(variants) > rules.max_variants:
            continue
        prices = [price_of(catalog, options[v], fees) for v in variants]
        if max(prices) > spread * min(prices):
            continue
        units: Counter[str] = Counter()
        total = 0
        for v in chosen:
            package, items = options[v]
            units[package] += 1
            for sku, qty in items:
                units[sku] += qty
            total += price_of(catalog, options[v], fees)
        yield total, units, len(variants)


def _stock_and_min_order(catalog: Catalog, units: Counter[str]) -> bool:
    for product in catalog.products:
        used = units.get(product.sku, 0)
        if used > product.stock or 0 < used < product.min_order:
            return False
    return all(units.get(p.id, 0) <= p.stock for p in catalog.packaging)


def is_quote(
    catalog: Catalog,
    request: Request,
    fills: dict[str, list[tuple[tuple[str, dict[str, int]], int]]],
) -> bool:
    """Whether ``fills`` (tier name -> (packaging, {sku: qty}) parcels with their
    counts) is a valid quote: every parcel valid for its tier, the tier's
    parcels all served in at most ``max_variants`` variants within the price
    spread, stock and min_order over the whole quote."""
    fees = request.fees.per_parcel
    units: Counter[str] = Counter()
    for tier in request.tiers:
        rules = effective_rules(request, tier)
        valid = {
            (package, frozenset(items))
            for package, items in compositions(catalog, rules, tier.budget, fees)
        }
        fill = fills.get(tier.name, [])
        if sum(count for _, count in fill) != tier.parcels or len(fill) > rules.max_variants:
            return False
        prices = []
        for (package, contents), count in fill:
            items = tuple((sku, qty) for sku, qty in contents.items() if qty > 0)
            if count < 1 or (package, frozenset(items)) not in valid:
                return False
            prices.append(price_of(catalog, (package, items), fees))
            units[package] += count
            for sku, qty in items:
                units[sku] += qty * count
        if max(prices) > (1 + Fraction(rules.variant_price_spread)) * min(prices):
            return False
    return _stock_and_min_order(catalog, units)
