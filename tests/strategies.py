"""Hypothesis strategies for small, valid catalogs and requests.

Everything drawn here passes the models' validation: ids are unique,
references resolve, food has a shelf life, the categories and packaging a
request names exist in its catalog, and every tier's effective ``min_items``
is at most its ``max_items`` (``min_items`` is drawn from 0..4 and
``max_items`` from 4..15, so any mix of given and default values agrees).
Free-text names sometimes hold commas, semicolons and quotes, so that CSV
quoting is exercised; list items (tags, certifications) never hold commas,
since a list cell could not carry them.

Use ``catalogs()`` for a catalog and ``requests_for(catalog)`` for a season
of requests against it, e.g. ``data.draw(requests_for(catalog))``.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from parcelkit.models import (
    Catalog,
    Fees,
    Packaging,
    Preferences,
    Producer,
    Product,
    Request,
    Rules,
    Tier,
)

CATEGORIES = ("beverage", "cookies", "snack", "coffee", "fashion", "craft")
TAGS = ("contains-nuts", "contains-egg", "sugar-free", "local-icon")
CERTIFICATIONS = ("halal", "pirt", "bpom", "sni", "iso-22000")
DISTRICTS = ("", "Klari", "Cikampek", "Rengasdengklok", "Telukjambe Barat")
TIER_NAMES = ("staff", "manager", "direksi", "all", "kontrak")
SEASONS = ("", "Lebaran 2027", 'Lebaran 2027 (Karawang; "uji", coba)')

TRICKY_NAMES = (
    'Kue "Bu Ani", Klari; 250 g',
    "Kopi 'Abah'; robusta, 200 g",
    'Dodol, wajik; "ketan"',
    "=1+1 Kue lapis",
    "Keripik tempe",
    "Sirup kawista 460 ml",
)
"""Names that trip naive CSV or spreadsheet writers: quotes, separators, a leading '='."""

_NAME_ALPHABET = string.ascii_letters + string.digits + " ,;'\"-.()/&éñ"


def names() -> st.SearchStrategy[str]:
    """Free text for names: tricky samples or short random text that is not blank."""
    random_text = st.text(alphabet=_NAME_ALPHABET, min_size=1, max_size=16).filter(
        lambda text: bool(text.strip())
    )
    return st.one_of(st.sampled_from(TRICKY_NAMES), random_text)


def _words(pool: tuple[str, ...], max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(pool), unique=True, max_size=max_size).map(tuple)


def shares(maximum: int = 100) -> st.SearchStrategy[Decimal]:
    """Exact decimal shares in hundredths or thousandths, up to ``maximum`` hundredths."""
    return st.one_of(
        st.integers(0, maximum).map(lambda n: Decimal(n) / 100),
        st.integers(0, maximum * 10).map(lambda n: Decimal(n) / 1000),
    )


_PERMITS = st.none() | st.sampled_from(
    ("ID32110000123450324", "2063215010072-29", "MD 215312001234", "4153215080051")
)


@st.composite
def products(draw: st.DrawFn, sku: str, producer_ids: tuple[str, ...]) -> Product:
    """One valid product called ``sku`` from one of ``producer_ids``."""
    food = draw(st.booleans())
    shelf_life = st.integers(1, 730)
    return Product(
        sku=sku,
        producer_id=draw(st.sampled_from(producer_ids)),
        name=draw(names()),
        category=draw(st.sampled_from(CATEGORIES)),
        price=draw(st.integers(1_000, 300_000)),
        stock=draw(st.integers(0, 2_000)),
        min_order=draw(st.integers(1, 24)),
        halal=draw(st.booleans()),
        halal_cert=draw(_PERMITS),
        pirt=draw(_PERMITS),
        bpom=draw(_PERMITS),
        food=food,
        weight_g=draw(st.integers(1, 5_000)),
        volume_ml=draw(st.integers(1, 5_000)),
        shelf_life_days=draw(shelf_life if food else st.none() | shelf_life),
        tags=draw(_words(TAGS, 2)),
    )


@st.composite
def catalogs(
    draw: st.DrawFn, max_producers: int = 4, max_products: int = 8, max_packaging: int = 3
) -> Catalog:
    """A small valid catalog: 1..max producers, 0..max products and packaging options."""
    producers = [
        Producer(
            id=f"P{index:02d}",
            name=draw(names()),
            district=draw(st.sampled_from(DISTRICTS)),
            certifications=draw(_words(CERTIFICATIONS)),
        )
        for index in range(1, draw(st.integers(1, max_producers)) + 1)
    ]
    producer_ids = tuple(p.id for p in producers)
    count = draw(st.integers(0, max_products))
    items = [draw(products(f"SKU-{index:03d}", producer_ids)) for index in range(1, count + 1)]
    packaging = [
        Packaging(
            id=f"PKG-{index}",
            name=draw(names()),
            price=draw(st.integers(1_000, 50_000)),
            capacity_ml=draw(st.integers(1_000, 20_000)),
            max_weight_g=draw(st.integers(1_000, 15_000)),
            stock=draw(st.integers(0, 5_000)),
            producer_id=draw(st.none() | st.sampled_from(producer_ids)),
        )
        for index in range(1, draw(st.integers(0, max_packaging)) + 1)
    ]
    return Catalog(
        season=draw(st.sampled_from(SEASONS)),
        producers=tuple(producers),
        products=tuple(items),
        packaging=tuple(packaging),
    )


@st.composite
def rules_for(draw: st.DrawFn, catalog: Catalog) -> Rules:
    """Rules giving a random subset of the rules, referring only to what ``catalog`` has."""
    ranges = st.tuples(st.integers(0, 2), st.integers(0, 2)).map(lambda pair: tuple(sorted(pair)))
    categories = (
        st.dictionaries(st.sampled_from(catalog.categories), ranges, max_size=3)
        if catalog.categories
        else st.just({})
    )
    candidates: dict[str, st.SearchStrategy[Any]] = {
        "min_items": st.integers(0, 4),
        "max_items": st.integers(4, 15),
        "categories": categories,
        "halal_only": st.booleans(),
        "exclude_tags": _words(TAGS, 2),
        "max_same_product": st.integers(1, 3),
        "max_items_per_producer": st.integers(1, 5),
        "max_variants": st.integers(1, 4),
        "variant_price_spread": shares(50),
        "min_budget_use": shares(100),
        "min_shelf_life_days": st.integers(0, 120),
    }
    if catalog.packaging:
        ids = [p.id for p in catalog.packaging]
        candidates["packaging"] = st.lists(
            st.sampled_from(ids), unique=True, min_size=1, max_size=len(ids)
        ).map(tuple)
    chosen = draw(st.lists(st.sampled_from(sorted(candidates)), unique=True, max_size=6))
    return Rules(**{name: draw(candidates[name]) for name in chosen})


@st.composite
def preferences_for(draw: st.DrawFn, catalog: Catalog) -> Preferences:
    """Likes and dislikes of categories and skus that ``catalog`` has."""
    weights = st.integers(-3, 3)
    skus = [p.sku for p in catalog.products]
    return Preferences(
        categories=draw(
            st.dictionaries(st.sampled_from(catalog.categories), weights, max_size=2)
            if catalog.categories
            else st.just({})
        ),
        skus=draw(
            st.dictionaries(st.sampled_from(skus), weights, max_size=2) if skus else st.just({})
        ),
    )


@st.composite
def request_for(draw: st.DrawFn, catalog: Catalog, request_id: str = "REQ-0001") -> Request:
    """One valid request against ``catalog``, with one to three tiers."""
    tier_names = draw(st.lists(st.sampled_from(TIER_NAMES), min_size=1, max_size=3, unique=True))
    tiers = tuple(
        Tier(
            name=name,
            parcels=draw(st.integers(1, 500)),
            budget=draw(st.integers(50, 1_000)) * 1_000,
            rules=draw(st.just(Rules()) | rules_for(catalog)),
        )
        for name in tier_names
    )
    fee = st.sampled_from((0, 2_500, 5_000))
    return Request(
        id=request_id,
        company=draw(names()),
        koperasi=draw(st.just("") | names()),
        delivery_date=draw(st.none() | st.dates(dt.date(2027, 1, 1), dt.date(2027, 12, 31))),
        tiers=tiers,
        rules=draw(rules_for(catalog)),
        fees=Fees(assembly=draw(fee), koperasi=draw(fee)),
        preferences=draw(preferences_for(catalog)),
    )


@st.composite
def requests_for(
    draw: st.DrawFn, catalog: Catalog, min_size: int = 1, max_size: int = 3
) -> tuple[Request, ...]:
    """A season of valid requests against ``catalog``, ids ``REQ-0001``, ``REQ-0002``, ..."""
    count = draw(st.integers(min_size, max_size))
    return tuple(draw(request_for(catalog, f"REQ-{index:04d}")) for index in range(1, count + 1))


@st.composite
def seasons(draw: st.DrawFn) -> tuple[Catalog, tuple[Request, ...]]:
    """A catalog and a season of requests against it."""
    catalog = draw(catalogs())
    return catalog, draw(requests_for(catalog))
