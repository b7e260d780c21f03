"""Season-plan benchmark instances: generated Karawang-like seasons at four sizes.

Write one instance with::

    .venv/bin/python benchmarks/season_instances.py L --seed 0 --out /tmp/season-L

which writes ``catalog.json`` and ``requests.json`` (FORMAT.md documents, by
`parcelkit.io.save_catalog` and `parcelkit.io.save_requests`) and prints a
one-line summary. The requests' list order is their arrival order.

The sizes follow issue 4 ("Benchmark"): S has 50 requests, M 300, L the whole
Karawang program of DOMAIN.md (1,000 requests, about 300,000 parcels) and XL
5,000 requests from 1,000 producers. An instance is built like the shipped
sample season (``scripts/make_karawang.py``, whose pieces it reuses):

* **Producers** are drawn per product group (snacks, cookie jars, syrups,
  coffee, tea, dates, staples, sarung, batik, crafts, bandeng) in the sample's
  proportions, each selling one to three of the sample's products of its
  group, with prices, packs, shelf lives, certificates and P-IRT numbers made
  by the sample's `build_catalog`. About 6 % of food producers have no halal
  certificate yet; sarung, batik and crafts are not food. Two craft producers
  make the bamboo and water-hyacinth baskets.
* **Requests** are drawn by the sample's `draw_request` (tiers staff /
  supervisor / manager with budgets Rp 150.000-1.000.000, request rules with
  halal_only by default, category ranges, sometimes ``max_items_per_producer``,
  fees and preferences); only parcel counts are scaled so the season's total
  lands near the size's target. A draw is kept when every tier passes fast
  necessary checks: each category it names has usable products from at least
  three producers, its cheapest parcel fits the budget and its dearest reaches
  ``min_budget_use`` of it (the bounds of ``tests/test_data.py``). The sample
  proves each request feasible with CP-SAT; that is too slow for 5,000
  requests, so here feasibility is likely, not proven.
* **A few requests cannot be served** (2 %, at least one): their staff tier
  has a budget of Rp 100.000, too small for the cheapest parcel their rules
  allow (`priced_out` says so), so a planner's unserved path is exercised.
* **Stock is tight**: product stock is scaled so that demand in product units
  (the budget-first estimate of ``tests/test_data.py``) is 70 % of the
  catalog's stock. Packaging stock is set so that each package could cover
  its share of the parcels that may use it with 30 % to spare.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from parcelkit.io import save_catalog, save_requests
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

SAMPLE_GENERATOR = Path(__file__).resolve().parent.parent / "scripts" / "make_karawang.py"


def _load_sample_generator() -> ModuleType:
    """``scripts/make_karawang.py`` as a module (it is a script, not part of the package)."""
    name = "make_karawang"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SAMPLE_GENERATOR)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SAMPLE_GENERATOR}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


mk = _load_sample_generator()


@dataclass(frozen=True)
class Size:
    """How big an instance is: requests, producers, skus and the parcels it aims at."""

    name: str
    requests: int
    producers: int
    skus: int
    parcels: int
    """Total parcels the request sizes are scaled to (about 300 per request)."""


SIZES: dict[str, Size] = {
    "S": Size("S", requests=50, producers=75, skus=105, parcels=15_000),
    "M": Size("M", requests=300, producers=100, skus=150, parcels=90_000),
    "L": Size("L", requests=1_000, producers=150, skus=250, parcels=300_000),
    "XL": Size("XL", requests=5_000, producers=1_000, skus=2_000, parcels=1_500_000),
}
"""Issue 4's sizes; L is the whole Karawang program (DOMAIN.md)."""

UNSERVABLE_PERCENT = 2
"""Share of requests whose staff budget is too small for any parcel (at least one)."""
UNSERVABLE_BUDGET = 100_000
LARGE_PERCENT = 4
"""Requests from large factories (1,200-3,000 parcels before scaling), as in the sample."""
SMALL_PERCENT = 9
"""Requests of 50-95 parcels, as in the sample."""
MIN_PARCELS, MAX_PARCELS = 50, 3_000
NON_HALAL_PERCENT = 6
"""Food producers still waiting for their halal certificate."""
PACKAGING_PERCENT = 70
"""Parcels that may use a package, as a percentage of its stock (at most)."""
DRAWS = 200
"""Draws per request before giving up (a sign the catalog cannot carry the rules)."""


