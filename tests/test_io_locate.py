"""Tests of parcelkit.io.locate: every problem names its place (file, sheet, row, field).

The table of broken inputs starts from a small valid catalog and request
workbook (written as CSV folders, .xlsx workbooks or JSON), breaks one thing,
and checks that the error names the sheet, row and column of that thing.
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError

from parcelkit.errors import CatalogError, InputError, Problem, RequestError
from parcelkit.io import catalog_to_json, load_catalog, load_requests, requests_to_json
from parcelkit.io.locate import in_order, issues, json_problem, loc_text
from parcelkit.models import Catalog, Product, Request

Sheets = dict[str, list[list[Any]]]

CATALOG_SHEETS: Sheets = {
    "producers": [
        ["id", "name", "district", "certifications"],
        ["P1", "Rengginang Ceu Ani", "Rengasdengklok", "halal, pirt"],
        ["P2", 'Kopi "Abah", Tegalwaru', "", ""],
    ],
    "products": [
        [
            "sku",
            "producer_id",
            "name",
            "category",
            "price",
            "stock",
            "halal",
            "food",
            "weight_g",
            "volume_ml",
            "shelf_life_days",
        ],
        ["S1", "P1", "Rengginang; bawang", "snack", "22000", "900", "ya", "", "250", "900", "120"],
        [
            "S2",
            "P2",
            "Kopi robusta",
            "coffee",
            "Rp 38.000",
            "800",
            "true",
            "1",
            "220",
            "350",
            "365",
        ],
        ["S3", "P2", "Selendang batik", "fashion", 125000, 10, "tidak", "false", 200, 600, ""],
    ],
    "packaging": [
        ["id", "name", "price", "capacity_ml", "max_weight_g", "stock", "producer_id"],
        ["B1", "Kardus sedang", "Rp12.000", "6000", "5000", "100", ""],
    ],
}
"""A valid catalog as sheets: P1 and P2; S1 (snack), S2 (coffee), S3 (fashion, not food); B1."""

REQUEST_SHEETS: Sheets = {
    "requests": [
        [
            "id",
            "company",
            "koperasi",
            "delivery_date",
            "min_items",
            "max_items",
            "categories",
            "halal_only",
            "packaging",
            "min_budget_use",
            "fee_assembly",
            "fee_koperasi",
        ],
        [
            "R1",
            "PT Sinar",
            "Kopkar Sinar",
            "2027-02-24",
            "3",
            "8",
            "snack:1-2; coffee:1-1",
            "ya",
            "B1",
            "0.9",
            "Rp 5.000",
            "0",
        ],
        ["R2", "PT Mitra", "", "", "", "", "", "", "", "", "", ""],
    ],
    "tiers": [
        ["request_id", "name", "parcels", "budget", "max_items", "categories"],
        ["R1", "staff", "100", "250000", "", ""],
        ["R1", "manager", "10", "Rp 500.000", "10", "snack:1-1; fashion:1-1"],
        ["R2", "all", "50", "150000", "", ""],
    ],
    "preferences": [
        ["request_id", "kind", "key", "weight"],
        ["R1", "category", "coffee", "2"],
        ["R1", "sku", "S1", "-1"],
    ],
}
"""Valid requests: R1 (staff row 2, manager row 3), R2 (all, row 4); two preferences."""


def write_sheets(sheets: Sheets, path: Path, *, delimiter: str = ",", bom: bool = False) -> Path:
    """Write ``sheets`` as an .xlsx workbook (by suffix) or a folder of CSV files."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name, rows in sheets.items():
            sheet = workbook.create_sheet(name)
            for row in rows:
                sheet.append(list(row))
        workbook.save(path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (path / f"{name}.csv").open(
            "w", encoding="utf-8-sig" if bom else "utf-8", newline=""
        ) as handle:
            csv.writer(handle, delimiter=delimiter).writerows(
                ["" if cell is None else str(cell) for cell in row] for row in rows
            )
    return path


def set_cell(sheets: Sheets, sheet: str, row: int, column: str, value: Any) -> None:
    """Set a cell by spreadsheet row (header = 1) and column name, adding the column if new."""
    rows = sheets[sheet]
    if column not in rows[0]:
        for line in rows:
            line.append(column if line is rows[0] else "")
    rows[row - 1][rows[0].index(column)] = value


def drop_column(sheets: Sheets, sheet: str, column: str) -> None:
    """Remove a column from a sheet."""
    index = sheets[sheet][0].index(column)
    for line in sheets[sheet]:
        del line[index]


def _cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Any], None]:
    return lambda sheets: set_cell(sheets, sheet, row, column, value)


