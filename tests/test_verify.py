"""Tests of parcelkit.verify: the spec's examples pass, every broken rule is caught."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parcelkit.models import (
    Catalog,
    Fairness,
    Ineligible,
    Item,
    ProducerFigures,
    ProducerSales,
    Quote,
    Request,
    SeasonPlan,
    SolverInfo,
    Stage,
    Status,
    TierQuote,
    Unserved,
    Variant,
)
from parcelkit.verify import Violation, check_plan, check_quote

# --------------------------------------------------------------------------- the spec's examples


@dataclasses.dataclass(frozen=True)
class Case:
    """A quote to check, with everything it is checked against."""

    catalog: Catalog
    request: Request
    quote: Quote
    stock: Mapping[str, int] | None = None
    ordered: Mapping[str, int] | None = None

    def check(self) -> list[Violation]:
        return check_quote(
            self.catalog, self.request, self.quote, stock=self.stock, ordered=self.ordered
        )


@pytest.fixture(scope="module")
def catalog(spec_examples: Path) -> Catalog:
    """The example catalog."""
    return Catalog.model_validate_json((spec_examples / "catalog.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def requests(spec_examples: Path) -> tuple[Request, ...]:
    """The three example requests, in arrival order."""
    data = json.loads((spec_examples / "requests.json").read_text("utf-8"))
    return tuple(Request.model_validate(r) for r in data["requests"])


@pytest.fixture(scope="module")
def quote(spec_examples: Path) -> Quote:
    """The example quote for REQ-0001."""
    return Quote.model_validate_json((spec_examples / "quote.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def plan(spec_examples: Path) -> SeasonPlan:
    """The example plan for all three requests."""
    return SeasonPlan.model_validate_json((spec_examples / "plan.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def case(catalog: Catalog, requests: tuple[Request, ...], quote: Quote) -> Case:
    """The example quote with its request and catalog."""
    return Case(catalog, requests[0], quote)


def rules_of(violations: Sequence[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_example_quote_is_valid(case: Case) -> None:
    """The spec's quote.json breaks no rule of REQ-0001."""
    assert case.check() == []