# --- Producers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Producers that sell the same kind of goods, and how their trading names start."""

    name: str
    kinds: tuple[str, ...]
    prefixes: tuple[str, ...]
    minimum: int = 3
    """Fewest producers of the group, so a tier naming its category has three to choose from."""
    districts: tuple[str, ...] = ()
    """Where most of the group's producers work (any kecamatan when empty)."""

    @property
    def food(self) -> bool:
        """Whether the group's goods are eaten or drunk."""
        return all(mk.KINDS[kind].shelf_life is not None for kind in self.kinds)


# fmt: off
GROUPS: tuple[Group, ...] = (
    Group("snack", ("keripik", "opak"), (
        "Keripik", "Rengginang", "Opak", "Camilan", "Dapur", "Kerupuk", "Simping", "KUB")),
    Group("cookies", ("cookie_jar",), (
        "Kue Kering", "Nastar", "Toples Kue", "Dapur Kue", "Rumah Kue", "Kukis")),
    Group("syrup", ("syrup",), ("Sirup", "Sari Buah")),
    Group("coffee", ("coffee",), ("Kopi", "KUB Kopi"),
          districts=("Tegalwaru", "Pangkalan", "Ciampel")),
    Group("tea", ("tea",), ("Teh", "KUB Teh")),
    Group("dates", ("dates",), ("Kurma", "Toko Kurma")),
    Group("staples", ("oil", "sugar"), ("Toko Sembako", "Sembako", "Grosir Sembako")),
    Group("sarung", ("sarung",), ("Sarung Tenun", "Konveksi Sarung")),
    Group("batik", ("batik",), ("Batik",)),
    Group("craft", ("craft",), (
        "Anyaman Bambu", "Eceng Gondok", "Anyaman Pandan", "Kerajinan Bambu", "Kerajinan Batok"),
          districts=("Klari", "Pedes", "Tirtajaya")),
    Group("bandeng", ("bandeng",), ("Bandeng Presto",), minimum=2,
          districts=("Tempuran", "Cilamaya Kulon", "Cilamaya Wetan", "Pakisjaya")),
)
HONORIFICS = (
    "Ceu", "Bu", "Teh", "Mang", "Pak", "Abah", "Bi", "Ma", "Kang", "Neng", "Hj.", "Ibu", "Mak",
    "Bunda", "Bu Haji", "Pak Haji",
)
PEOPLE = (
    "Ani", "Enok", "Ujang", "Neneng", "Euis", "Lilis", "Omah", "Rina", "Icih", "Darso", "Popon",
    "Entin", "Yeni", "Nunung", "Asep", "Tati", "Ocid", "Iis", "Ida", "Odon", "Ratna", "Hani",
    "Edah", "Ayu", "Nengsih", "Dini", "Yayah", "Sari", "Atikah", "Entis", "Nia", "Iroh",
    "Dadang", "Yani", "Imas", "Dul", "Dewi", "Karna", "Oyo", "Oneng", "Jaja", "Mira", "Ati",
    "Ade", "Siti", "Romlah", "Rohman", "Udin", "Iyah", "Cecep", "Usep", "Elis", "Cucu", "Engkus",
    "Nining", "Aan", "Dedeh", "Otong", "Wawan", "Eti",
)
KUB_NAMES = (
    "Mekar Sari", "Mekar Wangi", "Mekar Tani", "Mekar Jaya", "Sinar Harapan", "Sri Rejeki",
    "Tunas Harapan", "Sumber Rejeki", "Karya Bersama", "Berkah Jaya", "Harapan Makmur",
    "Sauyunan", "Silih Asih", "Rukun Santosa",
)
"""Names of joint business groups (KUB), like the sample's "KUB Mekar Sari"."""
SIZES_PERCENT = (70, 80, 100, 100, 100, 100, 120, 140, 150, 180)
"""A producer's output as a percentage of an ordinary home industry's."""
BASKET_MAKERS = ("Anyaman Bambu Balebat", "Eceng Gondok Kreasi Mandiri")
"""The sample's basket makers; generated craft producers take their place."""
# fmt: on


def _group_of(maker: Any) -> str:
    kind = maker.items[0].kind
    return next(g.name for g in GROUPS if kind in g.kinds)


@cache
def item_pool(group: str) -> tuple[Any, ...]:
    """The sample's products of ``group``, one per name, in the sample's order."""
    kinds = next(g.kinds for g in GROUPS if g.name == group)
    first: dict[str, Any] = {}
    for maker in mk.MAKERS:
        for item in maker.items:
            if item.kind in kinds:
                first.setdefault(item.name, item)
    return tuple(first.values())