@dataclass(frozen=True)
class Broken:
    """One broken input: what it breaks and where the error must point."""

    name: str
    target: str  # "catalog" or "requests"
    form: str  # "csv", "xlsx" or "json"
    change: Callable[[Any], object]  # JSON cases may return the whole file's text instead
    sheet: str | None
    row: int | None
    field: str | None
    says: str
    with_catalog: bool = False


def _set_path(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


def _insert_row(sheet: str, at: int, row: list[Any]) -> Callable[[Sheets], None]:
    return lambda sheets: sheets[sheet].insert(at - 1, row)


BROKEN = [
    Broken(
        "blank price",
        "catalog",
        "csv",
        _cell("products", 2, "price", ""),
        "products",
        2,
        "price",
        "missing",
    ),
    Broken(
        "text in stock",
        "catalog",
        "xlsx",
        _cell("products", 3, "stock", "banyak"),
        "products",
        3,
        "stock",
        "not a whole number",
    ),
    Broken(
        "duplicate sku",
        "catalog",
        "csv",
        _cell("products", 3, "sku", "S1"),
        "products",
        3,
        "sku",
        "duplicate sku 's1', first used at row 2",
    ),
    Broken(
        "unknown producer",
        "catalog",
        "xlsx",
        _cell("products", 2, "producer_id", "P9"),
        "products",
        2,
        "producer_id",
        "unknown producer",
    ),
    Broken(
        "negative price",
        "catalog",
        "csv",
        _cell("products", 4, "price", -125000),
        "products",
        4,
        "price",
        "greater than 0",
    ),
    Broken(
        "fractional rupiah text",
        "catalog",
        "xlsx",
        _cell("products", 3, "price", "Rp 38.000,50"),
        "products",
        3,
        "price",
        "fraction",
    ),
    Broken(
        "fractional rupiah number",
        "catalog",
        "xlsx",
        _cell("products", 2, "price", 22000.5),
        "products",
        2,
        "price",
        "fraction",
    ),
    Broken(
        "food without shelf life",
        "catalog",
        "csv",
        _cell("products", 2, "shelf_life_days", ""),
        "products",
        2,
        "shelf_life_days",
        "shelf_life_days is required for food",
    ),
    Broken(
        "missing sheet",
        "catalog",
        "xlsx",
        lambda s: s.pop("packaging"),
        "packaging",
        None,
        None,
        "missing sheet 'packaging'",
    ),
    Broken(
        "missing csv file",
        "catalog",
        "csv",
        lambda s: s.pop("packaging"),
        "packaging",
        None,
        None,
        "missing file packaging.csv",
    ),
    Broken(
        "missing column",
        "catalog",
        "csv",
        lambda s: drop_column(s, "products", "stock"),
        "products",
        1,
        "stock",
        "missing column",
    ),
    Broken(
        "unknown column",
        "catalog",
        "xlsx",
        _cell("products", 2, "colour", "red"),
        "products",
        1,
        "colour",
        "unknown column",
    ),
    Broken(
        "bad boolean",
        "catalog",
        "csv",
        _cell("products", 2, "halal", "mungkin"),
        "products",
        2,
        "halal",
        "ya/tidak",
    ),
    Broken(
        "category not a word",
        "catalog",
        "csv",
        _cell("products", 2, "category", "Snack Food"),
        "products",
        2,
        "category",
        "lower-case word",
    ),
    Broken(
        "partly blank row in the middle",
        "catalog",
        "xlsx",
        _insert_row("producers", 3, [None, None, "Klari", None]),
        "producers",
        3,
        "id",
        "missing",
    ),
    Broken(
        "invalid json",
        "catalog",
        "json",
        lambda d: '{\n  "producers": [\n}',
        None,
        None,
        None,
        "not valid json",
    ),
    Broken(
        "json price with a fraction",
        "catalog",
        "json",
        lambda d: _set_path(d, ("products", 0, "price"), 22000.5),
        "products",
        1,
        "price",
        "valid integer",
    ),
    Broken(
        "json unknown key",
        "catalog",
        "json",
        lambda d: _set_path(d, ("products", 1, "colour"), "red"),
        "products",
        2,
        "colour",
        "unknown field 'colour'",
    ),
    Broken(
        "category min above max",
        "requests",
        "csv",
        _cell("requests", 2, "categories", "snack:3-1"),
        "requests",
        2,
        "categories",
        "min 3 is above max 1",
    ),
    Broken(
        "min_items above max_items",
        "requests",
        "xlsx",
        _cell("requests", 2, "min_items", 9),
        "requests",
        2,
        "min_items",
        "min_items 9 is above max_items 8",
    ),
    Broken(
        "tier max_items below the request's min_items",
        "requests",
        "csv",
        _cell("tiers", 3, "max_items", "2"),
        "tiers",
        3,
        "max_items",
        "above max_items 2",
    ),
    Broken(
        "unknown category",
        "requests",
        "csv",
        _cell("requests", 2, "categories", "snack:1-2; cake:1-1"),
        "requests",
        2,
        "categories",
        "expected one of coffee, fashion, snack",
        True,
    ),
    Broken(
        "unknown category in a tier",
        "requests",
        "xlsx",
        _cell("tiers", 3, "categories", "cake:1-1"),
        "tiers",
        3,
        "categories",
        "'cake'",
        True,
    ),
    Broken(
        "unknown packaging",
        "requests",
        "csv",
        _cell("requests", 2, "packaging", "B1, BOX-X"),
        "requests",
        2,
        "packaging",
        "unknown packaging 'box-x'",
        True,
    ),
    Broken(
        "preference for an unknown sku",
        "requests",
        "xlsx",
        _cell("preferences", 3, "key", "S9"),
        "preferences",
        3,
        "key",
        "unknown sku",
        True,
    ),
    Broken(
        "budget of zero",
        "requests",
        "csv",
        _cell("tiers", 2, "budget", "0"),
        "tiers",
        2,
        "budget",
        "greater than 0",
    ),
    Broken(
        "parcels zero",
        "requests",
        "xlsx",
        _cell("tiers", 4, "parcels", 0),
        "tiers",
        4,
        "parcels",
        "greater than 0",
    ),
    Broken(
        "fee with an unknown column",
        "requests",
        "csv",
        _cell("requests", 2, "fee_delivery", "1000"),
        "requests",
        1,
        "fee_delivery",
        "unknown column",
    ),
    Broken(
        "fees with an unknown key",
        "requests",
        "json",
        lambda d: _set_path(d, ("requests", 0, "fees", "delivery"), 1000),
        "requests",
        1,
        "fees.delivery",
        "one of assembly, koperasi",
    ),
    Broken(
        "duplicate request id",
        "requests",
        "xlsx",
        _cell("requests", 3, "id", "R1"),
        "requests",
        3,
        "id",
        "duplicate request id",
    ),
    Broken(
        "bad date",
        "requests",
        "csv",
        _cell("requests", 2, "delivery_date", "24/02/2027"),
        "requests",
        2,
        "delivery_date",
        "not a date",
    ),
    Broken(
        "bad boolean in a request",
        "requests",
        "xlsx",
        _cell("requests", 2, "halal_only", "mungkin"),
        "requests",
        2,
        "halal_only",
        "not a yes/no value",
    ),
    Broken(
        "tier of an unknown request",
        "requests",
        "csv",
        _cell("tiers", 4, "request_id", "R9"),
        "tiers",
        4,
        "request_id",
        "no request has id 'r9'",
    ),
    Broken(
        "request without tiers",
        "requests",
        "csv",
        _cell("tiers", 4, "request_id", "R9"),
        "requests",
        3,
        "id",
        "has no tiers",
    ),
    Broken(
        "preference of an unknown kind",
        "requests",
        "csv",
        _cell("preferences", 2, "kind", "brand"),
        "preferences",
        2,
        "kind",
        "category or sku",
    ),
    Broken(
        "missing tiers sheet",
        "requests",
        "xlsx",
        lambda s: s.pop("tiers"),
        "tiers",
        None,
        None,
        "missing sheet 'tiers'",
    ),
    Broken(
        "duplicate tier name",
        "requests",
        "csv",
        _cell("tiers", 3, "name", "staff"),
        "tiers",
        3,
        "name",
        "used twice",
    ),
    Broken(
        "share above one",
        "requests",
        "csv",
        _cell("requests", 2, "min_budget_use", "1.5"),
        "requests",
        2,
        "min_budget_use",
        "at most 1",
    ),
    Broken(
        "invalid requests json",
        "requests",
        "json",
        lambda d: '{"requests": [}',
        None,
        None,
        None,
        "line 1, column 15",
    ),
    Broken(
        "json tier budget of zero",
        "requests",
        "json",
        lambda d: _set_path(d, ("requests", 1, "tiers", 0, "budget"), 0),
        "requests",
        2,
        "tiers[1].budget",
        "greater than 0",
    ),
    Broken(
        "json duplicate request id",
        "requests",
        "json",
        lambda d: _set_path(d, ("requests", 1, "id"), "R1"),
        "requests",
        2,
        "id",
        "duplicate request id",
    ),
]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, tuple[Request, ...]]:
    """The catalog and requests of the base sheets, read once."""
    folder = tmp_path_factory.mktemp("valid")
    catalog = load_catalog(write_sheets(CATALOG_SHEETS, folder / "catalog"))
    requests = load_requests(write_sheets(REQUEST_SHEETS, folder / "requests"), catalog)
    return catalog, requests


