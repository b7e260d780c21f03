"""Tests of parcelkit.io.cells: strict readers of single spreadsheet cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcelkit.io.cells import (
    CellError,
    cell_text,
    is_blank,
    parse_bool,
    parse_categories,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
    parse_rupiah,
    parse_text,
    show_categories,
    show_list,
)


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        (250000, 250000),
        (250000.0, 250000),
        (Decimal("250000.00"), 250000),
        ("250000", 250000),
        ("250000.0", 250000),
        ("Rp250.000", 250000),
        ("Rp 250.000", 250000),
        ("Rp. 250.000", 250000),
        ("rp 250.000", 250000),
        ("RP250000", 250000),
        ("250.000", 250000),
        ("1.500", 1500),
        ("Rp 1.250.000", 1250000),
        ("Rp 25.000,00", 25000),
        ("  Rp 5.000  ", 5000),
        ("-Rp 5.000", -5000),
        ("Rp -5.000", -5000),
        ("0", 0),
    ],
)
def test_rupiah_accepted(cell: object, amount: int) -> None:
    """Rupiah cells in the forms of FORMAT.md read as the whole amount (dots group thousands)."""
    assert parse_rupiah(cell) == amount


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("250000.5", "fraction"),
        ("Rp 25.000,50", "fraction"),
        (250000.5, "fraction"),
        (Decimal("0.01"), "fraction"),
        ("250,000", "not an amount"),
        ("Rp", "not an amount"),
        ("dua ratus", "not an amount"),
        ("25.000.00", "not an amount"),
        ("2.5e5", "not an amount"),
        (True, "true/false"),
        (float("nan"), "not an amount"),
        (dt.date(2027, 1, 1), "not an amount"),
    ],
)
def test_rupiah_rejected(cell: object, fragment: str) -> None:
    """Fractions of a rupiah, ambiguous and non-numeric cells are refused with a reason."""
    with pytest.raises(CellError, match=fragment) as caught:
        parse_rupiah(cell)
    assert "rupiah" in caught.value.expected


@given(st.integers(0, 10**12))
def test_rupiah_as_indonesians_write_it(amount: int) -> None:
    """Any amount written with Indonesian thousands dots, with or without Rp, reads back."""
    dotted = f"{amount:,}".replace(",", ".")
    assert parse_rupiah(dotted) == amount
    assert parse_rupiah(f"Rp {dotted}") == amount
    assert parse_rupiah(float(amount) if amount < 2**53 else amount) == amount


@pytest.mark.parametrize(
    ("cell", "number"),
    [(12, 12), (12.0, 12), ("12", 12), ("12.0", 12), (" 7 ", 7), ("-3", -3), (Decimal("4"), 4)],
)
def test_int_accepted(cell: object, number: int) -> None:
    """Whole-number cells accept Excel's floats and text with a zero fraction."""
    assert parse_int(cell) == number


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("12.5", "not a whole number"),
        (12.5, "not a whole number"),
        ("abc", "not a whole number"),
        ("", "not a whole number"),
        ("12.000", "ambiguous"),
        (False, "true/false"),
        (float("inf"), "not a whole number"),
    ],
)
def test_int_rejected(cell: object, fragment: str) -> None:
    """Fractions, words and thousands dots in count cells are refused."""
    with pytest.raises(CellError, match=fragment):
        parse_int(cell)


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        (0.1, Decimal("0.1")),
        (0.85, Decimal("0.85")),
        ("0.1", Decimal("0.1")),
        ("0,85", Decimal("0.85")),
        ("85%", Decimal("0.85")),
        ("12.5 %", Decimal("0.125")),
        (1, Decimal(1)),
        (Decimal("0.10"), Decimal("0.10")),
        (".5", Decimal("0.5")),
    ],
)
def test_decimal_is_exact(cell: object, number: Decimal) -> None:
    """Share cells become the exact decimal meant, never a binary float's expansion."""
    parsed = parse_decimal(cell)
    assert parsed == number
    assert isinstance(parsed, Decimal)


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_decimal_from_float_is_its_shortest_repr(number: float) -> None:
    """A float from Excel is read through repr, so it reads as the decimal it displays."""
    assert parse_decimal(number) == Decimal(repr(number))
    assert float(parse_decimal(number)) == number


