"""A company's order: tiers of parcels, the rules they obey, fees and preferences.

A rule left out (``None``) means "not given here". The effective rules of a
tier start from `DEFAULT_RULES`, then each rule the request gives replaces the
default, then each rule the tier gives replaces that (whole, never merged):
`effective_rules` is the one place that does this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Final, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from parcelkit.errors import Problem
from parcelkit.models.catalog import Catalog, Rupiah

REQUEST_FORMAT: Final = "parcelkit.request/1"


def _share_to_json(value: Decimal) -> int | float:
    # JSON has numbers, not decimals: write the shortest number that reads back
    # to the same decimal (0.10 -> 0.1), an integer when whole.
    return int(value) if value == value.to_integral_value() else float(value)


Share = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    PlainSerializer(_share_to_json, when_used="json"),
]
"""An exact decimal share (0.10 = 10 %); never a binary float in comparisons."""

CategoryRange = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Rules(_Frozen):
    """Rules a request or a tier gives; ``None`` means "not given here"."""

    min_items: int | None = Field(default=None, ge=0, description="Product units per parcel.")
    max_items: int | None = Field(default=None, ge=1, description="Product units per parcel.")
    categories: dict[str, CategoryRange] | None = Field(
        default=None, description="{category: [min, max]} product units of that category."
    )
    halal_only: bool | None = Field(default=None, description="Only halal products among food.")
    exclude_tags: tuple[str, ...] | None = Field(
        default=None, description="No product carrying any of these tags."
    )
    max_same_product: int | None = Field(default=None, ge=1, description="Units of one sku.")
    max_items_per_producer: int | None = Field(
        default=None, ge=1, description="Product units from one producer in one parcel."
    )
    max_variants: int | None = Field(
        default=None, ge=1, description="Distinct variants a tier may be split into."
    )
    variant_price_spread: Share | None = Field(
        default=None, description="Highest parcel price <= (1 + spread) x lowest, per tier."
    )
    min_budget_use: Share | None = Field(
        default=None, le=1, description="Parcel price >= this share of the budget."
    )
    min_shelf_life_days: int | None = Field(
        default=None, ge=0, description="Only products that keep at least this long."
    )
    packaging: tuple[str, ...] | None = Field(
        default=None, description="Allowed packaging ids (None: any)."
    )

    @field_validator("categories")
    @classmethod
    def _ranges_ordered(
        cls, value: dict[str, CategoryRange] | None
    ) -> dict[str, CategoryRange] | None:
        for category, (low, high) in (value or {}).items():
            if low > high:
                raise ValueError(f"category {category!r}: min {low} is above max {high}")
        return value

    @model_validator(mode="after")
    def _items_ordered(self) -> Self:
        if (
            self.min_items is not None
            and self.max_items is not None
            and self.min_items > self.max_items
        ):
            raise ValueError(f"min_items {self.min_items} is above max_items {self.max_items}")
        return self

    def given(self) -> dict[str, object]:
        """The rules given here, by name (what replaces the rules below it)."""
        return {
            name: getattr(self, name)
            for name in sorted(self.model_fields_set)
            if getattr(self, name) is not None
        }


class EffectiveRules(_Frozen):
    """The complete rules every parcel of one tier must satisfy."""

    min_items: int = 4
    max_items: int = 15
    categories: dict[str, CategoryRange] = Field(default_factory=dict)
    halal_only: bool = True
    exclude_tags: tuple[str, ...] = ()
    max_same_product: int = 2
    max_items_per_producer: int | None = None
    max_variants: int = 3
    variant_price_spread: Share = Decimal("0.10")
    min_budget_use: Share = Decimal("0.85")
    min_shelf_life_days: int | None = None
    packaging: tuple[str, ...] | None = None


DEFAULT_RULES = EffectiveRules()
"""The defaults of FORMAT.md, before a request or tier gives anything."""


class Tier(_Frozen):
    """A group of identical-budget parcels within a request (staff, manager, ...)."""

    name: str = Field(min_length=1)
    parcels: int = Field(gt=0, description="How many parcels of this tier.")
    budget: Rupiah = Field(gt=0, description="Most a parcel may cost, fees included.")
    rules: Rules = Field(default_factory=Rules, description="Rules that replace the request's.")


class Fees(_Frozen):
    """Per-parcel fees added to the price; exactly these two keys."""

    assembly: Rupiah = Field(default=0, ge=0)
    koperasi: Rupiah = Field(default=0, ge=0)

    @property
    def per_parcel(self) -> int:
        """Both fees together, per parcel."""
        return self.assembly + self.koperasi


class Preferences(_Frozen):
    """What a company likes (positive weight) or dislikes (negative)."""

    categories: dict[str, int] = Field(default_factory=dict)
    skus: dict[str, int] = Field(default_factory=dict)


class Request(_Frozen):
    """One company's order (format ``parcelkit.request/1``)."""

    format: Literal["parcelkit.request/1"] = REQUEST_FORMAT
    id: str = Field(min_length=1)
    company: str = Field(min_length=1)
    koperasi: str = Field(default="", description="The employee cooperative that orders.")
    delivery_date: dt.date | None = None
    tiers: tuple[Tier, ...] = Field(min_length=1)
    rules: Rules = Field(default_factory=Rules)
    fees: Fees = Field(default_factory=Fees)
    preferences: Preferences = Field(default_factory=Preferences)

    @model_validator(mode="after")
    def _tiers_consistent(self) -> Self:
        names = [t.name for t in self.tiers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate tier name(s): {', '.join(duplicates)}")
        for tier in self.tiers:
            rules = effective_rules(self, tier)
            if rules.min_items > rules.max_items:
                raise ValueError(
                    f"tier {tier.name!r}: effective min_items {rules.min_items} is above "
                    f"max_items {rules.max_items}"
                )
        return self

    def tier(self, name: str) -> Tier:
        """The tier called ``name``."""
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise KeyError(name)


def effective_rules(request: Request, tier: Tier) -> EffectiveRules:
    """The rules every parcel of ``tier`` must satisfy: defaults, then request, then tier."""
    merged: dict[str, object] = DEFAULT_RULES.model_dump()
    merged.update(request.rules.given())
    merged.update(tier.rules.given())
    return EffectiveRules.model_validate(merged)


def request_problems(request: Request, catalog: Catalog) -> list[Problem]:
    """What in ``request`` refers to something ``catalog`` does not have.

    A category or packaging the catalog lacks is an error that lists what the
    catalog does have; a preference for an unknown sku likewise.
    """
    problems: list[Problem] = []
    categories = set(catalog.categories)
    packaging = set(catalog.packaging_by_id)
    scopes: list[tuple[str, Rules]] = [("rules", request.rules)] + [
        (f"tiers[{t.name}].rules", t.rules) for t in request.tiers
    ]
    for scope, rules in scopes:
        for category in sorted(rules.categories or {}):
            if category not in categories:
                problems.append(
                    Problem(
                        message=f"request {request.id}: unknown category {category!r} in {scope}",
                        field="categories",
                        value=category,
                        expected="one of " + ", ".join(sorted(categories)),
                    )
                )
        for package in rules.packaging or ():
            if package not in packaging:
                problems.append(
                    Problem(
                        message=f"request {request.id}: unknown packaging {package!r} in {scope}",
                        field="packaging",
                        value=package,
                        expected="one of " + ", ".join(sorted(packaging)),
                    )
                )
    for category in sorted(request.preferences.categories):
        if category not in categories:
            problems.append(
                Problem(
                    message=f"request {request.id}: preference for unknown category {category!r}",
                    field="preferences",
                    value=category,
                    expected="one of " + ", ".join(sorted(categories)),
                )
            )
    for sku in sorted(request.preferences.skus):
        if sku not in catalog.product_by_sku:
            problems.append(
                Problem(
                    message=f"request {request.id}: preference for unknown sku {sku!r}",
                    field="preferences",
                    value=sku,
                    expected="a sku of the catalog",
                )
            )
    return problems


def requests_problems(requests: Sequence[Request], catalog: Catalog | None = None) -> list[Problem]:
    """Problems across a season's requests: duplicate ids, and (given a catalog) references."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, request in enumerate(requests, start=1):
        if request.id in seen:
            problems.append(
                Problem(
                    message=f"duplicate request id {request.id!r}",
                    sheet="requests",
                    row=position,
                    field="id",
                    value=request.id,
                    expected="an id not used before",
                )
            )
        seen.add(request.id)
        if catalog is not None:
            for problem in request_problems(request, catalog):
                problems.append(
                    Problem(
                        message=problem.message,
                        sheet="requests",
                        row=position,
                        field=problem.field,
                        value=problem.value,
                        expected=problem.expected,
                    )
                )
    return problems
