"""Tests of parcelkit.io.plan_frames: pandas views of a season plan and its purchase orders."""

from __future__ import annotations

import pandas as pd
import pytest

from parcelkit.io.plan_frames import (
    ITEM_COLUMNS,
    ORDER_LINE_COLUMNS,
    PLAN_PRODUCER_COLUMNS,
    QUOTE_COLUMNS,
    plan_items_frame,
    plan_producers_frame,
    plan_quotes_frame,
    purchase_orders_frame,
)
from parcelkit.models import Catalog, Request, SeasonPlan
from parcelkit.models.orders import purchase_orders
from tests.test_orders import Example, karawang_plan, plan_of, sku_units
from tests.test_orders import example as example  # the fixture, shared

Dtypes = dict[str, object]


def assert_columns(frame: pd.DataFrame, dtypes: Dtypes) -> None:
    """The frame has exactly these columns in this order, with these dtypes and a RangeIndex."""
    assert list(frame.columns) == list(dtypes)
    for name, dtype in dtypes.items():
        assert frame[name].dtype == pd.Series([], dtype=dtype).dtype, name  # type: ignore[call-overload]
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.index.start == 0 and frame.index.stop == len(frame)


def frames(
    catalog: Catalog, requests: tuple[Request, ...], plan: SeasonPlan
) -> dict[str, pd.DataFrame]:
    """All four views of a plan, by the name of their column table."""
    return {
        "producers": plan_producers_frame(plan, catalog),
        "quotes": plan_quotes_frame(plan, catalog),
        "items": plan_items_frame(plan, catalog),
        "orders": purchase_orders_frame(purchase_orders(plan, catalog, requests)),
    }


COLUMNS = {
    "producers": PLAN_PRODUCER_COLUMNS,
    "quotes": QUOTE_COLUMNS,
    "items": ITEM_COLUMNS,
    "orders": ORDER_LINE_COLUMNS,
}


def test_columns_and_dtypes(example: Example) -> None:
    """Every view has its fixed columns and dtypes: money int64, dates datetime64[s]."""
    for name, frame in frames(*example).items():
        assert len(frame) > 0, name
        assert_columns(frame, COLUMNS[name])
    orders = frames(*example)["orders"]
    for column in ("units", "unit_price", "revenue"):
        assert orders[column].dtype == "int64"
    assert orders["delivery_date"].dtype == "datetime64[s]"


def test_empty_plan_gives_empty_frames_with_columns(example: Example) -> None:
    """A plan with no quotes and no producer table gives typed frames with no rows."""
    catalog, requests, _ = example
    for name, frame in frames(catalog, requests, plan_of([])).items():
        assert frame.empty, name
        assert_columns(frame, COLUMNS[name])
    assert_columns(purchase_orders_frame(()), ORDER_LINE_COLUMNS)


def test_producers_frame(example: Example) -> None:
    """The producer table with names, eligibility, the ineligible reason and revenue shares."""
    catalog, _, plan = example
    frame = plan_producers_frame(plan, catalog)
    assert list(frame["producer_id"]) == [p.producer_id for p in plan.producers]
    assert list(frame["revenue"]) == [p.revenue for p in plan.producers]
    row = frame.set_index("producer_id").loc["KRW-007"]
    assert row["name"] == "Anyaman Bambu Balebat" and row["district"] == "Klari"
    assert row["eligible"] and pd.isna(row["ineligible_reason"])
    batik = frame.set_index("producer_id").loc["KRW-008"]
    assert not batik["eligible"] and batik["ineligible_reason"] == "non-halal food"
    assert list(frame["eligible"]) == [p.reachable > 0 for p in plan.producers]
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame["share"].max() == pytest.approx(plan.fairness.max_share, abs=1e-3)
    assert frame["utilization"].tolist() == [p.utilization for p in plan.producers]


def test_producers_frame_without_sales(example: Example) -> None:
    """Shares are 0, not NaN, when nobody sold anything."""
    catalog, _, plan = example
    idle = [p.model_copy(update={"units": 0, "revenue": 0}) for p in plan.producers]
    frame = plan_producers_frame(plan.model_copy(update={"producers": tuple(idle)}), catalog)
    assert frame["share"].tolist() == [0.0] * len(idle)


def test_quotes_frame(example: Example) -> None:
    """One row per variant: its value adds up to the quote totals; items as (sku, qty) and text."""
    catalog, _, plan = example
    frame = plan_quotes_frame(plan, catalog)
    assert len(frame) == sum(len(t.variants) for q in plan.quotes for t in q.tiers)
    totals = frame.groupby("request_id")["value"].sum().to_dict()
    assert totals == {q.request_id: q.total for q in plan.quotes}
    staff = frame[(frame["request_id"] == "REQ-0001") & (frame["tier"] == "staff")].iloc[0]
    assert staff["variant"] == 1
    assert staff["items"] == (
        ("KRW-005-02", 1),
        ("KRW-003-01", 1),
        ("KRW-002-02", 1),
        ("KRW-004-01", 2),
    )
    assert staff["product_units"] == 5
    assert staff["contents"].startswith("1 x Sirup jeruk nipis 460 ml, 1 x Nastar toples 500 g")
    assert staff["contents"].endswith("2 x Opak krikit 200 g")
    assert staff["packaging_name"] == "Kardus parcel sedang"


