"""Single spreadsheet cells: rupiah, whole numbers, decimals, booleans, dates, lists.

Cells arrive as whatever Excel or a CSV file hands over: text, ``int``,
``float`` (Excel stores every number as one), ``datetime`` or ``bool``. Each
parser turns one cell into the exact value the models expect, or raises
`CellError` saying what it expected instead. Parsers never see empty cells:
the caller treats those as "not given".

Decisions worth knowing:

- In rupiah cells a dot followed by groups of exactly three digits separates
  thousands, as Indonesians write them: ``250.000`` and ``Rp 250.000`` are
  both 250000, and ``1.500`` is Rp1.500, never one and a half. Any other dot
  is a decimal point (``250000.0`` is 250000, ``250000.5`` is an error). A
  comma is a decimal comma only with one or two digits after it
  (``Rp 25.000,00`` is 25000, ``Rp 25.000,50`` is an error); ``250,000`` is
  rejected as ambiguous rather than guessed.
- In other whole-number cells (stock, weights, counts) thousands dots are
  refused as ambiguous: ``12.000`` could be twelve or twelve thousand.
- Decimal cells (shares) are exact: a float from Excel is read through its
  shortest ``repr`` (0.1 -> ``Decimal("0.1")``), text never goes through a
  float. ``0,85`` and ``85%`` are accepted too.
- A cell holding only ``-`` in a list or categories column means "given, and
  empty", which differs from an empty cell ("not given") when a tier
  overrides a rule of its request.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

EMPTY_MARKER: Final = "-"
"""The cell text for an empty list or an empty set of category ranges."""

TRUE_WORDS: Final = frozenset({"true", "ya", "1"})
FALSE_WORDS: Final = frozenset({"false", "tidak", "0"})

RUPIAH_EXPECTED: Final = "a whole number of rupiah, e.g. 250000, Rp250.000 or Rp 250.000"
INT_EXPECTED: Final = "a whole number, e.g. 12"
DECIMAL_EXPECTED: Final = "a decimal number, e.g. 0.85"
BOOL_EXPECTED: Final = "true or false (also ya/tidak, 1/0)"
DATE_EXPECTED: Final = "a date, e.g. 2027-02-24"
TEXT_EXPECTED: Final = "text"
CATEGORIES_EXPECTED: Final = (
    "category:min-max pairs separated by ';', e.g. beverage:1-2; cookies:1-3"
)

_RP_PREFIX = re.compile(r"^rp\.?\s*", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^(\d{1,3}(?:\.\d{3})*|\d+),(\d{1,2})$")
_SIGNED_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_DECIMAL_TEXT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_RANGE = re.compile(r"^(\d+)\s*(?:-\s*(\d+))?$")


@dataclass(frozen=True)
class ExcelError:
    """A workbook cell holding an Excel error such as ``#DIV/0!`` (a formula that failed).

    Told apart from text by the cell's type, so that the text ``#N/A`` typed
    into a CSV file is still just text.
    """

    code: str

    def __str__(self) -> str:
        return self.code


class CellError(ValueError):
    """A cell that cannot be read as its column requires."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


def is_blank(cell: object) -> bool:
    """True for a cell that holds nothing: ``None`` or only white space."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: object) -> str:
    """The cell as a person would read it, for error messages."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def parse_rupiah(cell: object) -> int:
    """An amount of rupiah: ``250000``, ``250000.0``, ``"Rp 250.000"``; no fractions."""
    if isinstance(cell, bool):
        raise CellError("true/false is not an amount of rupiah", RUPIAH_EXPECTED)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float | Decimal):
        return _whole_rupiah(_exact(cell))
    if isinstance(cell, str):
        return _rupiah_from_text(cell)
    raise CellError("not an amount of rupiah", RUPIAH_EXPECTED)


def _rupiah_from_text(text: str) -> int:
    body = text.strip()
    sign = 1
    if body.startswith("-"):
        sign, body = -1, body[1:].lstrip()
    body = _RP_PREFIX.sub("", body, count=1)
    if body.startswith("-") and sign == 1:
        sign, body = -1, body[1:].lstrip()
    if _THOUSANDS.match(body):
        return sign * int(body.replace(".", ""))
    if _PLAIN_NUMBER.match(body):
        return sign * _whole_rupiah(Decimal(body))
    match = _DECIMAL_COMMA.match(body)
    if match:
        if int(match[2]) != 0:
            raise CellError("a fraction of a rupiah is not allowed", RUPIAH_EXPECTED)
        return sign * int(match[1].replace(".", ""))
    raise CellError("not an amount of rupiah", RUPIAH_EXPECTED)


def _whole_rupiah(amount: Decimal) -> int:
    if not amount.is_finite():
        raise CellError("not an amount of rupiah", RUPIAH_EXPECTED)
    if amount != amount.to_integral_value():
        raise CellError("a fraction of a rupiah is not allowed", RUPIAH_EXPECTED)
    return int(amount)