def _write_broken(case: Broken, valid: tuple[Catalog, tuple[Request, ...]], tmp: Path) -> Path:
    if case.form == "json":
        catalog, requests = valid
        text = catalog_to_json(catalog) if case.target == "catalog" else requests_to_json(requests)
        document = json.loads(text)
        replaced = case.change(document)
        text = replaced if isinstance(replaced, str) else json.dumps(document)
        path = tmp / f"{case.target}.json"
        path.write_text(text, "utf-8")
        return path
    sheets = copy.deepcopy(CATALOG_SHEETS if case.target == "catalog" else REQUEST_SHEETS)
    case.change(sheets)
    suffix = ".xlsx" if case.form == "xlsx" else ""
    return write_sheets(sheets, tmp / f"{case.target}{suffix}")


def _label(case: Broken) -> str | None:
    if case.sheet is None or case.form != "csv":
        return case.sheet
    return f"{case.sheet}.csv"


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_broken_input_names_its_place(
    case: Broken, valid: tuple[Catalog, tuple[Request, ...]], tmp_path: Path
) -> None:
    """Each broken input raises the loader's error with a problem at the broken cell."""
    path = _write_broken(case, valid, tmp_path)
    error: type[InputError] = CatalogError if case.target == "catalog" else RequestError
    with pytest.raises(error) as caught:
        if case.target == "catalog":
            load_catalog(path)
        else:
            load_requests(path, valid[0] if case.with_catalog else None)
    places = [(p.file, p.sheet, p.row, p.field) for p in caught.value.problems]
    expected = (str(path), _label(case), case.row, case.field)
    assert expected in places, str(caught.value)
    problem = caught.value.problems[places.index(expected)]
    assert case.says.lower() in str(problem).lower()


