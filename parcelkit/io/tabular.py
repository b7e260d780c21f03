"""Raw sheets from an Excel workbook or a folder of CSV files, and back.

This layer knows rows and cells, not catalogs or requests: it reads every
sheet it is asked for with the row numbers a spreadsheet shows (header =
row 1), and writes header-plus-rows tables. A workbook is opened with
openpyxl in read-only mode with cached formula values. CSV files may be
UTF-8 with or without a byte-order mark and separated by ``,`` or ``;``
(taken from the header line); they are written as UTF-8 with ``,``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from parcelkit.errors import Problem
from parcelkit.io.cells import ExcelError

CellValue = str | int | bool | Decimal | dt.date | None
"""What the writers accept in a cell."""


@dataclass(frozen=True)
class Sheet:
    """One sheet as read: its name as shown, header cells and numbered rows.

    Attributes
    ----------
    label
        The sheet name in the workbook, or the CSV file name (``products.csv``).
    header
        The cells of row 1.
    rows
        ``(row number, cells)`` for every later row, blank ones included.
    """

    label: str
    header: tuple[object, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]


def csv_label(name: str) -> str:
    """The file that holds sheet ``name`` in a CSV folder."""
    return f"{name}.csv"


def read_workbook(
    path: Path, names: Sequence[str], file: str
) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets ``names`` found in an .xlsx workbook (matched ignoring case and spaces).

    Sheets that are absent are simply not in the result; the caller knows
    which ones it needs.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        return {}, [
            Problem(
                message=f"cannot open the workbook ({type(exc).__name__}: {exc})",
                file=file,
                expected="an Excel workbook (.xlsx)",
            )
        ]
    try:
        titles = {title.strip().lower(): title for title in workbook.sheetnames}
        sheets: dict[str, Sheet] = {}
        for name in names:
            title = titles.get(name)
            if title is not None:
                rows = [tuple(map(_value, row)) for row in workbook[title].iter_rows()]
                sheets[name] = _sheet(title, rows)
        return sheets, []
    finally:
        workbook.close()


def _value(cell: Any) -> object:
    """A workbook cell's value; an error cell (``#DIV/0!``) as `ExcelError`, not text."""
    if getattr(cell, "data_type", None) == "e":
        return ExcelError(str(cell.value))
    return cell.value


def read_csv_folder(
    folder: Path, names: Sequence[str], file: str
) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets ``names`` found as ``<name>.csv`` files in ``folder``."""
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    for name in names:
        path = folder / csv_label(name)
        if path.is_file():
            sheet, found = _read_csv(path, csv_label(name), file)
            problems += found
            if sheet is not None:
                sheets[name] = sheet
    return sheets, problems


def _read_csv(path: Path, label: str, file: str) -> tuple[Sheet | None, list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [Problem(message=f"cannot read: {exc.strerror}", file=file, sheet=label)]
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                message=f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
                file=file,
                sheet=label,
                expected="a CSV file saved as UTF-8",
            )
        ]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows = [tuple(row) for row in reader]
    except csv.Error as exc:
        return None, [
            Problem(message=f"not valid CSV: {exc}", file=file, sheet=label, row=reader.line_num)
        ]
    return _sheet(label, rows), []


def sniff_delimiter(text: str) -> str:
    """``;`` when the header line holds more semicolons than commas, else ``,``."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _sheet(label: str, rows: Sequence[tuple[object, ...]]) -> Sheet:
    header = rows[0] if rows else ()
    numbered = tuple((number, row) for number, row in enumerate(rows[1:], start=2))
    return Sheet(label=label, header=header, rows=numbered)


_NOT_IN_WORKBOOKS = re.compile(r"[\x00-\x08\x0b-\x1f]")
"""Control characters (carriage return included) that a worksheet cannot store."""

Table = tuple[str, Sequence[str], Sequence[Sequence[CellValue]]]
"""A table to write: sheet name, header, rows."""


def write_workbook(path: Path, tables: Sequence[Table]) -> None:
    """Write ``tables`` as the sheets of a new .xlsx workbook, header in bold.

    Raises `ValueError`, before anything is written, for text a worksheet
    cannot hold (control characters; a carriage return would read back as a
    line feed).
    """
    for name, _, rows in tables:
        for row in rows:
            for value in row:
                if isinstance(value, str) and _NOT_IN_WORKBOOKS.search(value):
                    raise ValueError(
                        f"sheet {name}: the text {value!r} holds a control character that an "
                        "Excel workbook cannot store; save as JSON or CSV instead"
                    )
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for name, header, rows in tables:
        sheet = workbook.create_sheet(name)
        heading = []
        for title in header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _xlsx_cell(sheet: Any, value: CellValue, cell_type: Any) -> Any:
    if isinstance(value, Decimal):
        # A binary float keeps about 15 significant digits; beyond that the
        # decimal goes in as text so that it reads back exactly.
        exact = Decimal(repr(float(value))) == value
        return float(value) if exact else format(value, "f")
    if isinstance(value, str):
        cell = cell_type(sheet, value=value)
        # openpyxl takes "=..." for a formula and "#N/A" for an error; these are text.
        cell.data_type = "s"
        return cell
    return value


def write_csv_folder(folder: Path, tables: Sequence[Table]) -> None:
    """Write each table as ``<name>.csv`` in ``folder`` (UTF-8, comma-separated)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in tables:
        with (folder / csv_label(name)).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([csv_text(value) for value in row] for row in rows)


def csv_text(value: CellValue) -> str:
    """A cell value as CSV text: ``true``/``false``, ISO dates, plain decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
