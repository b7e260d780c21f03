"""The objective terms of a quote, and the priorities that order them.

- ``value``: what the company gets for its budget, the quote's total (fees
  included). Parcels near the budget are worth more to the company.
- ``spread``: how widely the order spreads over producers: the producers that
  sell anything, each weighted, more for producers that have sold least when
  the caller passes the stock left. (`parcelkit.solve.bounds` gives its
  proven bound, `parcelkit.solve.single.fill_tier` a first answer that shares
  the parcels evenly over the variants.)
- ``preferences``: the company's likes and dislikes, per unit ordered.

`QuoteObjective` orders them; each stage holds the earlier ones: value per
parcel within a small tolerance, the others exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field, field_validator

from parcelkit.models import Catalog, Request
from parcelkit.solve.parcel import Composition
from parcelkit.solve.quote_model import QuoteModel

Term = Literal["value", "spread", "preferences"]


class QuoteObjective(BaseModel):
    """What a quote optimizes, in priority order.

    Attributes
    ----------
    order
        The terms, first the most important. Leave a term out to ignore it.
    value_tolerance
        How much value later stages may give up: each tier keeps at least
        ``1 - value_tolerance`` of the value the value stage reached for it,
        and every variant at least that share of the tier's value per parcel
        (or of the cheapest variant that stage chose, if lower). 0.01 = 1 %.
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


def owners(catalog: Catalog) -> dict[str, str]:
    """sku or packaging id -> the producer whose revenue it is (packaging with a maker only)."""
    owner = {p.sku: p.producer_id for p in catalog.products}
    owner.update({p.id: p.producer_id for p in catalog.packaging if p.producer_id})
    return owner


def first_units(
    composition: Composition, owner: Mapping[str, str]
) -> dict[str, list[cp_model.IntVar]]:
    """Per producer in ``owner``, the literals "the composition holds one of its goods"."""
    firsts: dict[str, list[cp_model.IntVar]] = {}
    for sku, chain in composition.steps.items():
        if chain and sku in owner:
            firsts.setdefault(owner[sku], []).append(chain[0])
    for package_id, chosen in composition.packaging.items():
        if package_id in owner:
            firsts.setdefault(owner[package_id], []).append(chosen)
    return firsts


def sells_term(
    model: cp_model.CpModel,
    compositions: Sequence[Composition],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
) -> cp_model.LinearExpr:
    """The weighted count of producers that sell something in ``compositions``.

    ``sells_j <= sum of j's first-unit literals`` is linear, so the LP relaxation
    already knows a parcel of n items adds at most n producers.
    """
    firsts: dict[str, list[cp_model.IntVar]] = {}
    for composition in compositions:
        for producer_id, literals in first_units(composition, owner).items():
            firsts.setdefault(producer_id, []).extend(literals)
    return weighted_sellers(model, firsts, weights)


def weighted_sellers(
    model: cp_model.CpModel,
    reaches: Mapping[str, Sequence[cp_model.IntVar]],
    weights: Mapping[str, int],
) -> cp_model.LinearExpr:
    """The weighted count of producers that sell: producer j sells only when one
    of its literals in ``reaches`` holds (``sells_j <= their sum``)."""
    terms = []
    for producer_id, literals in sorted(reaches.items()):
        sells = model.new_bool_var(f"sells:{producer_id}")
        model.add(sells <= cp_model.LinearExpr.sum(list(literals)))
        terms.append(weights.get(producer_id, 10) * sells)
    return cp_model.LinearExpr.sum(terms)


def spread_term(
    qm: QuoteModel, owner: Mapping[str, str], weights: Mapping[str, int]
) -> cp_model.LinearExpr:
    """The quote's spread: the weighted count of producers that sell anything in it."""
    compositions = [c for tier in qm.tiers for c in tier.slots]
    return sells_term(qm.model, compositions, owner, weights)


def sku_preferences(catalog: Catalog, request: Request) -> dict[str, int]:
    """The company's weight per unit of each sku: its category's plus its own (non-zero only)."""
    likes = request.preferences
    weights = {
        p.sku: likes.categories.get(p.category, 0) + likes.skus.get(p.sku, 0)
        for p in catalog.products
    }
    return {sku: w for sku, w in weights.items() if w}


def parcel_preference(composition: Composition, likes: Mapping[str, int]) -> cp_model.LinearExpr:
    """One parcel's preference score: the weights of the units it holds."""
    skus = [sku for sku in likes if sku in composition.qty]
    return cp_model.LinearExpr.weighted_sum(
        [composition.qty[sku] for sku in skus], [likes[sku] for sku in skus]
    )


def preference_term(qm: QuoteModel, likes: Mapping[str, int]) -> cp_model.LinearExpr:
    """The quote's preference score: the weights of all units ordered."""
    skus = [sku for sku in likes if sku in qm.total_units]
    return cp_model.LinearExpr.weighted_sum(
        [qm.total_units[sku] for sku in skus], [likes[sku] for sku in skus]
    )