@pytest.mark.parametrize("cell", ["abc", "0.1.2", "1,000.5", True, float("nan"), "%"])
def test_decimal_rejected(cell: object) -> None:
    """Cells that are not one decimal number are refused."""
    with pytest.raises(CellError):
        parse_decimal(cell)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("true", True),
        ("FALSE", False),
        ("Ya", True),
        ("tidak", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0.0, False),
        (True, True),
    ],
)
def test_bool_accepted(cell: object, value: bool) -> None:
    """Yes/no cells accept true/false, ya/tidak and 1/0 in any case, and Excel booleans."""
    assert parse_bool(cell) is value


@pytest.mark.parametrize("cell", ["yes please", "mungkin", 2, "y", "10"])
def test_bool_rejected(cell: object) -> None:
    """Anything else in a yes/no cell is refused, naming the accepted words."""
    with pytest.raises(CellError) as caught:
        parse_bool(cell)
    assert "ya/tidak" in caught.value.expected


def test_dates() -> None:
    """Dates come as ISO text or Excel datetimes at midnight; other forms are refused."""
    assert parse_date("2027-02-24") == dt.date(2027, 2, 24)
    assert parse_date(dt.datetime(2027, 2, 24)) == dt.date(2027, 2, 24)
    assert parse_date(dt.date(2027, 2, 24)) == dt.date(2027, 2, 24)
    for cell in ("24/02/2027", "2027-02-30", dt.datetime(2027, 2, 24, 9, 30), 46442):
        with pytest.raises(CellError):
            parse_date(cell)


def test_text() -> None:
    """Text cells take numbers Excel stored as their digits, and refuse dates and booleans."""
    assert parse_text("Kopi") == "Kopi"
    assert parse_text("#N/A") == "#N/A"  # only a real Excel error cell is an error
    assert parse_text(2063215) == "2063215"
    assert parse_text(2063215.0) == "2063215"
    for cell in (dt.datetime(2027, 1, 2), True):
        with pytest.raises(CellError):
            parse_text(cell)


def test_lists() -> None:
    """List cells split on commas, trim items, drop empty ones; '-' alone is an empty list."""
    assert parse_list("halal, pirt") == ("halal", "pirt")
    assert parse_list(" halal ,, pirt, ") == ("halal", "pirt")
    assert parse_list("-") == ()
    assert parse_list("PKG-BOX-M") == ("PKG-BOX-M",)


def test_categories() -> None:
    """Category cells read 'name:min-max' pairs separated by ';', a single count meaning both."""
    assert parse_categories("beverage:1-2; cookies:1-3") == {
        "beverage": (1, 2),
        "cookies": (1, 3),
    }
    assert parse_categories(" snack : 2 ;") == {"snack": (2, 2)}
    assert parse_categories("-") == {}
    assert parse_categories("snack:3-1") == {"snack": (3, 1)}  # the model says min > max


@pytest.mark.parametrize(
    "cell", ["beverage", "beverage:1-x", ":1-2", "a:1-2; a:2-3", "a:-1-2", dt.datetime(2027, 1, 2)]
)
def test_categories_rejected(cell: object) -> None:
    """Malformed category cells, repeated categories and Excel-made dates are refused."""
    with pytest.raises(CellError) as caught:
        parse_categories(cell)
    assert "beverage:1-2" in caught.value.expected


def test_show_round_trips_through_parse() -> None:
    """What show_list and show_categories write, the parsers read back."""
    ranges = {"beverage": (1, 2), "snack": (0, 0)}
    assert parse_categories(show_categories(ranges)) == ranges
    assert parse_categories(show_categories({})) == {}
    assert parse_list(show_list(("a", "b"))) == ("a", "b")
    assert parse_list(show_list(())) == ()
    assert show_list((), marker=False) is None
    assert show_list(None) is None


@pytest.mark.parametrize("items", [("a,b",), (" a",), ("",), ("-",)])
def test_show_list_refuses_what_a_cell_cannot_hold(items: tuple[str, ...]) -> None:
    """Items that would read back differently are refused when writing."""
    with pytest.raises(ValueError, match="cannot be written"):
        show_list(items)


def test_blank_and_text_of_cells() -> None:
    """Blank means None or white space; cell_text shows Excel's numbers and dates plainly."""
    assert is_blank(None) and is_blank("  ") and not is_blank(0) and not is_blank("-")
    assert cell_text(250000.0) == "250000"
    assert cell_text(dt.datetime(2027, 2, 24)) == "2027-02-24"
    assert cell_text("Rp 1.000") == "Rp 1.000"
