"""Tests of parcelkit.io.columns: sheet layouts, header checks, rows to records."""

from __future__ import annotations

from decimal import Decimal

from parcelkit.io.columns import (
    PACKAGING,
    PRODUCERS,
    PRODUCTS,
    REQUESTS,
    TIERS,
    Row,
    bind,
    cells_of,
    parse_row,
)
from parcelkit.io.tabular import Sheet
from parcelkit.models import Product, Rules, Tier


def _sheet(header: tuple[object, ...], *rows: tuple[object, ...]) -> Sheet:
    return Sheet("s", header, tuple((n, r) for n, r in enumerate(rows, start=2)))


def test_required_columns_follow_the_models() -> None:
    """A column is required exactly when the model's field has no default."""
    assert [c.name for c in PRODUCERS.columns if c.required] == ["id", "name"]
    assert [c.name for c in PRODUCTS.columns if c.required] == [
        "sku",
        "producer_id",
        "name",
        "category",
        "price",
        "stock",
        "weight_g",
        "volume_ml",
    ]
    assert [c.name for c in PACKAGING.columns if c.required] == [
        "id",
        "name",
        "price",
        "capacity_ml",
        "max_weight_g",
        "stock",
    ]
    assert "format" not in PRODUCTS.names


def test_column_for_a_location() -> None:
    """A pydantic location maps to the column whose path holds it."""
    assert REQUESTS.column_for(("rules", "categories", "snack", 0)) == "categories"
    assert REQUESTS.column_for(("fees", "assembly")) == "fee_assembly"
    assert REQUESTS.column_for(("company",)) == "company"
    assert REQUESTS.column_for(("rules",)) is None
    assert REQUESTS.column_for(()) is None


def test_header_problems_name_the_column() -> None:
    """Unknown, repeated and missing columns are each one problem in row 1."""
    bound = bind(_sheet(("ID", "name", "colour", "name")), PRODUCERS, "f")
    found = {(p.row, p.field, p.message.split(" ")[0]) for p in bound.problems}
    assert found == {(1, "colour", "unknown"), (1, "name", "column")}
    bound = bind(_sheet(("name",)), PRODUCERS, "f")
    assert [(p.field, p.message) for p in bound.problems] == [("id", "missing column 'id'")]
    assert bound.absent == {"id", "district", "certifications"}


def test_rows_skip_blank_ones_and_keep_numbers() -> None:
    """Fully blank rows are left out; the others keep their spreadsheet row number."""
    bound = bind(_sheet(("id", "name"), ("P1", "A"), (None, "  "), ("P2", None)), PRODUCERS, "f")
    assert [(r.number, dict(r.cells)) for r in bound.rows] == [
        (2, {"id": "P1", "name": "A"}),
        (4, {"id": "P2"}),
    ]


def test_values_outside_named_columns_are_reported() -> None:
    """A value under no header (or past the last one) is a problem naming its row."""
    bound = bind(_sheet(("id", None, "name"), ("P1", "x", "A", "", "extra")), PRODUCERS, "f")
    assert [(p.row, p.value) for p in bound.problems] == [(2, "x"), (2, "extra")]


def test_sheet_without_header() -> None:
    """An empty sheet says it lacks a header row and lists the columns expected."""
    bound = bind(_sheet(()), PRODUCERS, "f")
    (problem,) = bound.problems
    assert problem.row == 1 and "id, name" in (problem.expected or "")


def test_parse_row_nests_rules_and_fees() -> None:
    """Rule and fee columns fill nested records; bad cells are reported and marked failed."""
    row = Row(2, {"id": "R", "min_items": "3", "fee_assembly": "Rp 5.000", "max_items": "x"})
    parsed = parse_row(REQUESTS, row, "f", "requests")
    assert parsed.record == {"id": "R", "rules": {"min_items": 3}, "fees": {"assembly": 5000}}
    assert parsed.failed == {"max_items"}
    (problem,) = parsed.problems
    assert (problem.sheet, problem.row, problem.field, problem.value) == (
        "requests",
        2,
        "max_items",
        "x",
    )


def test_cells_of_writes_each_column() -> None:
    """A model is written as one cell per column, rules by path, lists as text."""
    tier = Tier(
        name="a", parcels=2, budget=9, rules=Rules(exclude_tags=(), min_budget_use=Decimal("0.9"))
    )
    cells = dict(zip(TIERS.names, cells_of(TIERS, tier, given={"request_id": "R"}), strict=True))
    assert cells["request_id"] == "R"
    assert cells["exclude_tags"] == "-"
    assert cells["min_budget_use"] == Decimal("0.9")
    assert cells["categories"] is None
    product = Product(
        sku="S",
        producer_id="P",
        name="n",
        category="c",
        price=1,
        stock=1,
        weight_g=1,
        volume_ml=1,
        food=False,
    )
    written = dict(zip(PRODUCTS.names, cells_of(PRODUCTS, product), strict=True))
    assert written["tags"] is None and written["shelf_life_days"] is None
