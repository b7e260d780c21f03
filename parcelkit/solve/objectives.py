"""The objective terms of a quote, and the priorities that order them.

- ``value``: what the company gets for its budget, the quote's total (fees
  included). Parcels near the budget are worth more to the company.
- ``spread``: how widely the order spreads over producers: the producers that
  sell anything (each weighted, more for producers that have sold least when
  the caller passes the stock left), then, among equals, the smallest largest
  producer share of the quote's revenue.
- ``preferences``: the company's likes and dislikes, per unit ordered.

`QuoteObjective` orders them; each stage holds the earlier ones (value within
a small tolerance, the others exactly).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field, field_validator

from parcelkit.models import Catalog, Request
from parcelkit.solve.quote_model import QuoteModel

Term = Literal["value", "spread", "preferences"]

SHARE_STEPS = 1000
"""The largest producer share is measured in thousandths of the quote's value."""


class QuoteObjective(BaseModel):
    """What a quote optimizes, in priority order.

    Attributes
    ----------
    order
        The terms, first the most important. Leave a term out to ignore it.
    value_tolerance
        The share of the best value a later stage may give up (0.01 = 1 %).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    order: tuple[Term, ...] = Field(default=("value", "spread", "preferences"), min_length=1)
    value_tolerance: Decimal = Field(default=Decimal("0.01"), ge=0, le=1)

    @field_validator("order")
    @classmethod
    def _no_repeats(cls, order: tuple[Term, ...]) -> tuple[Term, ...]:
        if len(set(order)) != len(order):
            raise ValueError("each objective term may appear once")
        return order


def producer_weights(catalog: Catalog, stock: Mapping[str, int] | None) -> dict[str, int]:
    """Weight of selling to each producer in the spread term (10 to 20).

    Without a ``stock`` override every producer weighs 10. With one, a producer
    weighs 10 plus ten times the share of its capacity (stock x price) still
    unsold, so the ones that have sold least are preferred.
    """
    weights = {p.id: 10 for p in catalog.producers}
    if not stock:
        return weights
    capacity: dict[str, int] = dict.fromkeys(weights, 0)
    unsold: dict[str, int] = dict.fromkeys(weights, 0)
    goods = [(p.sku, p.producer_id, p.price, p.stock) for p in catalog.products] + [
        (p.id, p.producer_id, p.price, p.stock) for p in catalog.packaging if p.producer_id
    ]
    for key, producer_id, price, units in goods:
        assert producer_id is not None
        capacity[producer_id] += price * units
        unsold[producer_id] += price * min(units, max(0, stock.get(key, units)))
    for producer_id, total in capacity.items():
        if total > 0:
            weights[producer_id] = 10 + (10 * unsold[producer_id]) // total
    return weights


def spread_term(
    qm: QuoteModel, catalog: Catalog, weights: Mapping[str, int], value_reached: int
) -> cp_model.LinearExpr:
    """Weighted producers that sell anything, then minus the largest producer share.

    The share is measured against ``value_reached`` (the held value) so it stays
    linear: ``SHARE_STEPS x revenue_j <= share x value_reached`` for every j.
    """
    model = qm.model
    owner = {p.sku: p.producer_id for p in catalog.products}
    owner.update({p.id: p.producer_id for p in catalog.packaging if p.producer_id})
    price = {p.sku: p.price for p in catalog.products}
    price.update({p.id: p.price for p in catalog.packaging})
    goods: dict[str, list[str]] = {}
    for key in qm.used:
        if key in owner:
            goods.setdefault(owner[key], []).append(key)
    share = model.new_int_var(0, SHARE_STEPS, "largest_share")
    sells = []
    for producer_id, keys in sorted(goods.items()):
        flag = model.new_bool_var(f"sells:{producer_id}")
        model.add_bool_or([qm.used[k] for k in keys]).only_enforce_if(flag)
        sells.append(weights.get(producer_id, 10) * flag)
        revenue = cp_model.LinearExpr.weighted_sum(
            [qm.total_units[k] for k in keys], [price[k] for k in keys]
        )
        model.add(SHARE_STEPS * revenue <= share * max(1, value_reached))
    return (SHARE_STEPS + 1) * cp_model.LinearExpr.sum(sells) - share


def preference_term(qm: QuoteModel, catalog: Catalog, request: Request) -> cp_model.LinearExpr:
    """Sum over units ordered of the company's weight for their sku and category."""
    likes = request.preferences
    terms = []
    for product in catalog.products:
        weight = likes.categories.get(product.category, 0) + likes.skus.get(product.sku, 0)
        if weight and product.sku in qm.total_units:
            terms.append(weight * qm.total_units[product.sku])
    return cp_model.LinearExpr.sum(terms)
