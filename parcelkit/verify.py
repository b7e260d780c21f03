"""The independent checker: does a quote or a plan obey every rule of FORMAT.md?

Every result the solver returns passes through `check_quote` or `check_plan`,
and ``parcelkit verify`` runs them on files. The checker is written from
FORMAT.md alone and imports nothing but the domain models, so a bug in the
solver cannot hide behind shared code: it recomputes prices, totals, stock use,
producer figures and fairness metrics itself.

Rule comparisons are exact: money is an integer of rupiah and shares
(``min_budget_use``, ``variant_price_spread``, ``max_share``) are compared as
`fractions.Fraction`, never as binary floats (``1.15 * 100000`` is below
``115000`` in floats). Only the ratios a result stores as JSON floats
(utilization and the fairness metrics) are compared with a tolerance.

A check never raises on a bad result: it returns the list of `Violation`
records, empty when the result is valid.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from parcelkit.models import (
    DEFAULT_RULES,
    Catalog,
    EffectiveRules,
    Packaging,
    Product,
    Quote,
    Request,
    SeasonPlan,
    Stage,
    Status,
    Tier,
    TierQuote,
    Variant,
    effective_rules,
)
from parcelkit.models.money import rupiah as _rp

__all__ = [
    "FAIRNESS_POLICIES",
    "GAP_TOLERANCE",
    "RATIO_TOLERANCE",
    "Violation",
    "check_plan",
    "check_quote",
]

RATIO_TOLERANCE = 1e-3
"""Absolute tolerance for ratios stored as JSON floats (utilization, fairness metrics)."""

GAP_TOLERANCE = 1e-6
"""Largest gap, and relative objective-bound distance, of a stage of an optimal result."""

FAIRNESS_POLICIES = ("maxmin_share", "proportional", "none")
"""The fairness policies of FORMAT.md's plan options."""

