"""Tests of parcelkit.io.tabular: raw sheets from workbooks and CSV folders, and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from parcelkit.io.cells import ExcelError
from parcelkit.io.tabular import (
    CellValue,
    csv_text,
    read_csv_folder,
    read_workbook,
    sniff_delimiter,
    write_csv_folder,
    write_workbook,
)


def test_sniff_delimiter_from_the_header_line() -> None:
    """The separator is the one the header line uses most; a comma by default."""
    assert sniff_delimiter("id;name;note\n1;a,b;c\n") == ";"
    assert sniff_delimiter("id,name\n1;2;3;4\n") == ","
    assert sniff_delimiter("id\n1\n") == ","


def test_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    """A UTF-8 CSV with a byte-order mark and ';' reads with clean headers and quoted cells."""
    text = 'id;name\r\nP1;"Ani; ""Klari"""\r\n'
    (tmp_path / "producers.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    sheets, problems = read_csv_folder(tmp_path, ["producers"], "f")
    assert problems == []
    sheet = sheets["producers"]
    assert sheet.label == "producers.csv"
    assert sheet.header == ("id", "name")
    assert sheet.rows == ((2, ("P1", 'Ani; "Klari"')),)


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    """Blank lines count as rows and a quoted line break stays inside one row."""
    (tmp_path / "s.csv").write_text('a,b\n\n"x\ny",1\n2,3\n', encoding="utf-8")
    sheets, _ = read_csv_folder(tmp_path, ["s"], "f")
    assert [number for number, _ in sheets["s"].rows] == [2, 3, 4]
    assert sheets["s"].rows[1] == (3, ("x\ny", "1"))


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    """A CSV in another encoding is one problem naming the file, not a crash."""
    (tmp_path / "s.csv").write_bytes("id\nKopi \u00e9\n".encode("cp1252"))
    sheets, problems = read_csv_folder(tmp_path, ["s"], "folder")
    assert sheets == {}
    (problem,) = problems
    assert (problem.file, problem.sheet) == ("folder", "s.csv")
    assert "UTF-8" in problem.message


def test_absent_csv_files_are_left_to_the_caller(tmp_path: Path) -> None:
    """A file not in the folder is simply missing from the result."""
    assert read_csv_folder(tmp_path, ["products"], "f") == ({}, [])


def test_workbook_rows_keep_their_numbers(tmp_path: Path) -> None:
    """Rows of a workbook are numbered from 1 even when some are empty; names match loosely."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = " Products "
    sheet["A1"], sheet["B1"] = "sku", "price"
    sheet["A4"], sheet["B4"] = "S1", 250000
    workbook.save(tmp_path / "w.xlsx")
    sheets, problems = read_workbook(tmp_path / "w.xlsx", ["products", "other"], "f")
    assert problems == [] and list(sheets) == ["products"]
    read = sheets["products"]
    assert read.label == " Products "
    assert read.rows[-1] == (4, ("S1", 250000))


def test_write_and_read_workbook_keeps_values(tmp_path: Path) -> None:
    """Text starting with '=', long decimals, dates and booleans come back as written."""
    long_share = Decimal("0.1234567890123456789")
    rows: list[list[CellValue]] = [
        ["=1+1 Kue", Decimal("0.10"), long_share, dt.date(2027, 2, 24), True, None, 7]
    ]
    write_workbook(tmp_path / "w.xlsx", [("data", ["a", "b", "c", "d", "e", "f", "g"], rows)])
    sheets, _ = read_workbook(tmp_path / "w.xlsx", ["data"], "f")
    ((_, cells),) = sheets["data"].rows
    assert cells[0] == "=1+1 Kue"
    assert Decimal(repr(cells[1])) == Decimal("0.1")
    assert Decimal(str(cells[2])) == long_share
    assert cells[3] == dt.datetime(2027, 2, 24)
    assert cells[4] is True and cells[5] is None and cells[6] == 7


def test_error_cells_are_told_apart_from_text(tmp_path: Path) -> None:
    """An Excel error cell reads as ExcelError; the same characters written as text stay text."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "s"
    workbook.active.append(["a", "b"])
    workbook.active.append(["#DIV/0!", "ok"])  # openpyxl stores this as an error cell
    workbook.save(tmp_path / "errors.xlsx")
    sheets, _ = read_workbook(tmp_path / "errors.xlsx", ["s"], "f")
    assert sheets["s"].rows[0][1] == (ExcelError("#DIV/0!"), "ok")
    write_workbook(tmp_path / "text.xlsx", [("s", ["a"], [["#DIV/0!"]])])
    sheets, _ = read_workbook(tmp_path / "text.xlsx", ["s"], "f")
    assert sheets["s"].rows[0][1] == ("#DIV/0!",)


def test_control_characters_are_refused_in_workbooks(tmp_path: Path) -> None:
    """Text a worksheet cannot hold (control characters, a carriage return) is refused."""
    for text in ("a\x02b", "line\rbreak"):
        with pytest.raises(ValueError, match="control character"):
            write_workbook(tmp_path / "w.xlsx", [("s", ["a"], [[text]])])
    write_workbook(tmp_path / "w.xlsx", [("s", ["a"], [["tab\tand\nnewline"]])])


def test_write_csv_folder(tmp_path: Path) -> None:
    """CSV files are written as UTF-8 with commas, quoting what needs it."""
    write_csv_folder(tmp_path / "out", [("s", ["a", "b"], [['x, "y"', Decimal("1E+1")]])])
    text = (tmp_path / "out" / "s.csv").read_bytes().decode("utf-8")
    assert text == 'a,b\r\n"x, ""y""",10\r\n'


def test_csv_text() -> None:
    """Cell values become CSV text the parsers read back."""
    assert csv_text(None) == ""
    assert csv_text(True) == "true"
    assert csv_text(Decimal("0.10")) == "0.10"
    assert csv_text(dt.date(2027, 2, 24)) == "2027-02-24"
    assert csv_text(250000) == "250000"