def test_example_plan_is_valid(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """The spec's plan.json breaks no rule for the three requests."""
    assert check_plan(catalog, requests, plan) == []


def test_example_plan_keeps_the_example_quote(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan, quote: Quote
) -> None:
    """quote.json, passed as fixed, is found unchanged in plan.json."""
    assert check_plan(catalog, requests, plan, fixed=[quote]) == []


def test_each_example_quote_of_the_plan_is_valid_alone(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """Every quote inside plan.json is also a valid standalone quote."""
    for request, quote in zip(requests, plan.quotes, strict=True):
        assert check_quote(catalog, request, quote) == []


# --------------------------------------------------------------------------- mutation helpers


def with_variants(quote: Quote, tier: int, variants: Sequence[Variant]) -> Quote:
    tiers = list(quote.tiers)
    tiers[tier] = tiers[tier].model_copy(update={"variants": tuple(variants)})
    return quote.model_copy(update={"tiers": tuple(tiers)})


def with_variant(quote: Quote, tier: int, **changes: Any) -> Quote:
    return with_variants(quote, tier, [quote.tiers[tier].variants[0].model_copy(update=changes)])


def with_items(quote: Quote, tier: int, items: Sequence[Item]) -> Quote:
    return with_variant(quote, tier, items=tuple(items))


def with_item(quote: Quote, tier: int, index: int, **changes: Any) -> Quote:
    items = list(quote.tiers[tier].variants[0].items)
    items[index] = items[index].model_copy(update=changes)
    return with_items(quote, tier, items)


def with_rules(request: Request, **rules: Any) -> Request:
    return request.model_copy(update={"rules": request.rules.model_copy(update=rules)})


def with_tier(request: Request, tier: int, **changes: Any) -> Request:
    tiers = list(request.tiers)
    tiers[tier] = tiers[tier].model_copy(update=changes)
    return request.model_copy(update={"tiers": tuple(tiers)})


def with_product(catalog: Catalog, sku: str, **changes: Any) -> Catalog:
    products = tuple(p.model_copy(update=changes) if p.sku == sku else p for p in catalog.products)
    return catalog.model_copy(update={"products": products})


def with_packaging(catalog: Catalog, pid: str, **changes: Any) -> Catalog:
    packaging = tuple(p.model_copy(update=changes) if p.id == pid else p for p in catalog.packaging)
    return catalog.model_copy(update={"packaging": packaging})


def with_producers(quote: Quote, producers: Sequence[ProducerSales]) -> Quote:
    return quote.model_copy(update={"producers": tuple(producers)})


def staff_in_packagings(quote: Quote, packagings: Sequence[str]) -> Quote:
    """The staff tier split evenly over the same items in several packagings."""
    base = quote.tiers[0].variants[0]
    extra = {"PKG-BOX-M": 0, "PKG-BOX-L": 6000, "PKG-BAMBU-M": 13000}
    share = base.parcels // len(packagings)
    return with_variants(
        quote,
        0,
        [
            base.model_copy(
                update={"packaging": p, "parcels": share, "price": base.price + extra[p]}
            )
            for p in packagings
        ],
    )


Mutation = Callable[[Case], Case]


def on_quote(change: Callable[[Quote], Quote]) -> Mutation:
    return lambda c: dataclasses.replace(c, quote=change(c.quote))


def on_request(change: Callable[[Request], Request]) -> Mutation:
    return lambda c: dataclasses.replace(c, request=change(c.request))


def on_catalog(change: Callable[[Catalog], Catalog]) -> Mutation:
    return lambda c: dataclasses.replace(c, catalog=change(c.catalog))


# Staff (tier 0) items: KRW-005-02 x1, KRW-003-01 x1, KRW-002-02 x1, KRW-004-01 x2,
# in PKG-BOX-M at 216.000. Manager (tier 1): 8 units in PKG-BOX-L at 465.000.
QUOTE_MUTATIONS: list[tuple[str, str, Mutation]] = [
    ("min_items", "min_items", on_request(lambda r: with_rules(r, min_items=6))),
    ("max_items", "max_items", on_request(lambda r: with_rules(r, max_items=4))),
    (
        "category below min",
        "categories",
        on_quote(lambda q: with_items(q, 0, q.tiers[0].variants[0].items[1:])),
    ),
    (
        "category above max",
        "categories",
        on_request(lambda r: with_rules(r, categories={"beverage": (1, 2), "cookies": (0, 0)})),
    ),
    (
        "non-halal food",
        "halal_only",
        on_quote(lambda q: with_item(q, 0, 1, sku="KRW-008-02", unit_price=65000)),
    ),
    (
        "excluded tag",
        "exclude_tags",
        on_request(lambda r: with_rules(r, exclude_tags=("local-icon",))),
    ),
    (
        "excluded tag swapped in",
        "exclude_tags",
        on_quote(lambda q: with_item(q, 0, 1, sku="KRW-008-01", unit_price=60000)),
    ),
    ("max_same_product", "max_same_product", on_quote(lambda q: with_item(q, 0, 3, qty=3))),
    (
        "max_items_per_producer",
        "max_items_per_producer",
        on_request(lambda r: with_rules(r, max_items_per_producer=1)),
    ),
    (
        "max_variants",
        "max_variants",
        on_quote(lambda q: staff_in_packagings(q, ["PKG-BOX-M", "PKG-BOX-L", "PKG-BAMBU-M"])),
    ),
    (
        "variant_price_spread",
        "variant_price_spread",
        lambda c: dataclasses.replace(
            c,
            quote=staff_in_packagings(c.quote, ["PKG-BOX-M", "PKG-BAMBU-M"]),
            request=with_rules(c.request, variant_price_spread=Decimal("0.05")),
        ),
    ),
    (
        "min_budget_use",
        "min_budget_use",
        on_request(lambda r: with_rules(r, min_budget_use=Decimal("0.9"))),
    ),
    ("budget", "budget", on_request(lambda r: with_tier(r, 0, budget=215000))),
    (
        "min_shelf_life_days",
        "min_shelf_life_days",
        on_request(lambda r: with_rules(r, min_shelf_life_days=50)),
    ),
    (
        "packaging not allowed",
        "packaging",
        on_request(lambda r: with_rules(r, packaging=("PKG-BOX-L",))),
    ),
    (
        "packaging unknown",
        "packaging",
        on_quote(lambda q: with_variant(q, 0, packaging="PKG-NOPE")),
    ),
    (
        "capacity",
        "capacity",
        on_catalog(lambda c: with_packaging(c, "PKG-BOX-M", capacity_ml=3000)),
    ),
    ("weight", "weight", on_catalog(lambda c: with_packaging(c, "PKG-BOX-M", max_weight_g=1500))),
    ("sku stock", "stock", lambda c: dataclasses.replace(c, stock={"KRW-003-01": 134})),
    ("packaging stock", "stock", lambda c: dataclasses.replace(c, stock={"PKG-BOX-L": 14})),
    (
        "catalog stock",
        "stock",
        on_catalog(lambda c: with_product(c, "KRW-002-02", stock=100)),
    ),
    ("min_order", "min_order", on_catalog(lambda c: with_product(c, "KRW-003-02", min_order=16))),
    ("unit_price", "unit_price", on_quote(lambda q: with_item(q, 0, 0, unit_price=28001))),
    ("price", "price", on_quote(lambda q: with_variant(q, 0, price=216001))),
    ("total", "total", on_quote(lambda q: q.model_copy(update={"total": q.total + 1}))),
    (
        "producer revenue",
        "producers",
        on_quote(
            lambda q: with_producers(
                q, [q.producers[0].model_copy(update={"revenue": 6075001}), *q.producers[1:]]
            )
        ),
    ),
    (
        "producer units",
        "producers",
        on_quote(
            lambda q: with_producers(
                q, [q.producers[0].model_copy(update={"units": 134}), *q.producers[1:]]
            )
        ),
    ),
    ("producer missing", "producers", on_quote(lambda q: with_producers(q, q.producers[1:]))),
    (
        "producer listed twice",
        "producers",
        on_quote(lambda q: with_producers(q, [*q.producers, q.producers[0]])),
    ),
    (
        "producer without sales",
        "producers",
        on_quote(
            lambda q: with_producers(
                q, [*q.producers, ProducerSales(producer_id="KRW-007", units=0, revenue=0)]
            )
        ),
    ),
    ("unknown sku", "unknown_sku", on_quote(lambda q: with_item(q, 0, 0, sku="KRW-999-01"))),
    (
        "duplicate sku",
        "duplicate_sku",
        on_quote(
            lambda q: with_items(
                q, 0, [*q.tiers[0].variants[0].items[:3], *[q.tiers[0].variants[0].items[3]] * 2]
            )
        ),
    ),
    ("qty zero", "qty", on_quote(lambda q: with_item(q, 0, 3, qty=0))),
    ("parcels do not add up", "parcels", on_quote(lambda q: with_variant(q, 0, parcels=119))),
    (
        "duplicate variant",
        "duplicate_variant",
        on_quote(
            lambda q: with_variants(
                q,
                0,
                [
                    q.tiers[0].variants[0].model_copy(update={"parcels": 60}),
                    q.tiers[0]
                    .variants[0]
                    .model_copy(
                        update={"parcels": 60, "items": q.tiers[0].variants[0].items[::-1]}
                    ),
                ],
            )
        ),
    ),
    ("tier missing", "tiers", on_quote(lambda q: q.model_copy(update={"tiers": q.tiers[:1]}))),
    (
        "tier renamed",
        "tiers",
        on_quote(
            lambda q: q.model_copy(
                update={"tiers": (q.tiers[0].model_copy(update={"name": "boss"}), q.tiers[1])}
            )
        ),
    ),
    (
        "tier budget",
        "tiers",
        on_quote(
            lambda q: q.model_copy(
                update={"tiers": (q.tiers[0].model_copy(update={"budget": 260000}), q.tiers[1])}
            )
        ),
    ),
    ("request_id", "request_id", on_quote(lambda q: q.model_copy(update={"request_id": "REQ-9"}))),
    ("company", "company", on_quote(lambda q: q.model_copy(update={"company": "PT Lain"}))),
    (
        "infeasible with variants",
        "status",
        on_quote(lambda q: q.model_copy(update={"status": Status.INFEASIBLE, "reasons": ("x",)})),
    ),
    (
        "served with reasons",
        "status",
        on_quote(lambda q: q.model_copy(update={"reasons": ("stock ran out",)})),
    ),
    (
        "optimal with an open gap",
        "solver",
        on_quote(
            lambda q: q.model_copy(
                update={
                    "status": Status.OPTIMAL,
                    "solver": SolverInfo(
                        name="t", stages=(Stage(name="value", objective=90, bound=100, gap=0.1),)
                    ),
                }
            )
        ),
    ),
    (
        "gap above one",
        "solver",
        on_quote(
            lambda q: q.model_copy(
                update={"solver": SolverInfo(name="t", stages=(Stage(name="value", gap=1.5),))}
            )
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "mutate"),
    [pytest.param(rule, mutate, id=name) for name, rule, mutate in QUOTE_MUTATIONS],
)
def test_quote_mutation_is_flagged(case: Case, rule: str, mutate: Mutation) -> None:
    """A corrupted copy of the example quote is flagged with the broken rule's key."""
    found = mutate(case).check()
    assert rule in rules_of(found), [str(v) for v in found]


def test_violation_names_its_place(case: Case) -> None:
    """A violation carries the request, tier, 0-based variant and sku it concerns."""
    found = on_quote(lambda q: with_item(q, 1, 0, qty=3))(case).check()
    same = [v for v in found if v.rule == "max_same_product"]
    assert same == [
        Violation(
            rule="max_same_product",
            message=same[0].message,
            request_id="REQ-0001",
            tier="manager",
            variant=0,
            sku="KRW-005-02",
        )
    ]
    assert str(same[0]).startswith("REQ-0001 / tier manager / variants[0] / sku KRW-005-02: ")


def test_goods_that_do_not_spoil_pass_shelf_life(case: Case) -> None:
    """With a shelf-life floor, the cookies are flagged and the batik (no shelf life) is not."""
    found = on_request(lambda r: with_rules(r, min_shelf_life_days=50))(case).check()
    assert {v.sku for v in found} == {"KRW-003-01", "KRW-003-02"}


def test_halal_only_ignores_goods_that_are_not_food(case: Case) -> None:
    """A non-halal batik (food: false) is allowed under an explicit halal_only."""
    assert on_request(lambda r: with_rules(r, halal_only=True))(case).check() == []


def test_min_order_counts_units_already_ordered(case: Case) -> None:
    """15 units of a min_order-16 sku pass once 1 unit was ordered before."""
    short = on_catalog(lambda c: with_product(c, "KRW-003-02", min_order=16))(case)
    assert dataclasses.replace(short, ordered={"KRW-003-02": 1}).check() == []


def test_stock_override_leaves_other_ids_at_catalog_stock(case: Case) -> None:
    """An override equal to the use passes, and ids it does not hold keep catalog stock."""
    assert dataclasses.replace(case, stock={"KRW-003-01": 135, "PKG-BOX-L": 15}).check() == []


def test_same_items_in_another_packaging_is_another_variant(case: Case) -> None:
    """Two packagings of the same items are two variants, not a duplicate."""
    found = on_quote(lambda q: staff_in_packagings(q, ["PKG-BOX-M", "PKG-BOX-L"]))(case).check()
    assert "duplicate_variant" not in rules_of(found)
    assert "max_variants" not in rules_of(found)


@pytest.mark.parametrize("keep_tiers", [False, True], ids=["no tiers", "empty tiers"])
@pytest.mark.parametrize("status", [Status.INFEASIBLE, Status.UNKNOWN])
def test_unserved_quote_without_variants_is_valid(
    case: Case, status: Status, keep_tiers: bool
) -> None:
    """An infeasible quote with a reason, or an unknown one, with no variants is valid."""
    tiers = tuple(t.model_copy(update={"variants": ()}) for t in case.quote.tiers)
    empty = case.quote.model_copy(
        update={
            "status": status,
            "tiers": tiers if keep_tiers else (),
            "total": 0,
            "producers": (),
            "reasons": ("no halal coffee fits the budget",) if status is Status.INFEASIBLE else (),
        }
    )
    assert dataclasses.replace(case, quote=empty).check() == []


def test_infeasible_quote_needs_a_reason(case: Case) -> None:
    """An infeasible quote without reasons is flagged."""
    empty = case.quote.model_copy(
        update={"status": Status.INFEASIBLE, "tiers": (), "total": 0, "producers": ()}
    )
    assert rules_of(dataclasses.replace(case, quote=empty).check()) == {"status"}


def test_optimal_with_closed_gap_is_valid(case: Case) -> None:
    """An optimal quote whose stage bound meets its objective passes."""
    proven = case.quote.model_copy(
        update={
            "status": Status.OPTIMAL,
            "solver": SolverInfo(
                name="t", stages=(Stage(name="value", objective=100.0, bound=100.0, gap=0.0),)
            ),
        }
    )
    assert dataclasses.replace(case, quote=proven).check() == []


# --------------------------------------------------------------------------- small hand-made cases

SMALL = Catalog.model_validate(
    {
        "producers": [
            {"id": "P1", "name": "Keripik"},
            {"id": "P2", "name": "Sirup"},
            {"id": "P3", "name": "Kopi"},
            {"id": "P4", "name": "Kotak"},
        ],
        "products": [
            {"sku": "A", "producer_id": "P1", "name": "Keripik", "category": "snack",
             "price": 45000, "stock": 1000, "halal": True, "weight_g": 100, "volume_ml": 600,
             "shelf_life_days": 100},
            {"sku": "B", "producer_id": "P2", "name": "Sirup", "category": "beverage",
             "price": 55000, "stock": 1000, "halal": True, "weight_g": 400, "volume_ml": 300,
             "shelf_life_days": 100},
            {"sku": "C", "producer_id": "P3", "name": "Kopi", "category": "coffee",
             "price": 50000, "stock": 1000, "halal": True, "weight_g": 200, "volume_ml": 200,
             "shelf_life_days": 100},
        ],
        "packaging": [
            {"id": "BOX", "name": "Kotak", "price": 5000, "capacity_ml": 1000,
             "max_weight_g": 1000, "stock": 100, "producer_id": "P4"},
        ],
    }
)  # fmt: skip

Spec = Sequence[tuple[int, Sequence[tuple[str, int]]]]
"""Variants of one tier as (parcels, [(sku, qty)]), all in BOX."""


def small_request(budget: int, fees: int = 0, **rules: Any) -> Request:
    return Request.model_validate(
        {
            "id": "R",
            "company": "PT Kecil",
            "tiers": [{"name": "t", "parcels": 12, "budget": budget}],
            "rules": {"min_items": 2, "max_items": 4, **rules},
            "fees": {"assembly": fees},
        }
    )


def small_quote(request: Request, variants: Spec) -> Quote:
    """A quote whose prices, total and producer figures are worked out from SMALL."""
    price = {p.sku: p.price for p in SMALL.products}
    maker = {p.sku: p.producer_id for p in SMALL.products}
    fees = request.fees.per_parcel
    built, units, revenue = [], dict.fromkeys(["P4"], 0), dict.fromkeys(["P4"], 0)
    for parcels, items in variants:
        total = sum(qty * price[sku] for sku, qty in items) + 5000 + fees
        built.append(
            Variant(
                parcels=parcels,
                packaging="BOX",
                price=total,
                items=tuple(Item(sku=s, qty=q, unit_price=price[s]) for s, q in items),
            )
        )
        units["P4"] += parcels
        revenue["P4"] += parcels * 5000
        for sku, qty in items:
            units[maker[sku]] = units.get(maker[sku], 0) + parcels * qty
            revenue[maker[sku]] = revenue.get(maker[sku], 0) + parcels * qty * price[sku]
    tier = request.tiers[0]
    return Quote(
        request_id=request.id,
        company=request.company,
        status=Status.FEASIBLE,
        tiers=(TierQuote(name=tier.name, parcels=tier.parcels, budget=tier.budget,
                         variants=tuple(built)),),
        total=sum(v.parcels * v.price for v in built),
        producers=tuple(ProducerSales(producer_id=p, units=units[p], revenue=revenue[p])
                        for p in sorted(units)),
        solver=SolverInfo(name="hand"),
    )  # fmt: skip


def test_spread_is_exact_at_the_boundary() -> None:
    """Spread 0.15 allows 115.000 against 100.000 (floats would say 1.15 x 100000 < 115000)."""
    spec: Spec = [(6, [("A", 1), ("C", 1)]), (6, [("B", 2)])]  # 100.000 and 115.000
    request = small_request(115000, variant_price_spread=0.15, min_budget_use=0.85)
    assert check_quote(SMALL, request, small_quote(request, spec)) == []
    tighter = small_request(115000, variant_price_spread=0.149, min_budget_use=0.85)
    found = check_quote(SMALL, tighter, small_quote(tighter, spec))
    assert rules_of(found) == {"variant_price_spread"}


def test_min_budget_use_is_exact_at_the_boundary() -> None:
    """min_budget_use 0.9 of Rp250.000 allows Rp225.000 and refuses Rp224.999."""
    spec: Spec = [(12, [("A", 1), ("C", 1)])]  # 100.000 before fees
    exact = small_request(250000, fees=125000, min_budget_use=0.9)
    assert check_quote(SMALL, exact, small_quote(exact, spec)) == []
    short = small_request(250000, fees=124999, min_budget_use=0.9)
    found = check_quote(SMALL, short, small_quote(short, spec))
    assert rules_of(found) == {"min_budget_use"}


def test_a_fourth_variant_breaks_max_variants() -> None:
    """Three distinct variants are allowed by default, a fourth is not."""
    three: Spec = [(4, [("A", 1), ("C", 1)]), (4, [("B", 1), ("C", 1)]), (4, [("C", 2)])]
    request = small_request(110000)  # prices 100.000, 110.000, 105.000: spread exactly 10 %
    assert check_quote(SMALL, request, small_quote(request, three)) == []
    four: Spec = [*three[:2], (2, [("C", 2)]), (2, [("A", 1), ("B", 1)])]
    found = check_quote(SMALL, request, small_quote(request, four))
    assert rules_of(found) == {"max_variants"}


@pytest.mark.parametrize(
    ("items", "rule"),
    [([("A", 2)], "capacity"), ([("B", 2), ("C", 2)], "weight")],
    ids=["volume", "weight"],
)
def test_parcel_must_fit_its_packaging(items: list[tuple[str, int]], rule: str) -> None:
    """1.200 ml in a 1.000 ml box, or 1.200 g in a box for 1.000 g, is flagged."""
    request = small_request(250000, min_budget_use=0)
    found = check_quote(SMALL, request, small_quote(request, [(12, items)]))
    assert rules_of(found) == {rule}


def test_packaging_maker_counts_as_producer() -> None:
    """Packaging units and revenue count for the producer that makes the packaging."""
    request = small_request(110000)
    quote = small_quote(request, [(12, [("A", 1), ("C", 1)])])
    assert check_quote(SMALL, request, quote) == []
    without = quote.model_copy(
        update={"producers": tuple(p for p in quote.producers if p.producer_id != "P4")}
    )
    found = check_quote(SMALL, request, without)
    assert [(v.rule, v.producer_id) for v in found] == [("producers", "P4")]


# --------------------------------------------------------------------------- plans


def with_quotes(plan: SeasonPlan, quotes: Sequence[Quote]) -> SeasonPlan:
    return plan.model_copy(update={"quotes": tuple(quotes)})


def with_figure(plan: SeasonPlan, producer: str, **changes: Any) -> SeasonPlan:
    figures = tuple(
        f.model_copy(update=changes) if f.producer_id == producer else f for f in plan.producers
    )
    return plan.model_copy(update={"producers": figures})


def with_fairness(plan: SeasonPlan, **changes: Any) -> SeasonPlan:
    return plan.model_copy(update={"fairness": plan.fairness.model_copy(update=changes)})


PLAN_MUTATIONS: list[tuple[str, str, Callable[[SeasonPlan], SeasonPlan]]] = [
    ("request dropped silently", "unserved", lambda p: with_quotes(p, p.quotes[:2])),
    (
        "unserved without a reason",
        "unserved",
        lambda p: with_quotes(p, p.quotes[:2]).model_copy(
            update={"unserved": (Unserved(request_id="REQ-0003", reason=" "),)}
        ),
    ),
    (
        "served and unserved",
        "requests",
        lambda p: p.model_copy(update={"unserved": (Unserved(request_id="REQ-0003", reason="x"),)}),
    ),
    (
        "unknown request",
        "requests",
        lambda p: p.model_copy(update={"unserved": (Unserved(request_id="REQ-0999", reason="x"),)}),
    ),
    ("plan infeasible", "status", lambda p: p.model_copy(update={"status": Status.INFEASIBLE})),
    (
        "unserved quote inside",
        "status",
        lambda p: with_quotes(
            p, [*p.quotes[:2], p.quotes[2].model_copy(update={"status": "unknown"})]
        ),
    ),
    (
        "quote price inside",
        "price",
        lambda p: with_quotes(p, [*p.quotes[:2], with_variant(p.quotes[2], 0, price=150001)]),
    ),
    ("gini", "fairness", lambda p: with_fairness(p, gini=0.3)),
    ("jain", "fairness", lambda p: with_fairness(p, jain=0.9)),
    ("coverage", "fairness", lambda p: with_fairness(p, coverage=0.875)),
    ("min_utilization", "fairness", lambda p: with_fairness(p, min_utilization=0.0)),
    ("max_share metric", "fairness", lambda p: with_fairness(p, max_share=0.25)),
    ("policy", "fairness", lambda p: with_fairness(p, policy="maxmin")),
    ("capacity", "producer_capacity", lambda p: with_figure(p, "KRW-001", capacity=33600001)),
    ("utilization", "utilization", lambda p: with_figure(p, "KRW-001", utilization=0.41)),
    ("revenue", "producers", lambda p: with_figure(p, "KRW-001", revenue=13500001)),
    ("units", "producers", lambda p: with_figure(p, "KRW-001", units=601)),
    (
        "producer missing",
        "producers",
        lambda p: p.model_copy(update={"producers": p.producers[1:]}),
    ),
    (
        "producer listed twice",
        "producers",
        lambda p: p.model_copy(update={"producers": (*p.producers, p.producers[0])}),
    ),
    (
        "reachable below revenue",
        "reachable",
        lambda p: with_figure(p, "KRW-004", reachable=12419999),
    ),
    ("ineligible not listed", "ineligible", lambda p: with_fairness(p, ineligible=())),
    (
        "eligible listed as ineligible",
        "ineligible",
        lambda p: with_fairness(
            p, ineligible=(*p.fairness.ineligible, Ineligible(producer_id="KRW-006", reason="x"))
        ),
    ),
    (
        "ineligible without a reason",
        "ineligible",
        lambda p: with_fairness(p, ineligible=(Ineligible(producer_id="KRW-008", reason=""),)),
    ),
    (
        "optimal with an open gap",
        "solver",
        lambda p: p.model_copy(
            update={
                "status": Status.OPTIMAL,
                "solver": SolverInfo(
                    name="t", stages=(Stage(name="serve", objective=495, bound=500, gap=0.01),)
                ),
            }
        ),
    ),
]


@pytest.mark.parametrize(
    ("rule", "mutate"),
    [pytest.param(rule, mutate, id=name) for name, rule, mutate in PLAN_MUTATIONS],
)
def test_plan_mutation_is_flagged(
    catalog: Catalog,
    requests: tuple[Request, ...],
    plan: SeasonPlan,
    rule: str,
    mutate: Callable[[SeasonPlan], SeasonPlan],
) -> None:
    """A corrupted copy of the example plan is flagged with the broken rule's key."""
    found = check_plan(catalog, requests, mutate(plan))
    assert rule in rules_of(found), [str(v) for v in found]


def test_stock_is_shared_across_the_plans_quotes(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """180 boxes over two quotes break a stock of 150 that each quote alone respects."""
    tight = with_packaging(catalog, "PKG-BOX-M", stock=150)
    for request, quote in zip(requests, plan.quotes, strict=True):
        assert check_quote(tight, request, quote) == []
    assert rules_of(check_plan(tight, requests, plan)) == {"stock"}


def test_min_order_counts_the_whole_season(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """min_order is met by the season's 360 units though one quote alone has 60."""
    run = with_product(catalog, "KRW-002-01", min_order=200)
    assert check_plan(run, requests, plan) == []
    assert rules_of(check_quote(run, requests[2], plan.quotes[2])) == {"min_order"}
    longer = with_product(catalog, "KRW-002-01", min_order=361)
    assert rules_of(check_plan(longer, requests, plan)) == {"min_order"}


def test_fixed_quote_must_be_kept_unchanged(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan, quote: Quote
) -> None:
    """A fixed quote that is changed in the plan, or missing from it, is flagged."""
    changed = quote.model_copy(update={"total": quote.total - 1})
    assert rules_of(check_plan(catalog, requests, plan, fixed=[changed])) == {"fixed"}
    other = quote.model_copy(update={"request_id": "REQ-0004"})
    assert rules_of(check_plan(catalog, requests, plan, fixed=[other])) == {"fixed"}


def test_max_share_option_is_enforced_exactly(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """KRW-002's 23.43 % share passes a 25 % cap and breaks a 20 % one."""
    assert check_plan(catalog, requests, plan, max_share=Decimal("0.25")) == []
    found = check_plan(catalog, requests, plan, max_share=Decimal("0.2"))
    assert [(v.rule, v.producer_id) for v in found] == [("max_share", "KRW-002")]


def test_serving_nobody_is_a_valid_plan(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> None:
    """No quotes, every request unserved with a reason: gini 0, jain 1, coverage 0."""
    empty = plan.model_copy(
        update={
            "quotes": (),
            "unserved": tuple(Unserved(request_id=r.id, reason="stock ran out") for r in requests),
            "producers": tuple(
                ProducerFigures(
                    producer_id=f.producer_id,
                    units=0,
                    revenue=0,
                    capacity=f.capacity,
                    reachable=f.reachable,
                    utilization=0.0,
                )
                for f in plan.producers
            ),
            "fairness": Fairness(
                policy="maxmin_share",
                gini=0.0,
                jain=1.0,
                coverage=0.0,
                min_utilization=0.0,
                max_share=0.0,
                ineligible=plan.fairness.ineligible,
            ),
        }
    )
    assert check_plan(catalog, requests, empty) == []