def group_counts(producers: int) -> dict[str, int]:
    """Producers per group: the sample's proportions (largest remainder), each at its minimum."""
    weights = {g.name: 0 for g in GROUPS}
    for maker in mk.MAKERS:
        weights[_group_of(maker)] += 1
    total = sum(weights.values())
    counts = {g.name: max(g.minimum, producers * weights[g.name] // total) for g in GROUPS}
    by_remainder = sorted(
        GROUPS, key=lambda g: (-(producers * weights[g.name] % total), -weights[g.name])
    )
    position = 0
    while sum(counts.values()) < producers:
        counts[by_remainder[position % len(GROUPS)].name] += 1
        position += 1
    while sum(counts.values()) > producers:
        largest = max(GROUPS, key=lambda g: counts[g.name] - g.minimum)
        counts[largest.name] -= 1
    return counts


def _trading_name(rng: random.Random, district: str, prefix: str) -> str:
    """A name like the sample's: "Rengginang Ceu Ani", "Kopi Abah Oyo", "Sirup Pala Ciampel"."""
    if prefix.startswith("KUB"):
        return f"{prefix} {rng.choice(KUB_NAMES)}"
    if rng.randrange(100) < 15:
        return f"{prefix} {district}"
    return f"{prefix} {rng.choice(HONORIFICS)} {rng.choice(PEOPLE)}"


def draw_makers(rng: random.Random, size: Size) -> list[Any]:
    """``size.producers`` makers selling ``size.skus`` products in all, grouped like the sample.

    The first two craft makers are the basket makers (bamboo, water hyacinth).
    Staples makers sell cooking oil and sugar, like the sample's; the other
    makers start with one product and the remaining skus go to makers drawn
    at random, up to three products each.
    """
    plans: list[tuple[Group, list[Any], str, str]] = []
    names: set[str] = set()
    for group in GROUPS:
        pool = item_pool(group.name)
        for index in range(group_counts(size.producers)[group.name]):
            if group.districts and rng.randrange(100) < 70:
                district = rng.choice(group.districts)
            else:
                district = rng.choice(mk.KECAMATAN)
            prefix = rng.choice(group.prefixes)
            if group.name == "craft" and index < len(BASKET_MAKERS):
                prefix = ("Anyaman Bambu", "Eceng Gondok")[index]
            name = _trading_name(rng, district, prefix)
            tries = 0
            while name in names:  # names are unique; a place is added when they run out
                tries += 1
                name = _trading_name(rng, rng.choice(mk.KECAMATAN), prefix)
                if tries > 20:
                    name = f"{name} {rng.choice(mk.KECAMATAN)}"
            names.add(name)
            items = list(pool) if group.name == "staples" else [rng.choice(pool)]
            plans.append((group, items, name, district))
    extra = size.skus - sum(len(items) for _, items, _, _ in plans)
    if extra < 0:
        raise ValueError(f"{size.name}: {size.skus} skus are too few for {size.producers} makers")
    for _ in range(extra):
        open_plans = [p for p in plans if len(p[1]) < min(3, len(item_pool(p[0].name)))]
        if not open_plans:
            raise ValueError(f"{size.name}: {size.skus} skus are too many for the item pools")
        group, items, _, _ = rng.choice(open_plans)
        items.append(rng.choice([i for i in item_pool(group.name) if i not in items]))
    makers = []
    for group, items, name, district in plans:
        grade = rng.choice(SIZES_PERCENT)
        halal = not (
            group.food and group.name != "staples" and rng.randrange(100) < NON_HALAL_PERCENT
        )
        bpom = "oil" if group.name == "staples" else ""
        if group.food and grade >= 180 and rng.randrange(2):
            bpom = "all"
        makers.append(
            mk.Maker(
                name=name,
                district=district,
                items=tuple(items),
                size=grade,
                halal=halal,
                bpom=bpom,
                sni=group.name == "staples",
            )
        )
    return makers


def basket_wraps(makers: Sequence[Any]) -> tuple[Any, ...]:
    """The sample's packaging, its baskets made by the generated basket makers."""
    crafts = [m.name for m in makers if _group_of(m) == "craft"]
    replace = dict(zip(BASKET_MAKERS, crafts, strict=False))
    return tuple(dataclasses.replace(w, maker=replace[w.maker]) if w.maker else w for w in mk.WRAPS)


# --- What tiers may use, cached per catalog -------------------------------------------


Eligibility = tuple[bool, tuple[str, ...], int | None]
"""What decides which products a tier may use: halal_only, exclude_tags, min_shelf_life_days."""


def eligibility(rules: EffectiveRules) -> Eligibility:
    """The part of ``rules`` that decides which products a tier may use."""
    return (rules.halal_only, rules.exclude_tags, rules.min_shelf_life_days)


class Shelf:
    """One catalog seen through tiers' rules, with what thousands of tiers share cached.

    The figures are the sample generator's (`items_estimate`, `thin_categories`)
    and the price bounds of ``tests/test_data.py``, computed once per
    eligibility instead of once per tier, which makes XL fast.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._usable: dict[Eligibility, list[Product]] = {}
        self._makers: dict[tuple[Eligibility, str], int] = {}
        self._median: dict[Eligibility, int] = {}
        self._units: dict[tuple[Eligibility, int], list[Product]] = {}
        self._by_category: dict[tuple[Eligibility, int], dict[str, list[int]]] = {}

    def usable(self, rules: EffectiveRules) -> list[Product]:
        """Products ``rules`` allow, cheapest first (ties by sku)."""
        key = eligibility(rules)
        if key not in self._usable:
            allowed = [p for p in self.catalog.products if mk.may_use(p, rules)]
            self._usable[key] = sorted(allowed, key=lambda p: (p.price, p.sku))
        return self._usable[key]

    def makers(self, rules: EffectiveRules, category: str) -> int:
        """Producers with a product of ``category`` that ``rules`` allow."""
        key = (eligibility(rules), category)
        if key not in self._makers:
            producers = {p.producer_id for p in self.usable(rules) if p.category == category}
            self._makers[key] = len(producers)
        return self._makers[key]

    def packaging_prices(self, rules: EffectiveRules) -> list[int]:
        """Prices of the packaging ``rules`` allow."""
        return [k.price for k in mk.allowed_packaging(self.catalog, rules)]

    def items(self, request: Request, tier: Tier, rules: EffectiveRules) -> int:
        """Product units a parcel of ``tier`` holds: the sample's `items_estimate`, cached."""
        key = eligibility(rules)
        if key not in self._median:
            self._median[key] = statistics.median_low([p.price for p in self.usable(rules)])
        median = self._median[key]
        room = tier.budget - request.fees.per_parcel - min(self.packaging_prices(rules))
        estimate = (2 * room + median) // (2 * median)
        return max(rules.min_items, min(rules.max_items, estimate))

    def _unit_lists(self, rules: EffectiveRules) -> tuple[list[Product], dict[str, list[int]]]:
        key = (eligibility(rules), rules.max_same_product)
        if key not in self._units:
            units = [p for p in self.usable(rules) for _ in range(rules.max_same_product)]
            by_category: dict[str, list[int]] = {}
            for unit in units:
                by_category.setdefault(unit.category, []).append(unit.price)
            self._units[key] = units
            self._by_category[key] = by_category
        return self._units[key], self._by_category[key]

    def price_bounds(self, request: Request, tier: Tier, rules: EffectiveRules) -> tuple[int, int]:
        """The cheapest and dearest parcel of ``tier`` by price bounds alone, fees included.

        Cheapest: the category minimums and then ``min_items`` with the cheapest
        units (``max_same_product`` of each sku) and packaging; dearest:
        ``max_items`` of the dearest units the category maxima allow, in the
        dearest packaging. Other rules are ignored, so these are bounds: a
        tier whose cheapest parcel is over budget cannot be served at all.
        """
        units, by_category = self._unit_lists(rules)
        packaging = self.packaging_prices(rules)
        fees = request.fees.per_parcel
        lowest = min(packaging) + fees
        skip: dict[str, int] = {}
        for category, (low, _) in sorted(rules.categories.items()):
            prices = by_category.get(category, [])[:low]
            if len(prices) < low:
                lowest = sys.maxsize
            lowest += sum(prices)
            skip[category] = low
        need = rules.min_items - sum(skip.values())
        for unit in units:
            if need <= 0:
                break
            if skip.get(unit.category, 0) > 0:
                skip[unit.category] -= 1
                continue
            lowest += unit.price
            need -= 1
        highest = max(packaging) + fees
        taken: dict[str, int] = {}
        count = 0
        for unit in reversed(units):
            if count == rules.max_items:
                break
            cap = rules.categories.get(unit.category, (0, rules.max_items))[1]
            if taken.get(unit.category, 0) < cap:
                taken[unit.category] = taken.get(unit.category, 0) + 1
                highest += unit.price
                count += 1
        return lowest, highest

    def thin(self, request: Request) -> list[str]:
        """Categories a tier names with usable products from fewer than three producers."""
        return [
            f"{request.id}/{tier.name}: {category}"
            for tier in request.tiers
            for rules in [effective_rules(request, tier)]
            for category, (_, high) in sorted(rules.categories.items())
            if high > 0 and self.makers(rules, category) < mk.MIN_PRODUCERS_PER_CATEGORY
        ]

    def priced_out(self, request: Request) -> list[str]:
        """Tiers whose cheapest parcel costs more than their budget (they cannot be served)."""
        out = []
        for tier in request.tiers:
            lowest, _ = self.price_bounds(request, tier, effective_rules(request, tier))
            if lowest > tier.budget:
                out.append(tier.name)
        return out

    def underpriced(self, request: Request) -> list[str]:
        """Tiers whose dearest parcel stays under ``min_budget_use`` of their budget."""
        out = []
        for tier in request.tiers:
            rules = effective_rules(request, tier)
            _, highest = self.price_bounds(request, tier, rules)
            share, whole = rules.min_budget_use.as_integer_ratio()
            if whole * highest < share * tier.budget:
                out.append(tier.name)
        return out

    def demand(self, requests: Sequence[Request]) -> int:
        """Demand in product units: parcels x `items`, summed over every request's tiers."""
        return sum(
            tier.parcels * self.items(request, tier, effective_rules(request, tier))
            for request in requests
            for tier in request.tiers
        )


# --- Requests -------------------------------------------------------------------------


def request_sizes(rng: random.Random, size: Size) -> list[int]:
    """Parcels per request in arrival order, shaped like the sample's, summing to about the target.

    A few large factories, a few small ones, most ordering 100-600 (before
    scaling); every count is then scaled by one factor, rounded to fives and
    kept within 50-3,000.
    """
    count = size.requests
    sizes = [rng.randrange(1_200, 3_001, 100) for _ in range(count * LARGE_PERCENT // 100)]
    sizes += [rng.randrange(50, 100, 5) for _ in range(count * SMALL_PERCENT // 100)]
    while len(sizes) < count:
        sizes.append(round(rng.triangular(100, 600, 120) / 10) * 10)
    factor = size.parcels / sum(sizes)
    scaled = [min(MAX_PARCELS, max(MIN_PARCELS, round(s * factor / 5) * 5)) for s in sizes]
    rng.shuffle(scaled)
    return scaled


def companies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (name, industry) pairs: one-word names first, then two-word ones."""
    single = [(n, i) for n in mk.COMPANY_NAMES for i in mk.INDUSTRIES]
    if count <= len(single):
        return list(rng.sample(single, count))
    double = [
        (f"{a} {b}", i)
        for a in mk.COMPANY_NAMES
        for b in mk.COMPANY_NAMES
        if a != b
        for i in mk.INDUSTRIES
    ]
    return rng.sample(single, len(single)) + rng.sample(double, count - len(single))


def with_small_staff_budget(request: Request) -> Request:
    """``request`` with its first tier (staff) given `UNSERVABLE_BUDGET`."""
    first, *rest = request.tiers
    small = first.model_copy(update={"budget": UNSERVABLE_BUDGET})
    return request.model_copy(update={"tiers": (small, *rest)})


def draw_requests(
    rng: random.Random, size: Size, catalog: Catalog, shelf: Shelf
) -> tuple[list[Request], int]:
    """The season's requests in arrival order, and how many draws were rejected.

    Each request is drawn by the sample's `draw_request` until it passes
    `Shelf`'s checks; the few meant to be unservable get a staff budget too
    small for their rules and are kept only when `Shelf.priced_out` says so.
    """
    count = size.requests
    unservable = set(rng.sample(range(count), max(1, count * UNSERVABLE_PERCENT // 100)))
    sizes = request_sizes(rng, size)
    requests: list[Request] = []
    rejected = 0
    for index, (company, parcels) in enumerate(zip(companies(rng, count), sizes, strict=True)):
        for _ in range(DRAWS):
            request = mk.draw_request(rng, index + 1, company, parcels, catalog)
            if index in unservable:
                request = with_small_staff_budget(request)
                ok = not shelf.thin(request) and shelf.priced_out(request) == ["staff"]
            else:
                ok = not (
                    shelf.thin(request) or shelf.priced_out(request) or shelf.underpriced(request)
                )
            if ok:
                break
            rejected += 1
        else:
            raise RuntimeError(f"{size.name}: no acceptable draw for request {index + 1}")
        requests.append(request)
    return requests, rejected


# --- Stock and the whole instance -----------------------------------------------------


def with_packaging_stock(catalog: Catalog, requests: Sequence[Request]) -> Catalog:
    """``catalog`` with packaging stock sized to the season's parcels.

    Each tier's parcels are spread over the packaging its rules allow, in
    proportion to the sample's stock of each; a package's stock is then what
    it was given divided by `PACKAGING_PERCENT`, rounded up to hundreds.
    """
    base = {k.id: k.stock for k in catalog.packaging}
    need = dict.fromkeys(base, 0)
    for request in requests:
        for tier in request.tiers:
            allowed = [k.id for k in mk.allowed_packaging(catalog, effective_rules(request, tier))]
            weight = sum(base[k] for k in allowed)
            for package in allowed:
                need[package] += -(-tier.parcels * base[package] // weight)
    packaging = tuple(
        k.model_copy(
            update={"stock": max(100, -(-need[k.id] * 100 // PACKAGING_PERCENT // 100) * 100)}
        )
        for k in catalog.packaging
    )
    return catalog.model_copy(update={"packaging": packaging})


def instance_problems(catalog: Catalog, requests: Sequence[Request]) -> list[str]:
    """What makes an instance invalid: the models' cross checks, and any off demand ratio."""
    problems = [
        str(p) for p in catalog_problems(catalog.producers, catalog.products, catalog.packaging)
    ]
    problems += [str(p) for p in requests_problems(requests, catalog)]
    ratio = demand_ratio(catalog, requests)
    low, high = mk.DEMAND_PERCENT_RANGE
    if not low <= 100 * ratio <= high:
        problems.append(f"demand is {100 * ratio:.1f} % of stock, not {low}-{high} %")
    return problems


def demand_ratio(catalog: Catalog, requests: Sequence[Request]) -> float:
    """Demand in product units (see the module docstring) over total product stock."""
    return Shelf(catalog).demand(requests) / sum(p.stock for p in catalog.products)


def seed_text(size: str, seed: int, part: str) -> str:
    """The seed of one random stream; text seeds hash the same in every run."""
    return f"parcelkit-season-{size}-{seed}-{part}"


def make_instance(size: str, seed: int = 0) -> tuple[Catalog, list[Request]]:
    """A season of ``size`` (S, M, L or XL), the same for the same ``seed``.

    Raises `ValueError` for an unknown size and `RuntimeError` when the drawn
    season does not hold together (which the tests rule out for S and M).
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: one of {', '.join(SIZES)}")
    spec = SIZES[size]
    makers = draw_makers(random.Random(seed_text(size, seed, "makers")), spec)
    catalog, base = mk.build_catalog(
        random.Random(seed_text(size, seed, "catalog")), makers, basket_wraps(makers)
    )
    shelf = Shelf(catalog)
    requests, _ = draw_requests(
        random.Random(seed_text(size, seed, "requests")), spec, catalog, shelf
    )
    catalog = mk.scale_stock(catalog, base, shelf.demand(requests))
    catalog = with_packaging_stock(catalog, requests)
    problems = instance_problems(catalog, requests)
    if problems:
        raise RuntimeError(f"{size} seed {seed} does not hold together:\n" + "\n".join(problems))
    return catalog, requests


def summary(catalog: Catalog, requests: Sequence[Request]) -> str:
    """One line: producers, skus, requests, tiers, parcels, priced-out requests, demand/stock."""
    shelf = Shelf(catalog)
    tiers = [t for r in requests for t in r.tiers]
    unservable = sum(1 for r in requests if shelf.priced_out(r))
    return (
        f"{len(catalog.producers)} producers, {len(catalog.products)} skus, "
        f"{len(catalog.packaging)} packaging; {len(requests)} requests "
        f"({unservable} priced out), {len(tiers)} tiers, "
        f"{sum(t.parcels for t in tiers):,} parcels; "
        f"demand/stock {demand_ratio(catalog, requests):.3f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Generate one instance, print its summary and write it if ``--out`` is given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("size", choices=list(SIZES), help="instance size")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, help="folder for catalog.json and requests.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    catalog, requests = make_instance(args.size, args.seed)
    elapsed = time.perf_counter() - started
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        save_catalog(catalog, args.out / "catalog.json")
        save_requests(requests, args.out / "requests.json")
    print(
        f"{args.size} seed {args.seed}: {summary(catalog, requests)}; generated in {elapsed:.2f} s"
    )


if __name__ == "__main__":
    main()