_SERVED = (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Violation:
    """One broken rule of FORMAT.md, and where in the result it is broken.

    Attributes
    ----------
    rule
        A stable machine key: a rule name of FORMAT.md (``budget``,
        ``max_same_product``, ...) or a recomputed figure (``price``, ``total``,
        ``producers``, ``fairness``, ...).
    message
        What is wrong, with the numbers, in words a planner understands.
    request_id, tier, variant, sku, producer_id
        The place, as far as it applies; ``variant`` is the 0-based index of the
        variant within its tier.
    """

    rule: str
    message: str
    request_id: str | None = None
    tier: str | None = None
    variant: int | None = None
    sku: str | None = None
    producer_id: str | None = None

    def place(self) -> str:
        """The location as one phrase, e.g. ``REQ-0001 / tier staff / variants[0]``."""
        parts: list[str] = []
        if self.request_id is not None:
            parts.append(self.request_id)
        if self.tier is not None:
            parts.append(f"tier {self.tier}")
        if self.variant is not None:
            parts.append(f"variants[{self.variant}]")
        if self.sku is not None:
            parts.append(f"sku {self.sku}")
        if self.producer_id is not None:
            parts.append(f"producer {self.producer_id}")
        return " / ".join(parts)

    def __str__(self) -> str:
        place = self.place()
        text = f"[{self.rule}] {self.message}"
        return f"{place}: {text}" if place else text


@dataclass(frozen=True)
class _Where:
    """Where a check is looking; `at` turns a finding there into a `Violation`."""

    request_id: str | None = None
    tier: str | None = None
    variant: int | None = None

    def at(
        self, rule: str, message: str, *, sku: str | None = None, producer_id: str | None = None
    ) -> Violation:
        return Violation(
            rule=rule,
            message=message,
            request_id=self.request_id,
            tier=self.tier,
            variant=self.variant,
            sku=sku,
            producer_id=producer_id,
        )


@dataclass(frozen=True)
class _Index:
    """The catalog's records by id.

    Built here rather than taken from the catalog's cached lookups, which a
    ``model_copy(update=...)`` of the catalog would carry over stale.
    """

    products: Mapping[str, Product]
    packaging: Mapping[str, Packaging]
    producers: tuple[str, ...]

    @classmethod
    def of(cls, catalog: Catalog) -> _Index:
        return cls(
            products={p.sku: p for p in catalog.products},
            packaging={p.id: p for p in catalog.packaging},
            producers=tuple(p.id for p in catalog.producers),
        )


# --------------------------------------------------------------------------- numbers


def _share(value: Decimal | Fraction | float | int) -> Fraction:
    """A share as an exact fraction; a stray float is read as the decimal it prints as."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def _true_price(index: _Index, variant: Variant, fees: int) -> int | None:
    """Per-parcel price from the catalog (items, packaging, fees); None if an id is unknown."""
    packaging = index.packaging.get(variant.packaging)
    if packaging is None or any(item.sku not in index.products for item in variant.items):
        return None
    items = sum(item.qty * index.products[item.sku].price for item in variant.items)
    return items + packaging.price + fees


def _parcel_price(index: _Index, variant: Variant, fees: int) -> int:
    """The price the parcel really has; the stated one when it cannot be recomputed."""
    price = _true_price(index, variant, fees)
    return variant.price if price is None else price


# --------------------------------------------------------------------------- one parcel


@dataclass(frozen=True)
class _Parcel:
    """One variant of a tier, with what the rule checks need resolved once."""

    where: _Where
    variant: Variant
    rules: EffectiveRules
    budget: int
    lines: tuple[tuple[Product, int], ...]
    """The items whose sku the catalog knows, as (product, qty)."""
    packaging: Packaging | None
    true_price: int | None
    price: int
    """The true price, or the stated one when it cannot be recomputed."""

    def units_by(self, key: Callable[[Product], str]) -> Counter[str]:
        """Product units of this parcel grouped by ``key`` (sku, category, producer)."""
        counts: Counter[str] = Counter()
        for product, qty in self.lines:
            counts[key(product)] += qty
        return counts


def _parcel(
    index: _Index, where: _Where, variant: Variant, rules: EffectiveRules, budget: int, fees: int
) -> _Parcel:
    true_price = _true_price(index, variant, fees)
    return _Parcel(
        where=where,
        variant=variant,
        rules=rules,
        budget=budget,
        lines=tuple(
            (index.products[item.sku], item.qty)
            for item in variant.items
            if item.sku in index.products
        ),
        packaging=index.packaging.get(variant.packaging),
        true_price=true_price,
        price=variant.price if true_price is None else true_price,
    )


_ParcelCheck = Callable[[_Index, _Parcel], Iterator[Violation]]


def _check_items(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """Every item names a known sku once, with a positive qty at the catalog price."""
    seen: set[str] = set()
    for item in parcel.variant.items:
        product = index.products.get(item.sku)
        if product is None:
            yield parcel.where.at(
                "unknown_sku", f"sku {item.sku!r} is not in the catalog", sku=item.sku
            )
        elif item.unit_price != product.price:
            yield parcel.where.at(
                "unit_price",
                f"unit_price {_rp(item.unit_price)} differs from the catalog price "
                f"{_rp(product.price)}",
                sku=item.sku,
            )
        if item.qty <= 0:
            yield parcel.where.at("qty", f"qty {item.qty} is not positive", sku=item.sku)
        if item.sku in seen:
            yield parcel.where.at(
                "duplicate_sku", "the sku is listed more than once in the variant", sku=item.sku
            )
        seen.add(item.sku)


def _check_packaging_known(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """The parcel's one packaging is in the catalog."""
    if parcel.packaging is None:
        yield parcel.where.at(
            "packaging", f"packaging {parcel.variant.packaging!r} is not in the catalog"
        )


def _check_price(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """The stated price is items + packaging + assembly and koperasi fees."""
    if parcel.true_price is not None and parcel.true_price != parcel.variant.price:
        yield parcel.where.at(
            "price",
            f"price {_rp(parcel.variant.price)} should be {_rp(parcel.true_price)} "
            "(items + packaging + fees)",
        )


def _check_item_count(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """min_items <= product units <= max_items; a qty of 2 counts 2, packaging counts 0."""
    units = sum(item.qty for item in parcel.variant.items)
    if units < parcel.rules.min_items:
        yield parcel.where.at(
            "min_items", f"{units} product units, fewer than min_items {parcel.rules.min_items}"
        )
    if units > parcel.rules.max_items:
        yield parcel.where.at(
            "max_items", f"{units} product units, more than max_items {parcel.rules.max_items}"
        )


def _check_categories(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """Each category the rules name has between its min and max product units."""
    units = parcel.units_by(lambda p: p.category)
    for category, (low, high) in sorted(parcel.rules.categories.items()):
        if not low <= units[category] <= high:
            yield parcel.where.at(
                "categories",
                f"{units[category]} units of category {category!r}, outside [{low}, {high}]",
            )


def _check_halal(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """With halal_only, every food product is halal; goods that are not food are exempt."""
    if not parcel.rules.halal_only:
        return
    for product, _qty in parcel.lines:
        if product.food and not product.halal:
            yield parcel.where.at(
                "halal_only",
                f"{product.name!r} is food without a halal certificate",
                sku=product.sku,
                producer_id=product.producer_id,
            )


def _check_tags(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """No product carries an excluded tag."""
    excluded = set(parcel.rules.exclude_tags)
    for product, _qty in parcel.lines:
        hits = sorted(excluded.intersection(product.tags))
        if hits:
            yield parcel.where.at(
                "exclude_tags",
                f"{product.name!r} carries excluded tag(s) {', '.join(hits)}",
                sku=product.sku,
            )


def _check_same_product(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """At most max_same_product units of one sku."""
    limit = parcel.rules.max_same_product
    for sku, units in sorted(parcel.units_by(lambda p: p.sku).items()):
        if units > limit:
            yield parcel.where.at(
                "max_same_product", f"{units} units of one sku, more than {limit}", sku=sku
            )


def _check_per_producer(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """At most max_items_per_producer product units from one producer, when given."""
    limit = parcel.rules.max_items_per_producer
    if limit is None:
        return
    for producer, units in sorted(parcel.units_by(lambda p: p.producer_id).items()):
        if units > limit:
            yield parcel.where.at(
                "max_items_per_producer",
                f"{units} product units from one producer, more than {limit}",
                producer_id=producer,
            )


def _check_shelf_life(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """Products keep at least min_shelf_life_days; goods that do not spoil always pass."""
    least = parcel.rules.min_shelf_life_days
    if least is None:
        return
    for product, _qty in parcel.lines:
        if product.shelf_life_days is not None and product.shelf_life_days < least:
            yield parcel.where.at(
                "min_shelf_life_days",
                f"{product.name!r} keeps {product.shelf_life_days} days, less than {least}",
                sku=product.sku,
            )


def _check_packaging_allowed(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """The packaging is one the rules allow (any, when the rule is not given)."""
    allowed = parcel.rules.packaging
    if allowed is not None and parcel.variant.packaging not in allowed:
        yield parcel.where.at(
            "packaging",
            f"packaging {parcel.variant.packaging!r} is not allowed "
            f"(allowed: {', '.join(allowed) or 'none'})",
        )


def _check_fit(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """The items' volume and weight fit the packaging's capacity_ml and max_weight_g."""
    if parcel.packaging is None:
        return
    volume = sum(product.volume_ml * qty for product, qty in parcel.lines)
    weight = sum(product.weight_g * qty for product, qty in parcel.lines)
    if volume > parcel.packaging.capacity_ml:
        yield parcel.where.at(
            "capacity",
            f"items take {volume} ml, more than the {parcel.packaging.capacity_ml} ml "
            f"of {parcel.packaging.id}",
        )
    if weight > parcel.packaging.max_weight_g:
        yield parcel.where.at(
            "weight",
            f"items weigh {weight} g, more than the {parcel.packaging.max_weight_g} g "
            f"{parcel.packaging.id} holds",
        )


def _check_budget(index: _Index, parcel: _Parcel) -> Iterator[Violation]:
    """min_budget_use x budget <= price <= budget, compared exactly."""
    if parcel.price > parcel.budget:
        yield parcel.where.at(
            "budget", f"price {_rp(parcel.price)} is above the budget {_rp(parcel.budget)}"
        )
    share = _share(parcel.rules.min_budget_use)
    if parcel.price < share * parcel.budget:
        yield parcel.where.at(
            "min_budget_use",
            f"price {_rp(parcel.price)} is below {parcel.rules.min_budget_use} of the budget "
            f"{_rp(parcel.budget)}",
        )


_STRUCTURE_CHECKS: tuple[_ParcelCheck, ...] = (_check_items, _check_packaging_known, _check_price)
"""Checks that hold for any variant, even of a tier the request does not have."""

_RULE_CHECKS: tuple[_ParcelCheck, ...] = (
    _check_item_count,
    _check_categories,
    _check_halal,
    _check_tags,
    _check_same_product,
    _check_per_producer,
    _check_shelf_life,
    _check_packaging_allowed,
    _check_fit,
    _check_budget,
)
"""The effective rules of the tier, one check per rule family."""


# --------------------------------------------------------------------------- one tier


def _variant_key(variant: Variant) -> tuple[str, tuple[tuple[str, int], ...]]:
    """What makes a variant: its packaging and its set of (sku, qty), order aside."""
    units: Counter[str] = Counter()
    for item in variant.items:
        units[item.sku] += item.qty
    return variant.packaging, tuple(sorted(units.items()))


def _check_tier(
    tier_quote: TierQuote, tier: Tier, rules: EffectiveRules, prices: Sequence[int], where: _Where
) -> Iterator[Violation]:
    """A tier's variants: parcels add up, no duplicates, max_variants, price spread."""
    for position, variant in enumerate(tier_quote.variants):
        if variant.parcels <= 0:
            yield Violation(
                "parcels",
                f"variant has {variant.parcels} parcels",
                request_id=where.request_id,
                tier=where.tier,
                variant=position,
            )
    parcels = sum(v.parcels for v in tier_quote.variants)
    if parcels != tier.parcels:
        yield where.at(
            "parcels", f"the variants' parcels add up to {parcels}, not the tier's {tier.parcels}"
        )
    first: dict[tuple[str, tuple[tuple[str, int], ...]], int] = {}
    for position, variant in enumerate(tier_quote.variants):
        key = _variant_key(variant)
        if key in first:
            yield Violation(
                "duplicate_variant",
                f"same packaging and items as variants[{first[key]}]: they are one variant",
                request_id=where.request_id,
                tier=where.tier,
                variant=position,
            )
        else:
            first[key] = position
    if len(first) > rules.max_variants:
        yield where.at(
            "max_variants", f"{len(first)} distinct variants, more than {rules.max_variants}"
        )
    if prices:
        low, high = min(prices), max(prices)
        spread = _share(rules.variant_price_spread)
        if high > (1 + spread) * low:
            yield where.at(
                "variant_price_spread",
                f"highest price {_rp(high)} is above (1 + {rules.variant_price_spread}) x "
                f"lowest {_rp(low)}",
            )


# --------------------------------------------------------------------------- one quote


def _check_header(request: Request, quote: Quote, where: _Where) -> Iterator[Violation]:
    """The quote answers this request, for this company."""
    if quote.request_id != request.id:
        yield where.at("request_id", f"quote is for {quote.request_id!r}, not {request.id!r}")
    if quote.company != request.company:
        yield where.at("company", f"company {quote.company!r} should be {request.company!r}")


def _check_status(quote: Quote, where: _Where) -> Iterator[Violation]:
    """Served quotes carry no reasons; the others carry no variants, infeasible ones a reason."""
    variants = sum(len(t.variants) for t in quote.tiers)
    if quote.status in _SERVED:
        if quote.reasons:
            yield where.at("status", f"status {quote.status} but reasons are given")
        return
    if variants:
        yield where.at("status", f"status {quote.status} but the quote has {variants} variant(s)")
    if quote.status is Status.INFEASIBLE and not any(r.strip() for r in quote.reasons):
        yield where.at("status", "status infeasible without a reason")


def _check_stages(status: Status, stages: Iterable[Stage], where: _Where) -> Iterator[Violation]:
    """Gaps lie in [0, 1]; an optimal result's stages have their bound met (loosely)."""
    for stage in stages:
        if stage.gap is not None and not 0 <= stage.gap <= 1:
            yield where.at("solver", f"stage {stage.name!r}: gap {stage.gap} is outside [0, 1]")
        if status is not Status.OPTIMAL or stage.objective is None or stage.bound is None:
            continue
        closed = stage.gap is not None and stage.gap <= GAP_TOLERANCE
        met = math.isclose(stage.objective, stage.bound, rel_tol=GAP_TOLERANCE, abs_tol=1e-4)
        if not (closed or met):
            yield where.at(
                "solver",
                f"status optimal but stage {stage.name!r} has objective {stage.objective}, "
                f"bound {stage.bound}, gap {stage.gap}",
            )


def _check_tiers_match(request: Request, quote: Quote, where: _Where) -> Iterator[Violation]:
    """The quote's tiers are the request's: same names, parcels and budgets, each once.

    A quote that serves nobody may leave its tiers out altogether.
    """
    if not quote.served and not quote.tiers:
        return
    wanted = {t.name: t for t in request.tiers}
    seen: set[str] = set()
    for tier_quote in quote.tiers:
        here = _Where(where.request_id, tier_quote.name)
        tier = wanted.get(tier_quote.name)
        if tier is None:
            yield here.at("tiers", "the request has no tier of this name")
            continue
        if tier_quote.name in seen:
            yield here.at("tiers", "the tier is listed more than once")
        seen.add(tier_quote.name)
        if tier_quote.parcels != tier.parcels:
            yield here.at("tiers", f"{tier_quote.parcels} parcels, the request asks {tier.parcels}")
        if tier_quote.budget != tier.budget:
            yield here.at(
                "tiers",
                f"budget {_rp(tier_quote.budget)}, the request says {_rp(tier.budget)}",
            )
    for name in wanted:
        if name not in seen:
            yield _Where(where.request_id, name).at("tiers", "the tier is missing from the quote")


def _check_variants(index: _Index, request: Request, quote: Quote) -> Iterator[Violation]:
    """Every variant against its tier's effective rules, then each served tier as a whole."""
    tiers = {t.name: t for t in request.tiers}
    for tier_quote in quote.tiers:
        tier = tiers.get(tier_quote.name)
        rules = DEFAULT_RULES if tier is None else effective_rules(request, tier)
        budget = tier_quote.budget if tier is None else tier.budget
        checks = _STRUCTURE_CHECKS if tier is None else _STRUCTURE_CHECKS + _RULE_CHECKS
        prices: list[int] = []
        for position, variant in enumerate(tier_quote.variants):
            where = _Where(request.id, tier_quote.name, position)
            parcel = _parcel(index, where, variant, rules, budget, request.fees.per_parcel)
            prices.append(parcel.price)
            for check in checks:
                yield from check(index, parcel)
        if tier is not None and quote.served:
            yield from _check_tier(tier_quote, tier, rules, prices, _Where(request.id, tier.name))


def _variants(quotes: Iterable[Quote]) -> Iterator[Variant]:
    for quote in quotes:
        for tier_quote in quote.tiers:
            yield from tier_quote.variants


def _check_total(
    index: _Index, request: Request, quote: Quote, where: _Where
) -> Iterator[Violation]:
    """total = sum over variants of parcels x (recomputed) price."""
    fees = request.fees.per_parcel
    total = sum(v.parcels * _parcel_price(index, v, fees) for v in _variants([quote]))
    if quote.total != total:
        yield where.at("total", f"total {_rp(quote.total)} should be {_rp(total)}")


def _sales(index: _Index, quotes: Iterable[Quote]) -> dict[str, tuple[int, int]]:
    """(units, revenue) per producer with sales: products, plus packaging it makes; no fees."""
    units: Counter[str] = Counter()
    revenue: Counter[str] = Counter()
    for variant in _variants(quotes):
        for item in variant.items:
            product = index.products.get(item.sku)
            if product is not None:
                units[product.producer_id] += variant.parcels * item.qty
                revenue[product.producer_id] += variant.parcels * item.qty * product.price
        packaging = index.packaging.get(variant.packaging)
        if packaging is not None and packaging.producer_id is not None:
            units[packaging.producer_id] += variant.parcels
            revenue[packaging.producer_id] += variant.parcels * packaging.price
    return {
        producer: (units[producer], revenue[producer])
        for producer in sorted(units)
        if units[producer] or revenue[producer]
    }


def _check_quote_producers(index: _Index, quote: Quote, where: _Where) -> Iterator[Violation]:
    """producers[] lists every producer with sales exactly once, with its units and revenue."""
    sales = _sales(index, [quote])
    seen: set[str] = set()
    for entry in quote.producers:
        pid = entry.producer_id
        if pid in seen:
            yield where.at("producers", "producer listed more than once", producer_id=pid)
            continue
        seen.add(pid)
        if pid not in sales:
            yield where.at("producers", "producer listed without any sales", producer_id=pid)
            continue
        units, revenue = sales[pid]
        if entry.units != units:
            yield where.at("producers", f"units {entry.units} should be {units}", producer_id=pid)
        if entry.revenue != revenue:
            yield where.at(
                "producers",
                f"revenue {_rp(entry.revenue)} should be {_rp(revenue)}",
                producer_id=pid,
            )
    for pid, (units, revenue) in sales.items():
        if pid not in seen:
            yield where.at(
                "producers",
                f"producer with {units} units, {_rp(revenue)} of sales is not listed",
                producer_id=pid,
            )


def _check_stock(
    index: _Index, quotes: Sequence[Quote], left: Mapping[str, int], where: _Where
) -> Iterator[Violation]:
    """No sku and no packaging is ordered beyond its stock, across all the given quotes."""
    skus: Counter[str] = Counter()
    boxes: Counter[str] = Counter()
    for variant in _variants(quotes):
        boxes[variant.packaging] += variant.parcels
        for item in variant.items:
            skus[item.sku] += variant.parcels * item.qty
    for sku, units in sorted(skus.items()):
        if sku in index.products:
            limit = left.get(sku, index.products[sku].stock)
            if units > limit:
                yield where.at("stock", f"{units} units ordered, stock is {limit}", sku=sku)
    for box, units in sorted(boxes.items()):
        if box in index.packaging:
            limit = left.get(box, index.packaging[box].stock)
            if units > limit:
                yield where.at("stock", f"{units} of packaging {box} ordered, stock is {limit}")


def _check_min_order(
    index: _Index, quotes: Sequence[Quote], ordered: Mapping[str, int], where: _Where
) -> Iterator[Violation]:
    """Every sku used at all reaches its min_order (counting units already ordered)."""
    skus: Counter[str] = Counter()
    for variant in _variants(quotes):
        for item in variant.items:
            skus[item.sku] += variant.parcels * item.qty
    for sku, units in sorted(skus.items()):
        product = index.products.get(sku)
        if product is None or units <= 0:
            continue
        total = units + ordered.get(sku, 0)
        if total < product.min_order:
            yield where.at(
                "min_order", f"{total} units in total, below min_order {product.min_order}", sku=sku
            )


def _quote_violations(
    index: _Index,
    request: Request,
    quote: Quote,
    *,
    standalone: bool,
    stock: Mapping[str, int],
    ordered: Mapping[str, int],
) -> list[Violation]:
    """Everything about one quote; stock and min_order only when it stands alone."""
    where = _Where(request.id)
    found = [
        *_check_header(request, quote, where),
        *_check_status(quote, where),
        *_check_stages(quote.status, quote.solver.stages, where),
        *_check_tiers_match(request, quote, where),
        *_check_variants(index, request, quote),
        *_check_total(index, request, quote, where),
        *_check_quote_producers(index, quote, where),
    ]
    if standalone:
        found += _check_stock(index, [quote], stock, where)
        found += _check_min_order(index, [quote], ordered, where)
    return found


def check_quote(
    catalog: Catalog,
    request: Request,
    quote: Quote,
    *,
    stock: Mapping[str, int] | None = None,
    ordered: Mapping[str, int] | None = None,
) -> list[Violation]:
    """Check one quote against its request and the catalog; an empty list means valid.

    Parameters
    ----------
    catalog, request
        What the quote answers.
    quote
        The result to check: every parcel of every tier against its effective
        rules, the tiers against the request's, prices, total, producer figures,
        stock and min_order over the whole quote, and status consistency.
    stock
        Units left per sku or packaging id, replacing the catalog's stock for
        the ids it holds (for example after quotes already accepted).
    ordered
        Units of each sku already ordered elsewhere, which count towards its
        ``min_order``.
    """
    return _quote_violations(
        _Index.of(catalog),
        request,
        quote,
        standalone=True,
        stock=stock or {},
        ordered=ordered or {},
    )


# --------------------------------------------------------------------------- a season plan


def _check_plan_status(plan: SeasonPlan) -> Iterator[Violation]:
    """A plan is optimal, feasible or unknown: serving nobody is a plan, not infeasible."""
    if plan.status is Status.INFEASIBLE:
        yield Violation("status", "a plan is never infeasible: serving nobody is a valid plan")


def _check_accounting(requests: Sequence[Request], plan: SeasonPlan) -> Iterator[Violation]:
    """Every request is served or unserved with a reason, once; no request is made up."""
    known = {r.id for r in requests}
    mentions = Counter([q.request_id for q in plan.quotes] + [u.request_id for u in plan.unserved])
    for rid, count in sorted(mentions.items()):
        if rid not in known:
            yield Violation("requests", "not a request of this season", request_id=rid)
        elif count > 1:
            yield Violation(
                "requests", f"appears {count} times across quotes and unserved", request_id=rid
            )
    for request in requests:
        if request.id not in mentions:
            yield Violation(
                "unserved", "neither served nor listed as unserved", request_id=request.id
            )
    for entry in plan.unserved:
        if not entry.reason.strip():
            yield Violation(
                "unserved", "listed as unserved without a reason", request_id=entry.request_id
            )


def _check_fixed(plan: SeasonPlan, fixed: Sequence[Quote]) -> Iterator[Violation]:
    """Each fixed quote is in the plan exactly as it was accepted (solver notes aside)."""
    by_id = {q.request_id: q for q in reversed(plan.quotes)}
    for accepted in fixed:
        where = _Where(accepted.request_id)
        kept = by_id.get(accepted.request_id)
        if kept is None:
            yield where.at("fixed", "an accepted (fixed) quote is missing from the plan")
        elif kept.model_dump(exclude={"solver"}) != accepted.model_dump(exclude={"solver"}):
            yield where.at("fixed", "an accepted (fixed) quote was changed in the plan")


def _capacity(index: _Index) -> dict[str, int]:
    """Sum over each producer's products and packaging of stock x price."""
    capacity = dict.fromkeys(index.producers, 0)
    for product in index.products.values():
        capacity[product.producer_id] = capacity.get(product.producer_id, 0) + (
            product.stock * product.price
        )
    for packaging in index.packaging.values():
        if packaging.producer_id is not None:
            capacity[packaging.producer_id] = capacity.get(packaging.producer_id, 0) + (
                packaging.stock * packaging.price
            )
    return capacity


def _utilization(revenue: int, capacity: int) -> Fraction:
    """revenue / capacity, 0 for a producer without capacity."""
    return Fraction(revenue, capacity) if capacity else Fraction(0)


def _far(reported: float, exact: Fraction) -> bool:
    """A stored ratio is further than the tolerance from its exact value (NaN is far)."""
    return not abs(reported - float(exact)) <= RATIO_TOLERANCE


def _check_producer_table(
    index: _Index, plan: SeasonPlan, sales: Mapping[str, tuple[int, int]]
) -> Iterator[Violation]:
    """Every producer once, figures recomputed; reachable bounds revenue from above."""
    capacity = _capacity(index)
    seen: set[str] = set()
    for entry in plan.producers:
        pid = entry.producer_id
        where = _Where()
        if pid not in capacity:
            yield where.at("producers", "not a producer of the catalog", producer_id=pid)
            continue
        if pid in seen:
            yield where.at("producers", "producer listed more than once", producer_id=pid)
            continue
        seen.add(pid)
        units, revenue = sales.get(pid, (0, 0))
        if entry.units != units:
            yield where.at("producers", f"units {entry.units} should be {units}", producer_id=pid)
        if entry.revenue != revenue:
            yield where.at(
                "producers",
                f"revenue {_rp(entry.revenue)} should be {_rp(revenue)}",
                producer_id=pid,
            )
        if entry.capacity != capacity[pid]:
            yield where.at(
                "producer_capacity",
                f"capacity {_rp(entry.capacity)} should be {_rp(capacity[pid])} (stock x price)",
                producer_id=pid,
            )
        if entry.reachable < revenue:
            yield where.at(
                "reachable",
                f"reachable {_rp(entry.reachable)} is below the revenue {_rp(revenue)} it bounds",
                producer_id=pid,
            )
        expected = _utilization(revenue, capacity[pid])
        if _far(entry.utilization, expected):
            yield where.at(
                "utilization",
                f"utilization {entry.utilization} should be {float(expected):.4f}",
                producer_id=pid,
            )
    for pid in index.producers:
        if pid not in seen:
            yield Violation("producers", "missing from the producer table", producer_id=pid)


def _fairness_metrics(
    revenues: Sequence[int], utilizations: Sequence[Fraction], all_revenues: Sequence[int]
) -> dict[str, Fraction]:
    """FORMAT.md's fairness metrics, exactly, over the eligible producers' revenue.

    Undefined cases (no eligible producer, or no revenue at all) take the value
    of a perfectly even spread where that has a meaning, and 0 otherwise:
    gini 0 and jain 1 (everybody got the same, nothing); coverage and
    min_utilization 0 when nobody is eligible; max_share 0 when nobody sold.
    """
    n = len(revenues)
    total = sum(revenues)
    squares = sum(r * r for r in revenues)
    pairs = sum(abs(a - b) for a in revenues for b in revenues)
    everyone = sum(all_revenues)
    return {
        "coverage": Fraction(sum(1 for r in revenues if r > 0), n) if n else Fraction(0),
        "gini": Fraction(pairs, 2 * n * total) if n and total else Fraction(0),
        "jain": Fraction(total * total, n * squares) if squares else Fraction(1),
        "min_utilization": min(utilizations, default=Fraction(0)),
        "max_share": Fraction(max(all_revenues), everyone) if everyone else Fraction(0),
    }


def _check_fairness(
    index: _Index,
    plan: SeasonPlan,
    sales: Mapping[str, tuple[int, int]],
    max_share: Decimal | Fraction | None,
) -> Iterator[Violation]:
    """Policy, the ineligible list (reachable = 0) and the recomputed metrics."""
    fairness = plan.fairness
    if fairness.policy not in FAIRNESS_POLICIES:
        yield Violation(
            "fairness", f"policy {fairness.policy!r} is not one of {', '.join(FAIRNESS_POLICIES)}"
        )
    reachable: dict[str, int] = {}
    for entry in plan.producers:
        reachable.setdefault(entry.producer_id, entry.reachable)
    yield from _check_ineligible(index, plan, reachable)

    capacity = _capacity(index)
    revenue = {pid: sales.get(pid, (0, 0))[1] for pid in index.producers}
    # A producer missing from the table (flagged there) counts as eligible when it
    # sold anything, since reachable >= revenue > 0; otherwise as the table says.
    eligible = [pid for pid in index.producers if reachable.get(pid, revenue[pid]) > 0]
    metrics = _fairness_metrics(
        [revenue[pid] for pid in eligible],
        [_utilization(revenue[pid], capacity[pid]) for pid in eligible],
        list(revenue.values()),
    )
    for name, exact in metrics.items():
        reported = float(getattr(fairness, name))
        if _far(reported, exact):
            yield Violation("fairness", f"{name} {reported} should be {float(exact):.4f}")

    if max_share is not None:
        everyone = sum(revenue.values())
        limit = _share(max_share)
        for pid, amount in revenue.items():
            if amount > limit * everyone:
                yield Violation(
                    "max_share",
                    f"revenue {_rp(amount)} is above {max_share} of all producer revenue "
                    f"{_rp(everyone)}",
                    producer_id=pid,
                )


def _check_ineligible(
    index: _Index, plan: SeasonPlan, reachable: Mapping[str, int]
) -> Iterator[Violation]:
    """fairness.ineligible lists exactly the producers with reachable 0, each with a reason."""
    listed: set[str] = set()
    for entry in plan.fairness.ineligible:
        pid = entry.producer_id
        if pid in listed:
            yield Violation("ineligible", "listed more than once", producer_id=pid)
        listed.add(pid)
        if pid not in reachable:
            yield Violation("ineligible", "not in the producer table", producer_id=pid)
        elif reachable[pid] > 0:
            yield Violation(
                "ineligible",
                f"listed as ineligible but reachable is {_rp(reachable[pid])}",
                producer_id=pid,
            )
        if not entry.reason.strip():
            yield Violation("ineligible", "ineligible without a reason", producer_id=pid)
    for pid in index.producers:
        if pid in reachable and reachable[pid] <= 0 and pid not in listed:
            yield Violation(
                "ineligible",
                "reachable is 0 but the producer is not listed as ineligible",
                producer_id=pid,
            )


def check_plan(
    catalog: Catalog,
    requests: Sequence[Request],
    plan: SeasonPlan,
    *,
    fixed: Sequence[Quote] = (),
    max_share: Decimal | Fraction | None = None,
) -> list[Violation]:
    """Check a season plan against the requests and the catalog; an empty list means valid.

    Parameters
    ----------
    catalog, requests
        What the plan answers; ``requests`` in arrival order.
    plan
        The result to check: every quote against its request, every request
        served or unserved with a reason (once), stock over all quotes
        together, ``min_order`` over the season, the producer table and the
        fairness metrics recomputed.
    fixed
        Quotes accepted before: each must be in the plan unchanged.
    max_share
        The plan option, when one was given: no producer above this share of
        all producer revenue (compared exactly).
    """
    index = _Index.of(catalog)
    requests_by_id: dict[str, Request] = {}
    for each in requests:
        requests_by_id.setdefault(each.id, each)
    found = [
        *_check_plan_status(plan),
        *_check_stages(plan.status, plan.solver.stages, _Where()),
        *_check_accounting(requests, plan),
    ]
    for quote in plan.quotes:
        request = requests_by_id.get(quote.request_id)
        if request is None:
            continue
        if not quote.served:
            found.append(
                _Where(request.id).at(
                    "status", f"a plan's quotes are served requests, this one is {quote.status}"
                )
            )
        found += _quote_violations(index, request, quote, standalone=False, stock={}, ordered={})
    found += _check_fixed(plan, fixed)
    found += _check_stock(index, plan.quotes, {}, _Where())
    found += _check_min_order(index, plan.quotes, {}, _Where())
    sales = _sales(index, plan.quotes)
    found += _check_producer_table(index, plan, sales)
    found += _check_fairness(index, plan, sales, max_share)
    return found