def test_valid_base_sheets_load(valid: tuple[Catalog, tuple[Request, ...]]) -> None:
    """The base of the broken-input table is itself valid, read as the cells say."""
    catalog, requests = valid
    assert [p.price for p in catalog.products] == [22000, 38000, 125000]
    assert catalog.products[2].food is False and catalog.products[1].halal is True
    assert catalog.packaging[0].price == 12000 and catalog.packaging[0].producer_id is None
    first = requests[0]
    assert first.fees.assembly == 5000
    assert first.tier("manager").budget == 500000
    assert first.preferences.skus == {"S1": -1}
    assert first.rules.categories == {"snack": (1, 2), "coffee": (1, 1)}


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", True), (";", False), (";", True)], ids=["bom", "semicolon", "both"]
)
def test_csv_dialects_load(
    delimiter: str, bom: bool, valid: tuple[Catalog, tuple[Request, ...]], tmp_path: Path
) -> None:
    """CSV with a byte-order mark and/or ';' separators reads the same as plain CSV."""
    catalog = load_catalog(
        write_sheets(CATALOG_SHEETS, tmp_path / "c", delimiter=delimiter, bom=bom)
    )
    requests = load_requests(
        write_sheets(REQUEST_SHEETS, tmp_path / "r", delimiter=delimiter, bom=bom), catalog
    )
    assert (catalog, requests) == valid


