"""Purchase orders: what each producer makes for a season plan, and for whom.

A plan says which parcels each company gets; a producer needs the other view:
which of its skus to make, how many, for which company and by when. Revenue
is counted as FORMAT.md counts it for the producer table (and as
`parcelkit.verify` recomputes it): units x the catalog price, products plus
the packaging a producer makes, fees excluded. So the orders of a plan add up,
producer by producer, to the plan's ``producers[]`` figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcelkit.models.catalog import Catalog, Rupiah
from parcelkit.models.request import Request
from parcelkit.models.result import SeasonPlan

__all__ = ["OrderLine", "PurchaseOrder", "purchase_orders"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderLine(_Frozen):
    """Units of one sku a producer makes for one request."""

    request_id: str
    company: str
    delivery_date: dt.date | None = Field(
        default=None, description="When the company wants its parcels (None: not given)."
    )
    sku: str = Field(description="A product sku, or the id of a packaging the producer makes.")
    name: str = Field(description="The product's (or packaging's) name in the catalog.")
    units: int = Field(gt=0)
    unit_price: Rupiah = Field(description="The catalog price per unit.")
    revenue: Rupiah = Field(description="units x unit_price.")

    @model_validator(mode="after")
    def _revenue_adds_up(self) -> Self:
        if self.revenue != self.units * self.unit_price:
            raise ValueError(
                f"revenue {self.revenue} is not units {self.units} x unit_price {self.unit_price}"
            )
        return self


class PurchaseOrder(_Frozen):
    """Everything one producer makes for a season plan, line by line."""

    producer_id: str
    producer_name: str
    district: str = ""
    lines: tuple[OrderLine, ...] = Field(
        description="In request arrival order, then by sku within a request."
    )
    units: int = Field(description="Units over all lines.")
    revenue: Rupiah = Field(description="Revenue over all lines (fees excluded).")

    @model_validator(mode="after")
    def _totals_add_up(self) -> Self:
        units = sum(line.units for line in self.lines)
        revenue = sum(line.revenue for line in self.lines)
        if (self.units, self.revenue) != (units, revenue):
            raise ValueError(
                f"totals {self.units} units, {self.revenue} revenue do not match the lines' "
                f"{units} units, {revenue} revenue"
            )
        return self


@dataclass(frozen=True)
class _Good:
    """Something a parcel holds that somebody sells: a product or a packaging."""

    producer_id: str | None
    name: str
    price: int


def _goods(catalog: Catalog) -> tuple[dict[str, _Good], dict[str, _Good]]:
    """Products by sku and packaging by id, with who makes each (None: bought elsewhere)."""
    products = {p.sku: _Good(p.producer_id, p.name, p.price) for p in catalog.products}
    packaging = {p.id: _Good(p.producer_id, p.name, p.price) for p in catalog.packaging}
    return products, packaging


def _arrivals(requests: Sequence[Request]) -> dict[str, tuple[int, Request]]:
    """Each request id with its arrival position (the first request of an id wins)."""
    arrivals: dict[str, tuple[int, Request]] = {}
    for position, request in enumerate(requests):
        arrivals.setdefault(request.id, (position, request))
    return arrivals


def purchase_orders(
    plan: SeasonPlan, catalog: Catalog, requests: Sequence[Request]
) -> tuple[PurchaseOrder, ...]:
    """One purchase order per producer that sells anything in ``plan``.

    Parameters
    ----------
    plan
        The season plan; every variant of every quote counts.
    catalog
        The catalog the plan was made from: names, prices, and who makes what.
        Packaging with a ``producer_id`` is made by that producer and gets a
        line (its id as the sku, one unit per parcel); other packaging is
        bought elsewhere and appears in no order.
    requests
        The season's requests in arrival order, for each line's company and
        delivery date, and for the order of the lines.

    Returns
    -------
    tuple[PurchaseOrder, ...]
        Producers in catalog order. Each line is one (request, sku): units are
        the sum over the request's variants of parcels x qty, revenue is units
        x the catalog price; lines run in request arrival order, then by sku.

    Raises
    ------
    ValueError
        When the plan does not match the catalog or the requests: an unknown
        sku or packaging id, or a quote for a request not in ``requests``.
    """
    products, packaging = _goods(catalog)
    arrivals = _arrivals(requests)
    units: dict[tuple[str, str, str], int] = {}
    goods: dict[tuple[str, str, str], _Good] = {}

    def count(good: _Good, request_id: str, sku: str, amount: int) -> None:
        if good.producer_id is None:
            return
        key = (good.producer_id, request_id, sku)
        units[key] = units.get(key, 0) + amount
        goods[key] = good

    for quote in plan.quotes:
        if quote.request_id not in arrivals:
            raise ValueError(f"the plan quotes request {quote.request_id!r}, not a given request")
        for tier in quote.tiers:
            for variant in tier.variants:
                for item in variant.items:
                    if item.sku not in products:
                        raise ValueError(
                            f"request {quote.request_id}, tier {tier.name}: sku {item.sku!r} "
                            "is not in the catalog"
                        )
                    good = products[item.sku]
                    count(good, quote.request_id, item.sku, variant.parcels * item.qty)
                if variant.packaging not in packaging:
                    raise ValueError(
                        f"request {quote.request_id}, tier {tier.name}: packaging "
                        f"{variant.packaging!r} is not in the catalog"
                    )
                count(
                    packaging[variant.packaging],
                    quote.request_id,
                    variant.packaging,
                    variant.parcels,
                )

    lines: dict[str, list[OrderLine]] = {}
    for key in sorted(units, key=lambda k: (arrivals[k[1]][0], k[2])):
        producer_id, request_id, sku = key
        request = arrivals[request_id][1]
        good = goods[key]
        lines.setdefault(producer_id, []).append(
            OrderLine(
                request_id=request_id,
                company=request.company,
                delivery_date=request.delivery_date,
                sku=sku,
                name=good.name,
                units=units[key],
                unit_price=good.price,
                revenue=units[key] * good.price,
            )
        )
    return tuple(
        PurchaseOrder(
            producer_id=producer.id,
            producer_name=producer.name,
            district=producer.district,
            lines=tuple(lines[producer.id]),
            units=sum(line.units for line in lines[producer.id]),
            revenue=sum(line.revenue for line in lines[producer.id]),
        )
        for producer in catalog.producers
        if producer.id in lines
    )
