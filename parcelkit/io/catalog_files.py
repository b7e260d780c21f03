"""Catalogs on disk: a JSON file, an Excel workbook or a folder of CSV files.

Reading validates every record on its own, so that one broken row does not
hide the others, then runs the cross-record checks of the models
(`catalog_problems`) on the records that are valid and moves each problem
back to the row it came from. A workbook or folder may also hold an optional
sheet ``catalog`` with one row of ``format`` and ``season``, so that a round
trip through a spreadsheet keeps the season.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from parcelkit.errors import CatalogError, Problem
from parcelkit.io.columns import (
    CATALOG_INFO,
    PACKAGING,
    PRODUCERS,
    PRODUCTS,
    Bound,
    Layout,
    bind,
    cells_of,
    parse_row,
    place_issues,
)
from parcelkit.io.jsonfile import dumps, read_json, write_text
from parcelkit.io.locate import Issue, in_order, issues, json_problem, moved, unique
from parcelkit.io.sources import Kind, kind_to_read, kind_to_write
from parcelkit.io.tabular import (
    Sheet,
    Table,
    csv_label,
    read_csv_folder,
    read_workbook,
    write_csv_folder,
    write_workbook,
)
from parcelkit.models import Catalog, Packaging, Producer, Product, catalog_problems

COLLECTIONS: dict[str, type[BaseModel]] = {
    "producers": Producer,
    "products": Product,
    "packaging": Packaging,
}
"""The catalog's lists, in the order they are read and written, with their record type."""

LAYOUTS: tuple[Layout, ...] = (PRODUCERS, PRODUCTS, PACKAGING)


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read a catalog from a ``.json`` file, an ``.xlsx`` workbook or a folder of CSV files.

    Raises
    ------
    CatalogError
        Holding every problem found, each with its file, sheet, row and field.
    """
    file = os.fspath(path)
    kind = kind_to_read(path)
    if isinstance(kind, Problem):
        raise CatalogError([kind])
    if kind is Kind.JSON:
        catalog, problems = _from_json(Path(path), file)
    else:
        catalog, problems = _from_sheets(Path(path), file, kind)
    if catalog is None or problems:
        raise CatalogError(in_order(unique(problems), [CATALOG_INFO.sheet, *COLLECTIONS]))
    return catalog


KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "producers": (("id",), ()),
    "products": (("sku", "producer_id"), ()),
    "packaging": (("id",), ("producer_id",)),
}
"""The fields the cross-record checks read: required ones, then optional ones."""


@dataclass
class _Records:
    """Every record whose keys could be read, with its place, for the cross-record checks.

    A record that fails validation still takes part with its keys alone, so
    that one pass reports a duplicate sku even in a row with a bad price,
    and never calls a producer unknown because its row had another mistake.
    """

    checked: dict[str, list[Any]] = field(default_factory=lambda: {n: [] for n in COLLECTIONS})
    places: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: {n: [] for n in COLLECTIONS}
    )

    def add(self, collection: str, record: object, place: tuple[str, int]) -> list[Issue]:
        """Validate one record and keep it (or its keys) with its place; return its issues."""
        model = COLLECTIONS[collection]
        try:
            valid = model.model_validate(record)
        except ValidationError as error:
            keys = _keys(collection, record)
            if keys is not None:
                self.checked[collection].append(model.model_construct(None, **keys))
                self.places[collection].append(place)
            return issues(model, error)
        self.checked[collection].append(valid)
        self.places[collection].append(place)
        return []


def _keys(collection: str, record: object) -> dict[str, str] | None:
    """The key fields of a broken record, as the model would strip them, if all are text."""
    if not isinstance(record, dict):
        return None
    required, optional = KEYS[collection]
    keys = {k: record[k].strip() for k in (*required, *optional) if isinstance(record.get(k), str)}
    return keys if all(k in keys for k in required) else None


def _from_json(path: Path, file: str) -> tuple[Catalog | None, list[Problem]]:
    data, problems = read_json(path)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        problems.append(
            Problem(
                message="the file does not hold a JSON object",
                file=file,
                expected="an object with format, season, producers, products and packaging",
            )
        )
        return None, problems
    head = {key: value for key, value in data.items() if key not in COLLECTIONS}
    problems += [json_problem(issue, file) for issue in _head_issues(head)]
    records = _Records()
    for collection in COLLECTIONS:
        items = data.get(collection, [])
        if not isinstance(items, list):
            problems.append(
                Problem(message="not a list", file=file, field=collection, expected="a list")
            )
            continue
        for position, item in enumerate(items, start=1):
            found = records.add(collection, item, (collection, position))
            problems += [json_problem(i, file, collection, position) for i in found]
    problems += _cross_problems(records, file, "position")
    return _catalog(head, records, file, problems)


def _from_sheets(path: Path, file: str, kind: Kind) -> tuple[Catalog | None, list[Problem]]:
    names = [CATALOG_INFO.sheet, *COLLECTIONS]
    if kind is Kind.XLSX:
        sheets, problems = read_workbook(path, names, file)
        if problems:
            return None, problems
    else:
        sheets, problems = read_csv_folder(path, names, file)
    head: dict[str, Any] = {}
    if CATALOG_INFO.sheet in sheets:
        head, found = _head_from_sheet(sheets[CATALOG_INFO.sheet], file)
        problems += found
    records = _Records()
    for layout in LAYOUTS:
        sheet = sheets.get(layout.sheet)
        if sheet is None:
            problems.append(missing_sheet(layout, kind, file))
            continue
        bound = bind(sheet, layout, file)
        problems += [*bound.problems, *_read_rows(bound, layout, records, file)]
    problems += _cross_problems(records, file, "row")
    return _catalog(head, records, file, problems)


def missing_sheet(layout: Layout, kind: Kind, file: str) -> Problem:
    """The problem of a sheet (or CSV file) that is not there."""
    if kind is Kind.XLSX:
        return Problem(
            message=f"missing sheet {layout.sheet!r}",
            file=file,
            sheet=layout.sheet,
            expected=f"a sheet named {layout.sheet} with columns " + ", ".join(layout.names),
        )
    label = csv_label(layout.sheet)
    return Problem(
        message=f"missing file {label}",
        file=file,
        sheet=label,
        expected=f"a file {label} in the folder, with columns " + ", ".join(layout.names),
    )


def _read_rows(bound: Bound, layout: Layout, records: _Records, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for row in bound.rows:
        parsed = parse_row(layout, row, file, bound.label)
        found = records.add(layout.sheet, parsed.record, (bound.label, row.number))
        problems += parsed.problems
        problems += place_issues(
            found,
            layout,
            row,
            file=file,
            label=bound.label,
            failed=parsed.failed,
            absent=bound.absent,
        )
    return problems


def _head_from_sheet(sheet: Sheet, file: str) -> tuple[dict[str, Any], list[Problem]]:
    """Format and season from the optional ``catalog`` sheet (one row)."""
    bound = bind(sheet, CATALOG_INFO, file)
    problems = list(bound.problems)
    if not bound.rows:
        return {}, problems
    first, *more = bound.rows
    problems += [
        Problem(
            message="the catalog sheet holds one row only",
            file=file,
            sheet=bound.label,
            row=row.number,
            expected="format and season in row 2 alone",
        )
        for row in more
    ]
    parsed = parse_row(CATALOG_INFO, first, file, bound.label)
    problems += parsed.problems
    problems += place_issues(
        _head_issues(parsed.record), CATALOG_INFO, first, file=file, label=bound.label
    )
    return parsed.record, problems


def _head_issues(head: dict[str, Any]) -> list[Issue]:
    """Problems with the catalog's own fields (format, season, unknown keys)."""
    try:
        Catalog.model_validate(head)
    except ValidationError as error:
        return issues(Catalog, error)
    return []