def test_rupiah_text_cells_load(tmp_path: Path) -> None:
    """Prices written 'Rp 250.000', 'Rp. 250.000', '250.000' and 250000.0 all read as 250000."""
    sheets = copy.deepcopy(CATALOG_SHEETS)
    for row, cell in zip((2, 3, 4), ("Rp 250.000", "Rp. 250.000", 250000.0), strict=True):
        set_cell(sheets, "products", row, "price", cell)
    set_cell(sheets, "packaging", 2, "price", "250.000")
    catalog = load_catalog(write_sheets(sheets, tmp_path / "c.xlsx"))
    assert [p.price for p in catalog.products] == [250000, 250000, 250000]
    assert catalog.packaging[0].price == 250000


def test_excel_native_values_load(tmp_path: Path) -> None:
    """Excel's own numbers, booleans and dates are read like their text forms."""
    import datetime as dt

    sheets = copy.deepcopy(REQUEST_SHEETS)
    set_cell(sheets, "requests", 2, "delivery_date", dt.datetime(2027, 2, 24))
    set_cell(sheets, "requests", 2, "halal_only", True)
    set_cell(sheets, "requests", 2, "min_budget_use", 0.9)
    set_cell(sheets, "tiers", 2, "parcels", 100.0)
    requests = load_requests(write_sheets(sheets, tmp_path / "r.xlsx"))
    first = requests[0]
    assert first.delivery_date == dt.date(2027, 2, 24)
    assert first.rules.halal_only is True
    assert str(first.rules.min_budget_use) == "0.9"
    assert first.tiers[0].parcels == 100


def test_excel_error_cell_is_named(tmp_path: Path) -> None:
    """A price cell holding an Excel error is a problem naming that cell and the error."""
    sheets = copy.deepcopy(CATALOG_SHEETS)
    set_cell(sheets, "products", 3, "price", "#DIV/0!")  # openpyxl writes an error cell
    with pytest.raises(CatalogError) as caught:
        load_catalog(write_sheets(sheets, tmp_path / "c.xlsx"))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.field) == ("products", 3, "price")
    assert "Excel error #DIV/0!" in problem.message