def test_variants_are_numbered_within_their_tier() -> None:
    """Two variants of one tier are numbers 1 and 2; the next tier starts at 1 again."""
    catalog, _, plan = karawang_plan()
    frame = plan_quotes_frame(plan, catalog)
    assert list(zip(frame["request_id"], frame["tier"], frame["variant"], strict=True)) == [
        ("REQ-0001", "staff", 1),
        ("REQ-0001", "staff", 2),
        ("REQ-0002", "staff", 1),
        ("REQ-0003", "staff", 1),
        ("REQ-0003", "manager", 1),
    ]


def test_items_frame_adds_up_to_the_plan(example: Example) -> None:
    """Item units per sku are the plan's; revenue per producer is the producer table."""
    catalog, _, plan = example
    frame = plan_items_frame(plan, catalog)
    assert frame.groupby("sku")["units"].sum().to_dict() == dict(sku_units(plan))
    products = frame[frame["kind"] == "product"]
    assert len(products) == sum(
        len(v.items) for q in plan.quotes for t in q.tiers for v in t.variants
    )
    revenue = frame.groupby("producer_id")["revenue"].sum().to_dict()
    assert revenue == {p.producer_id: p.revenue for p in plan.producers if p.revenue}
    boxes = frame[frame["kind"] == "packaging"]
    assert set(boxes["qty"]) == {1}
    plain = boxes[boxes["sku"] == "PKG-BOX-M"]
    assert plain["producer_id"].isna().all() and plain["producer_name"].isna().all()
    assert (frame["units"] == frame["qty"] * frame["parcels"]).all()
    assert (frame["revenue"] == frame["units"] * frame["unit_price"]).all()


def test_orders_frame(example: Example) -> None:
    """One row per order line; grouped by producer it gives each order's totals."""
    catalog, requests, plan = example
    orders = purchase_orders(plan, catalog, requests)
    frame = purchase_orders_frame(orders)
    assert len(frame) == sum(len(o.lines) for o in orders)
    grouped = frame.groupby("producer_id", sort=False)[["units", "revenue"]].sum()
    assert list(grouped.index) == [o.producer_id for o in orders]
    assert grouped["revenue"].tolist() == [o.revenue for o in orders]
    assert grouped["units"].tolist() == [o.units for o in orders]
    dates = {r.id: pd.Timestamp(r.delivery_date) for r in requests if r.delivery_date}
    assert set(frame["request_id"]) <= set(dates)
    assert (frame["delivery_date"] == frame["request_id"].map(dates)).all()
    baskets = frame[frame["producer_id"] == "KRW-007"]
    assert baskets[["sku", "units", "district"]].values.tolist() == [["PKG-BAMBU-M", 300, "Klari"]]


def test_orders_frame_matches_items_frame() -> None:
    """On a hand-built Karawang plan, orders and items agree per producer and sku."""
    catalog, requests, plan = karawang_plan()
    orders = purchase_orders_frame(purchase_orders(plan, catalog, requests))
    items = plan_items_frame(plan, catalog).dropna(subset=["producer_id"])
    key = ["producer_id", "request_id", "sku"]
    by_order = orders.groupby(key)[["units", "revenue"]].sum()
    by_item = items.groupby(key)[["units", "revenue"]].sum()
    pd.testing.assert_frame_equal(by_order, by_item)


def test_missing_delivery_date_is_nat() -> None:
    """A line whose request has no delivery date has NaT in the orders frame."""
    catalog, requests, plan = karawang_plan()
    undated = tuple(r.model_copy(update={"delivery_date": None}) for r in requests)
    frame = purchase_orders_frame(purchase_orders(plan, catalog, undated))
    assert frame["delivery_date"].isna().all()
    assert frame["delivery_date"].dtype == "datetime64[s]"


def test_plans_of_another_catalog_raise(example: Example) -> None:
    """Views of a plan with ids the catalog lacks raise ValueError naming the id."""
    catalog, _, plan = example
    other, _, karawang = karawang_plan()
    with pytest.raises(ValueError, match="is not in the catalog"):
        plan_quotes_frame(karawang, catalog)
    with pytest.raises(ValueError, match="is not in the catalog"):
        plan_items_frame(karawang, catalog)
    with pytest.raises(ValueError, match="producer 'KRW-001' of the plan is not in the catalog"):
        plan_producers_frame(plan, other.model_copy(update={"producers": ()}))