def _cross_problems(records: _Records, file: str, word: str) -> list[Problem]:
    """`catalog_problems` of the records, moved to the rows they came from."""
    found = catalog_problems(
        records.checked["producers"], records.checked["products"], records.checked["packaging"]
    )
    problems = []
    for problem in found:
        places = records.places.get(problem.sheet or "", [])
        if problem.row is None or not 1 <= problem.row <= len(places):
            problems.append(moved(problem, file=file))
            continue
        sheet, row = places[problem.row - 1]
        message = _reword_positions(problem.message, places, word)
        problems.append(moved(problem, message=message, file=file, sheet=sheet, row=row))
    return problems


def _reword_positions(message: str, places: list[tuple[str, int]], word: str) -> str:
    """Turn "position 3" (among the valid records) into the row or position in the file."""

    def place(match: re.Match[str]) -> str:
        index = int(match[1]) - 1
        return f"{word} {places[index][1]}" if 0 <= index < len(places) else match[0]

    return re.sub(r"\bposition (\d+)", place, message)


def _catalog(
    head: dict[str, Any], records: _Records, file: str, problems: list[Problem]
) -> tuple[Catalog | None, list[Problem]]:
    if problems:
        return None, problems
    try:
        catalog = Catalog.model_validate({**head, **records.checked})
    except ValidationError as error:
        return None, [json_problem(issue, file) for issue in issues(Catalog, error)]
    return catalog, []


def catalog_document(catalog: Catalog) -> dict[str, Any]:
    """The catalog as a JSON document: the format first, values left at defaults omitted."""
    document: dict[str, Any] = {"format": catalog.format}
    if catalog.season:
        document["season"] = catalog.season
    for collection in COLLECTIONS:
        document[collection] = [
            record.model_dump(mode="json", exclude_defaults=True)
            for record in getattr(catalog, collection)
        ]
    return document


def catalog_to_json(catalog: Catalog) -> str:
    """The catalog as JSON text (indent 2), as `save_catalog` writes it."""
    return dumps(catalog_document(catalog))


def catalog_tables(catalog: Catalog) -> list[Table]:
    """The sheets of a catalog workbook or CSV folder: the three lists, then ``catalog``."""
    tables: list[Table] = [
        (layout.sheet, layout.names, [cells_of(layout, r) for r in getattr(catalog, layout.sheet)])
        for layout in LAYOUTS
    ]
    tables.append(
        (CATALOG_INFO.sheet, CATALOG_INFO.names, [[catalog.format, catalog.season or None]])
    )
    return tables


def save_catalog(catalog: Catalog, path: str | os.PathLike[str]) -> None:
    """Write a catalog as ``.json``, ``.xlsx`` or (any other path) a folder of CSV files.

    `load_catalog` reads back an equal catalog. Raises `ValueError` when a
    list value cannot be written to a comma-separated cell (an item holding
    a comma).
    """
    kind = kind_to_write(path)
    if kind is Kind.JSON:
        write_text(path, catalog_to_json(catalog))
    elif kind is Kind.XLSX:
        write_workbook(Path(path), catalog_tables(catalog))
    else:
        write_csv_folder(Path(path), catalog_tables(catalog))