def test_every_problem_in_one_pass(tmp_path: Path) -> None:
    """Several mistakes in one catalog are all reported together, each at its own cell."""
    sheets = copy.deepcopy(CATALOG_SHEETS)
    set_cell(sheets, "producers", 3, "name", "")
    set_cell(sheets, "products", 2, "price", "dua puluh ribu")
    set_cell(sheets, "products", 3, "stock", "")
    set_cell(sheets, "products", 4, "sku", "S1")
    set_cell(sheets, "products", 4, "weight_g", "-1")
    set_cell(sheets, "packaging", 2, "capacity_ml", "6000.5")
    path = write_sheets(sheets, tmp_path / "c")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    places = [(p.sheet, p.row, p.field) for p in caught.value.problems]
    assert places == [
        ("producers.csv", 3, "name"),
        ("products.csv", 2, "price"),
        ("products.csv", 3, "stock"),
        ("products.csv", 4, "weight_g"),
        ("products.csv", 4, "sku"),
        ("packaging.csv", 2, "capacity_ml"),
    ]
    assert str(caught.value).startswith("6 problems in the catalog:")


def test_every_request_problem_in_one_pass(
    valid: tuple[Catalog, tuple[Request, ...]], tmp_path: Path
) -> None:
    """Problems across the requests, tiers and preferences sheets come in one error, in order."""
    sheets = copy.deepcopy(REQUEST_SHEETS)
    set_cell(sheets, "preferences", 2, "weight", "banyak")
    set_cell(sheets, "tiers", 4, "budget", "")
    set_cell(sheets, "requests", 3, "company", "")
    set_cell(sheets, "requests", 2, "categories", "cake:1-1")
    with pytest.raises(RequestError) as caught:
        load_requests(write_sheets(sheets, tmp_path / "r"), valid[0])
    places = [(p.sheet, p.row, p.field) for p in caught.value.problems]
    assert places == [
        ("requests.csv", 2, "categories"),
        ("requests.csv", 3, "company"),
        ("tiers.csv", 4, "budget"),
        ("preferences.csv", 2, "weight"),
    ]


def test_model_level_error_is_given_its_field() -> None:
    """A whole-record check (food without shelf life) is placed at the field it names."""
    record = {
        "sku": "S",
        "producer_id": "P",
        "name": "n",
        "category": "c",
        "price": 1,
        "stock": 1,
        "weight_g": 1,
        "volume_ml": 1,
    }
    with pytest.raises(ValidationError) as caught:
        Product.model_validate(record)
    (issue,) = issues(Product, caught.value)
    assert issue.loc == ("shelf_life_days",)


def test_too_short_echo_of_a_broken_item_is_dropped() -> None:
    """A tiers list reported too short only because its one tier failed is not repeated."""
    with pytest.raises(ValidationError) as caught:
        Request.model_validate({"id": "R", "company": "A", "tiers": [{"name": "t"}]})
    locs = [issue.loc for issue in issues(Request, caught.value)]
    assert locs == [("tiers", 0, "parcels"), ("tiers", 0, "budget")]


def test_json_places() -> None:
    """Paths print with 1-based positions; a leading list and position become sheet and row."""
    assert loc_text(("tiers", 0, "rules", "min_items")) == "tiers[1].rules.min_items"
    assert loc_text(()) is None
    with pytest.raises(ValidationError) as caught:
        Request.model_validate({"id": "R", "company": "A", "tiers": [{"name": "t", "parcels": 1}]})
    (issue,) = issues(Request, caught.value)
    problem = json_problem(issue, "r.json")
    assert (problem.sheet, problem.row, problem.field) == ("tiers", 1, "budget")


def test_in_order_sorts_by_sheet_then_row() -> None:
    """Problems sort by the sheet order given (CSV names too), then row; file-level first."""
    problems = [
        Problem("c", sheet="tiers.csv", row=2),
        Problem("b", sheet="requests", row=9),
        Problem("a", file="f"),
        Problem("d", sheet="Requests", row=3),
    ]
    ordered = in_order(problems, ["requests", "tiers"])
    assert [p.message for p in ordered] == ["a", "d", "b", "c"]
