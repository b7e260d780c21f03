"""Two variants re-filled together (`parcelkit.solve.pair`)."""

from __future__ import annotations

import time

from parcelkit.models import Catalog, Packaging, Producer, Request, Rules, Tier
from parcelkit.solve import single
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.pair import Place, refill_pair, shared_reach
from parcelkit.solve.polish import Shelf
from parcelkit.solve.quote import tier_spec
from parcelkit.solve.single import Aims, Fill, Window
from parcelkit.solve.stages import Limits
from tests.tiny import snack

WEIGHTS = {f"P{i}": 10 for i in range(3)}
SPREAD = Aims(order=("spread",), weights=WEIGHTS)


def _shared_good(new_min_order: int) -> tuple[Shelf, Fill]:
    """Four staff parcels of two items, one unit of a good each at most, in two
    variants of two parcels that both hold P0's X and P1's Y. P2's NEW needs
    ``new_min_order`` units: with 4 the two variants reach it only together."""
    producers = tuple(Producer(id=f"P{i}", name=f"P{i}", district="Klari") for i in range(3))
    products = (
        snack("X", "P0", 20_000, stock=100),
        snack("Y", "P1", 20_000, stock=100),
        snack("NEW", "P2", 20_000, stock=100, min_order=new_min_order),
    )
    box = Packaging(
        id="BOX", name="Kotak", price=5_000, capacity_ml=2_000, max_weight_g=2_000, stock=10
    )
    catalog = Catalog(producers=producers, products=products, packaging=(box,))
    tier = Tier(name="staff", parcels=4, budget=45_000)
    rules = Rules(min_items=2, max_items=2, max_same_product=1, min_budget_use="0.5")
    request = Request(id="REQ-P", company="PT Uji", tiers=(tier,), rules=rules)
    stock = available_stock(catalog, None)
    spec = tier_spec(catalog, request, tier, stock)
    shelf = Shelf(catalog, request, {"staff": spec}, stock, {})
    both = ("BOX", {"X": 1, "Y": 1})
    return shelf, [(both, 2), (both, 2)]


def _place(shelf: Shelf, fill: Fill, index: int) -> Place:
    return Place("staff", shelf.specs["staff"], fill, index, Window(22_500, 45_000))


def _limits() -> Limits:
    return Limits(work_per_stage=1.0, deadline=time.monotonic() + 30)


def _sellers(shelf: Shelf, fill: Fill) -> set[str]:
    owner = {p.sku: p.producer_id for p in shelf.catalog.products}
    return {owner[sku] for (_, contents), _ in fill for sku in contents}


def test_two_variants_share_a_min_order_neither_reaches_alone() -> None:
    """NEW needs 4 units; a variant of two parcels holds 2 at most. Re-filled one
    at a time, neither variant can take it; together each takes one unit and
    the quote sells for P2 too, within stock and every min_order."""
    shelf, fill = _shared_good(new_min_order=4)
    owner = {p.sku: p.producer_id for p in shelf.catalog.products}
    for index in (0, 1):
        alone = single.refill_variant(
            shelf.specs["staff"],
            fill,
            index,
            Window(22_500, 45_000),
            shelf.booked({"staff": fill}, ("staff", index)),
            owner,
            _limits(),
            SPREAD,
        )
        assert alone is None or "P2" not in _sellers(shelf, alone)
    ledger = shelf.booked({"staff": fill}, ("staff", 0), ("staff", 1))
    changed = refill_pair(
        _place(shelf, fill, 0), _place(shelf, fill, 1), ledger, owner, _limits(), SPREAD
    )
    assert changed is not None
    assert _sellers(shelf, changed["staff"]) == {"P0", "P1", "P2"}
    assert shelf.score(changed, SPREAD) == (30,)


def test_shared_reach_counts_producers_only_both_variants_can_sell_for() -> None:
    """With NEW's min_order at 4 the two variants of two parcels must share it;
    at 2 either reaches it alone, and at 5 not even both together."""
    owner = {"X": "P0", "Y": "P1", "NEW": "P2"}
    for min_order, reach in ((4, 10), (2, 0), (5, 0)):
        shelf, fill = _shared_good(new_min_order=min_order)
        ledger = shelf.booked({"staff": fill}, ("staff", 0), ("staff", 1))
        first, second = _place(shelf, fill, 0), _place(shelf, fill, 1)
        assert shared_reach(first, second, ledger, owner, WEIGHTS) == reach
