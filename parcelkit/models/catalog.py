"""The catalog: producers, their products and the packaging parcels go in.

Every model is frozen and money is an ``int`` of rupiah. Field checks that
concern one record live on the record; checks across records (unique ids,
references that resolve) are in `catalog_problems`, a pure function that the
I/O layer also calls so that it can name the row of each problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parcelkit.errors import Problem

CATALOG_FORMAT: Final = "parcelkit.catalog/1"

KNOWN_CERTIFICATIONS = ("halal", "pirt", "bpom", "sni")
"""Certifications parcelkit interprets; others are kept as given."""

Rupiah = Annotated[int, Field(strict=True, description="An amount of rupiah (no cents).")]
Word = Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Producer(_Frozen):
    """A micro or small enterprise (UMKM) in the program."""

    id: str = Field(min_length=1, description="Unique id, referenced by products and packaging.")
    name: str = Field(min_length=1, description="Trading name, printed on documents.")
    district: str = Field(default="", description="Kecamatan the producer works in.")
    certifications: tuple[str, ...] = Field(
        default=(), description="Any of halal, pirt, bpom, sni; others are kept as given."
    )


class Product(_Frozen):
    """One sku a producer sells for the season."""

    sku: str = Field(min_length=1, description="Unique across the catalog.")
    producer_id: str = Field(min_length=1, description="The producer that makes it.")
    name: str = Field(min_length=1)
    category: Word = Field(description="A short lower-case word; requests use the same words.")
    price: Rupiah = Field(gt=0, description="Rupiah per unit.")
    stock: int = Field(ge=0, description="Units the producer can deliver this season.")
    min_order: int = Field(
        default=1, ge=1, description="If ordered at all, at least this many units in total."
    )
    halal: bool = Field(default=False, description="True only with a halal certificate.")
    halal_cert: str | None = Field(default=None, description="Halal certificate number.")
    pirt: str | None = Field(default=None, description="P-IRT permit number.")
    bpom: str | None = Field(default=None, description="BPOM MD registration number.")
    food: bool = Field(default=True, description="False for goods not eaten or drunk.")
    weight_g: int = Field(gt=0, description="Grams per unit.")
    volume_ml: int = Field(gt=0, description="Packed volume per unit, in millilitres.")
    shelf_life_days: int | None = Field(
        default=None, ge=1, description="Days it keeps after it is made; required for food."
    )
    tags: tuple[str, ...] = Field(default=(), description="Free words used by rules.")

    @model_validator(mode="after")
    def _food_keeps(self) -> Self:
        if self.food and self.shelf_life_days is None:
            raise ValueError("shelf_life_days is required for food (food is true)")
        return self


class Packaging(_Frozen):
    """A box or basket; every parcel has exactly one."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: Rupiah = Field(gt=0, description="Rupiah per unit.")
    capacity_ml: int = Field(gt=0, description="Volume the items may take.")
    max_weight_g: int = Field(gt=0, description="Weight the items may have.")
    stock: int = Field(ge=0, description="Units available this season.")
    producer_id: str | None = Field(
        default=None, description="The producer that makes it, whose revenue it counts as."
    )


def catalog_problems(
    producers: Sequence[Producer],
    products: Sequence[Product],
    packaging: Sequence[Packaging],
) -> list[Problem]:
    """Cross-record problems: duplicate ids and references that do not resolve.

    Each problem's ``sheet`` is the collection name and ``row`` the 1-based
    position in that list; the I/O layer maps positions to spreadsheet rows.
    """
    problems: list[Problem] = []
    problems += _duplicates("producers", "id", [p.id for p in producers])
    problems += _duplicates("products", "sku", [p.sku for p in products])
    problems += _duplicates("packaging", "id", [p.id for p in packaging])
    known = {p.id for p in producers}
    refs: list[tuple[str, int, str | None]] = [
        ("products", i, p.producer_id) for i, p in enumerate(products)
    ] + [("packaging", i, p.producer_id) for i, p in enumerate(packaging)]
    for sheet, index, ref in refs:
        if ref is not None and ref not in known:
            problems.append(
                Problem(
                    message=f"unknown producer {ref!r}",
                    sheet=sheet,
                    row=index + 1,
                    field="producer_id",
                    value=ref,
                    expected="the id of a producer in the catalog",
                )
            )
    return problems


def _duplicates(sheet: str, field: str, values: Iterable[str]) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, value in enumerate(values):
        if value in first:
            problems.append(
                Problem(
                    message=f"duplicate {field} {value!r}, first used at position {first[value]}",
                    sheet=sheet,
                    row=index + 1,
                    field=field,
                    value=value,
                    expected=f"a {field} not used before",
                )
            )
        else:
            first[value] = index + 1
    return problems


class Catalog(_Frozen):
    """A season's producers, products and packaging (format ``parcelkit.catalog/1``)."""

    format: Literal["parcelkit.catalog/1"] = CATALOG_FORMAT
    season: str = Field(default="", description="e.g. 'Lebaran 2027'.")
    producers: tuple[Producer, ...] = ()
    products: tuple[Product, ...] = ()
    packaging: tuple[Packaging, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = catalog_problems(self.producers, self.products, self.packaging)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    @property
    def producer_by_id(self) -> dict[str, Producer]:
        """Producers keyed by id."""
        return {p.id: p for p in self.producers}

    @property
    def product_by_sku(self) -> dict[str, Product]:
        """Products keyed by sku."""
        return {p.sku: p for p in self.products}

    @property
    def packaging_by_id(self) -> dict[str, Packaging]:
        """Packaging keyed by id."""
        return {p.id: p for p in self.packaging}

    @property
    def categories(self) -> tuple[str, ...]:
        """The product categories in the catalog, sorted."""
        return tuple(sorted({p.category for p in self.products}))
