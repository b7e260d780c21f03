"""Which kind of file a path names: a JSON file, an Excel workbook or a CSV folder."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

from parcelkit.errors import Problem


class Kind(Enum):
    """The three forms a catalog or a set of requests can take on disk."""

    JSON = "json"
    XLSX = "xlsx"
    CSV = "csv folder"


def kind_to_read(path: str | os.PathLike[str]) -> Kind | Problem:
    """The kind of an existing path, or the problem that stops it being read."""
    file = os.fspath(path)
    where = Path(path)
    if where.is_dir():
        return Kind.CSV
    suffix = where.suffix.lower()
    if not where.exists():
        return Problem(
            message="no such file or folder",
            file=file,
            expected="a .json file, an .xlsx workbook or a folder of CSV files",
        )
    if suffix == ".json":
        return Kind.JSON
    if suffix == ".xlsx":
        return Kind.XLSX
    hints = {
        ".csv": "a folder holding the CSV files, not one CSV file",
        ".xls": "an .xlsx workbook (save the old .xls workbook as .xlsx)",
        ".xlsm": "an .xlsx workbook without macros",
    }
    return Problem(
        message=f"cannot read a {suffix or 'suffix-less'} file",
        file=file,
        expected=hints.get(suffix, "a .json file, an .xlsx workbook or a folder of CSV files"),
    )


def kind_to_write(path: str | os.PathLike[str]) -> Kind:
    """The kind to write by suffix: ``.json``, ``.xlsx``, anything else a CSV folder."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return Kind.JSON
    if suffix == ".xlsx":
        return Kind.XLSX
    return Kind.CSV
