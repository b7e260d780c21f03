"""What the optimizer answers: a quote for one request, a plan for a season.

These mirror FORMAT.md's ``parcelkit.quote/1`` and ``parcelkit.plan/1``.
An infeasible request is a result with ``status = infeasible`` and reasons,
never an exception.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from parcelkit.models.catalog import Rupiah

QUOTE_FORMAT: Final = "parcelkit.quote/1"
PLAN_FORMAT: Final = "parcelkit.plan/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Status(StrEnum):
    """How far a result is proven: the fixed set of status names."""

    OPTIMAL = "optimal"
    """Proven best: the bound meets the answer."""
    FEASIBLE = "feasible"
    """Valid, not proven best."""
    INFEASIBLE = "infeasible"
    """Proven: no valid answer exists."""
    UNKNOWN = "unknown"
    """Time ran out before any valid answer and before a proof."""


class Item(_Frozen):
    """Units of one sku in a parcel."""

    sku: str
    qty: int = Field(gt=0)
    unit_price: Rupiah


class Variant(_Frozen):
    """One composition (packaging plus items) and how many parcels get it."""

    parcels: int = Field(gt=0)
    packaging: str
    items: tuple[Item, ...]
    price: Rupiah = Field(description="Per parcel: items, packaging and fees.")


class TierQuote(_Frozen):
    """A tier of the request and the variants that fill it."""

    name: str
    parcels: int
    budget: Rupiah
    variants: tuple[Variant, ...] = ()


class ProducerSales(_Frozen):
    """What one producer sells in a quote: units and revenue (fees excluded)."""

    producer_id: str
    units: int
    revenue: Rupiah


class Stage(_Frozen):
    """One objective stage of a solve, with its proven bound."""

    name: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = Field(default=None, description="(bound - objective) / bound.")


class SolverInfo(_Frozen):
    """How the answer was found: name, time, stages, and whether it is reproducible."""

    name: str
    wall_time_s: float = 0.0
    stages: tuple[Stage, ...] = ()
    deterministic: bool = True


class Suggestion(_Frozen):
    """A machine-readable change that would make an infeasible request work."""

    rule: str = Field(description="The rule (or 'budget', 'parcels') to change.")
    tier: str | None = Field(default=None, description="The tier it applies to; None: all.")
    value: Any = Field(description="The new value for the rule.")
    message: str = ""


class Quote(_Frozen):
    """One company's quote (format ``parcelkit.quote/1``)."""

    format: Literal["parcelkit.quote/1"] = QUOTE_FORMAT
    request_id: str
    company: str
    status: Status
    tiers: tuple[TierQuote, ...] = ()
    total: Rupiah = 0
    producers: tuple[ProducerSales, ...] = ()
    reasons: tuple[str, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    solver: SolverInfo

    @property
    def served(self) -> bool:
        """True when the quote holds valid parcels for every tier."""
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)


class ProducerFigures(_Frozen):
    """A producer's season: sales, capacity and the bound on what it could sell."""

    producer_id: str
    units: int
    revenue: Rupiah
    capacity: Rupiah
    reachable: Rupiah
    utilization: float


class Ineligible(_Frozen):
    """A producer no request may buy from, and why."""

    producer_id: str
    reason: str


class Fairness(_Frozen):
    """How evenly the season's revenue spreads over the eligible producers."""

    policy: str
    gini: float
    jain: float
    coverage: float
    min_utilization: float
    max_share: float
    ineligible: tuple[Ineligible, ...] = ()


class Unserved(_Frozen):
    """A request the plan does not serve, and what ran out."""

    request_id: str
    reason: str


class SeasonPlan(_Frozen):
    """A season's plan (format ``parcelkit.plan/1``)."""

    format: Literal["parcelkit.plan/1"] = PLAN_FORMAT
    status: Status
    quotes: tuple[Quote, ...] = ()
    unserved: tuple[Unserved, ...] = ()
    producers: tuple[ProducerFigures, ...] = ()
    fairness: Fairness
    solver: SolverInfo