def parse_int(cell: object) -> int:
    """A whole number (stock, weight, count): ``12``, ``12.0``, ``"12"``; not ``12.5``."""
    if isinstance(cell, bool):
        raise CellError("true/false is not a number", INT_EXPECTED)
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float | Decimal):
        return _whole(_exact(cell))
    if isinstance(cell, str):
        text = cell.strip()
        if _THOUSANDS.match(text):
            raise CellError(
                "ambiguous: dots group thousands only in rupiah; write the number without dots",
                INT_EXPECTED,
            )
        if _SIGNED_NUMBER.match(text):
            return _whole(Decimal(text))
    raise CellError("not a whole number", INT_EXPECTED)


def _whole(number: Decimal) -> int:
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError("not a whole number", INT_EXPECTED)
    return int(number)


def _exact(number: float | Decimal) -> Decimal:
    """The decimal a person meant: a float goes through its shortest repr."""
    if isinstance(number, Decimal):
        return number
    if not math.isfinite(number):
        return Decimal("NaN")
    return Decimal(repr(number))


def parse_decimal(cell: object) -> Decimal:
    """An exact decimal (a share): ``0.85``, ``"0,85"``, ``"85%"``; never via a float."""
    if isinstance(cell, bool):
        raise CellError("true/false is not a number", DECIMAL_EXPECTED)
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float | Decimal):
        number = _exact(cell)
        if not number.is_finite():
            raise CellError("not a finite number", DECIMAL_EXPECTED)
        return number
    if isinstance(cell, str):
        text = cell.strip()
        percent = text.endswith("%")
        if percent:
            text = text[:-1].rstrip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if _DECIMAL_TEXT.match(text):
            try:
                number = Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                pass
            else:
                return number / 100 if percent else number
    raise CellError("not a decimal number", DECIMAL_EXPECTED)


def parse_bool(cell: object) -> bool:
    """A yes/no cell: ``true/false``, ``ya/tidak``, ``1/0`` (any case) or an Excel boolean."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    if isinstance(cell, str):
        word = cell.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise CellError("not a yes/no value", BOOL_EXPECTED)


def parse_date(cell: object) -> dt.date:
    """A calendar date: an Excel date (at midnight) or ISO text ``2027-02-24``."""
    if isinstance(cell, dt.datetime):
        if cell.time() != dt.time():
            raise CellError("a date must not carry a time of day", DATE_EXPECTED)
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, str):
        try:
            return dt.date.fromisoformat(cell.strip())
        except ValueError:
            pass
    raise CellError("not a date", DATE_EXPECTED)


def parse_text(cell: object) -> str:
    """Text; a number Excel stored for an id or a name is read back as its digits."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        raise CellError("a true/false cell where text was expected", TEXT_EXPECTED)
    if isinstance(cell, int | float | Decimal):
        return cell_text(cell)
    if isinstance(cell, dt.date | dt.time):
        raise CellError(
            "Excel turned this cell into a date or time; format the column as text",
            TEXT_EXPECTED,
        )
    raise CellError("not text", TEXT_EXPECTED)


def parse_list(cell: object) -> tuple[str, ...]:
    """Comma-separated words (``halal, pirt``); ``-`` alone is an empty list."""
    text = parse_text(cell).strip()
    if text == EMPTY_MARKER:
        return ()
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_categories(cell: object) -> dict[str, tuple[int, int]]:
    """Category ranges ``beverage:1-2; cookies:1-3`` (``snack:2`` is ``2-2``); ``-`` is none."""
    if not isinstance(cell, str):
        raise CellError(
            "not category ranges (if Excel turned 1-2 into a date, format the column as text)",
            CATEGORIES_EXPECTED,
        )
    text = cell.strip()
    if text == EMPTY_MARKER:
        return {}
    ranges: dict[str, tuple[int, int]] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, colon, span = (s.strip() for s in part.partition(":"))
        match = _RANGE.match(span)
        if not colon or not name or not match:
            raise CellError(f"cannot read {part!r} as category:min-max", CATEGORIES_EXPECTED)
        if name in ranges:
            raise CellError(f"category {name!r} is given twice", CATEGORIES_EXPECTED)
        low = int(match[1])
        ranges[name] = (low, int(match[2]) if match[2] is not None else low)
    return ranges


def show_list(items: tuple[str, ...] | None, *, marker: bool = True) -> str | None:
    """A list as cell text; an empty list is ``-`` when ``marker``, else an empty cell."""
    if items is None:
        return None
    if not items:
        return EMPTY_MARKER if marker else None
    for item in items:
        if "," in item or item.strip() != item or not item or items == (EMPTY_MARKER,):
            raise ValueError(f"the list item {item!r} cannot be written to a comma-separated cell")
    return ", ".join(items)


def show_categories(ranges: dict[str, tuple[int, int]] | None) -> str | None:
    """Category ranges as cell text, ``beverage:1-2; cookies:1-3``; ``{}`` is ``-``."""
    if ranges is None:
        return None
    if not ranges:
        return EMPTY_MARKER
    for name in ranges:
        if any(mark in name for mark in ":;") or name.strip() != name or not name:
            raise ValueError(f"the category {name!r} cannot be written to a categories cell")
    return "; ".join(f"{name}:{low}-{high}" for name, (low, high) in ranges.items())
