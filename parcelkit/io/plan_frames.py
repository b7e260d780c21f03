"""pandas views of a season plan: producers, quotes, items and purchase orders.

The conventions of `parcelkit.io.frames` hold here too: a fresh frame per
call, one row per record, a plain ``RangeIndex``, money and counts ``int64``,
text in pandas' default string dtype, and the same columns (typed) when there
are no rows. Ratios the plan stores as floats (utilization, share) are
``float64``. Variants are numbered from 1 within their tier, as a planner
counts them. pandas is imported on first use.

The shapes suit grouping: ``purchase_orders_frame(...).groupby("producer_id")``
gives one producer's order per group, and the revenue of `plan_items_frame`
grouped by ``producer_id`` is the plan's producer table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcelkit.io.frames import TEXT, Dtypes, typed_frame
from parcelkit.models import Catalog, Packaging, Product, SeasonPlan
from parcelkit.models.orders import PurchaseOrder

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ITEM_COLUMNS",
    "ORDER_LINE_COLUMNS",
    "PLAN_PRODUCER_COLUMNS",
    "QUOTE_COLUMNS",
    "plan_items_frame",
    "plan_producers_frame",
    "plan_quotes_frame",
    "purchase_orders_frame",
]

PLAN_PRODUCER_COLUMNS: Dtypes = {
    "producer_id": TEXT,
    "name": TEXT,
    "district": TEXT,
    "units": "int64",
    "revenue": "int64",
    "capacity": "int64",
    "reachable": "int64",
    "utilization": "float64",
    "eligible": "bool",
    "ineligible_reason": TEXT,
    "share": "float64",
}
"""Columns of `plan_producers_frame`."""

QUOTE_COLUMNS: Dtypes = {
    "request_id": TEXT,
    "company": TEXT,
    "tier": TEXT,
    "variant": "int64",
    "parcels": "int64",
    "price": "int64",
    "value": "int64",
    "packaging": TEXT,
    "packaging_name": TEXT,
    "product_units": "int64",
    "items": object,
    "contents": TEXT,
}
"""Columns of `plan_quotes_frame`."""

ITEM_COLUMNS: Dtypes = {
    "request_id": TEXT,
    "company": TEXT,
    "tier": TEXT,
    "variant": "int64",
    "kind": TEXT,
    "sku": TEXT,
    "name": TEXT,
    "producer_id": TEXT,
    "producer_name": TEXT,
    "qty": "int64",
    "parcels": "int64",
    "units": "int64",
    "unit_price": "int64",
    "revenue": "int64",
}
"""Columns of `plan_items_frame`."""

ORDER_LINE_COLUMNS: Dtypes = {
    "producer_id": TEXT,
    "producer_name": TEXT,
    "district": TEXT,
    "request_id": TEXT,
    "company": TEXT,
    "delivery_date": "datetime64[s]",
    "sku": TEXT,
    "name": TEXT,
    "units": "int64",
    "unit_price": "int64",
    "revenue": "int64",
}
"""Columns of `purchase_orders_frame`."""


def _product(products: dict[str, Product], sku: str, where: str) -> Product:
    """The product of ``sku``; a sku the catalog lacks means the plan is not of this catalog."""
    if sku not in products:
        raise ValueError(f"{where}: sku {sku!r} is not in the catalog")
    return products[sku]


def _packaging(packaging: dict[str, Packaging], package: str, where: str) -> Packaging:
    """The packaging ``package``; one the catalog lacks means the plan is not of this catalog."""
    if package not in packaging:
        raise ValueError(f"{where}: packaging {package!r} is not in the catalog")
    return packaging[package]


def plan_producers_frame(plan: SeasonPlan, catalog: Catalog) -> pd.DataFrame:
    """One row per producer of the plan's table, with its name, district and share.

    ``eligible`` is ``reachable > 0`` (FORMAT.md); ``ineligible_reason`` is the
    reason ``fairness.ineligible`` gives, missing for eligible producers.
    ``share`` is the producer's part of all producer revenue (0 when nobody sold).

    Raises
    ------
    ValueError
        When the table names a producer the catalog does not have.
    """
    producers = {p.id: p for p in catalog.producers}
    reasons = {entry.producer_id: entry.reason for entry in plan.fairness.ineligible}
    everyone = sum(entry.revenue for entry in plan.producers)
    rows = []
    for entry in plan.producers:
        producer = producers.get(entry.producer_id)
        if producer is None:
            raise ValueError(f"producer {entry.producer_id!r} of the plan is not in the catalog")
        rows.append(
            {
                "producer_id": entry.producer_id,
                "name": producer.name,
                "district": producer.district,
                "units": entry.units,
                "revenue": entry.revenue,
                "capacity": entry.capacity,
                "reachable": entry.reachable,
                "utilization": entry.utilization,
                "eligible": entry.reachable > 0,
                "ineligible_reason": reasons.get(entry.producer_id),
                "share": entry.revenue / everyone if everyone else 0.0,
            }
        )
    return typed_frame(rows, PLAN_PRODUCER_COLUMNS)


def plan_quotes_frame(plan: SeasonPlan, catalog: Catalog) -> pd.DataFrame:
    """One row per variant of every tier of every quote: what one group of parcels holds.

    ``price`` is per parcel as the quote states it (fees included) and
    ``value`` is parcels x price; ``product_units`` counts the product units
    of one parcel. ``items`` is the composition as a tuple of ``(sku, qty)``
    and ``contents`` the same in words, e.g. ``"2 x Kopi Robusta 200g, ..."``.

    Raises
    ------
    ValueError
        When a variant names a sku or packaging the catalog does not have.
    """
    products = {p.sku: p for p in catalog.products}
    packaging = {p.id: p for p in catalog.packaging}
    rows = []
    for quote in plan.quotes:
        for tier in quote.tiers:
            where = f"request {quote.request_id}, tier {tier.name}"
            for number, variant in enumerate(tier.variants, start=1):
                names = [
                    f"{item.qty} x {_product(products, item.sku, where).name}"
                    for item in variant.items
                ]
                rows.append(
                    {
                        "request_id": quote.request_id,
                        "company": quote.company,
                        "tier": tier.name,
                        "variant": number,
                        "parcels": variant.parcels,
                        "price": variant.price,
                        "value": variant.parcels * variant.price,
                        "packaging": variant.packaging,
                        "packaging_name": _packaging(packaging, variant.packaging, where).name,
                        "product_units": sum(item.qty for item in variant.items),
                        "items": tuple((item.sku, item.qty) for item in variant.items),
                        "contents": ", ".join(names),
                    }
                )
    return typed_frame(rows, QUOTE_COLUMNS)


def plan_items_frame(plan: SeasonPlan, catalog: Catalog) -> pd.DataFrame:
    """One row per item of every variant, and one for the variant's packaging.

    ``kind`` is ``"product"`` for an item and ``"packaging"`` for the box or
    basket (its id in ``sku``, qty 1); filter on it for product units alone.
    ``units`` is parcels x qty and ``revenue`` units x the catalog price, as
    FORMAT.md counts producer revenue; packaging nobody in the catalog makes
    has no ``producer_id``. So ``revenue`` grouped by ``producer_id`` gives
    the plan's producer table.

    Raises
    ------
    ValueError
        When a variant names a sku or packaging the catalog does not have.
    """
    products = {p.sku: p for p in catalog.products}
    packaging = {p.id: p for p in catalog.packaging}
    producers = {p.id: p.name for p in catalog.producers}
    rows: list[dict[str, Any]] = []
    for quote in plan.quotes:
        for tier in quote.tiers:
            where = f"request {quote.request_id}, tier {tier.name}"
            for number, variant in enumerate(tier.variants, start=1):
                place = {
                    "request_id": quote.request_id,
                    "company": quote.company,
                    "tier": tier.name,
                    "variant": number,
                }
                goods: list[tuple[str, str, str, str | None, int, int]] = []
                for item in variant.items:
                    product = _product(products, item.sku, where)
                    goods.append(
                        (
                            "product",
                            item.sku,
                            product.name,
                            product.producer_id,
                            item.qty,
                            product.price,
                        )
                    )
                box = _packaging(packaging, variant.packaging, where)
                goods.append(("packaging", box.id, box.name, box.producer_id, 1, box.price))
                for kind, sku, name, producer_id, qty, price in goods:
                    units = variant.parcels * qty
                    rows.append(
                        {
                            **place,
                            "kind": kind,
                            "sku": sku,
                            "name": name,
                            "producer_id": producer_id,
                            "producer_name": producers.get(producer_id or ""),
                            "qty": qty,
                            "parcels": variant.parcels,
                            "units": units,
                            "unit_price": price,
                            "revenue": units * price,
                        }
                    )
    return typed_frame(rows, ITEM_COLUMNS)


def purchase_orders_frame(orders: Sequence[PurchaseOrder]) -> pd.DataFrame:
    """One row per order line, with its producer's id, name and district.

    Rows keep the orders' order (producers in catalog order, lines in request
    arrival order then sku); ``delivery_date`` is missing where the request
    gave none. One producer's sheet is ``frame[frame["producer_id"] == pid]``.
    """
    rows = [
        {
            "producer_id": order.producer_id,
            "producer_name": order.producer_name,
            "district": order.district,
            **line.model_dump(),
        }
        for order in orders
        for line in order.lines
    ]
    return typed_frame(rows, ORDER_LINE_COLUMNS)
