"""The columns of each sheet, and how a row becomes a record and back.

A `Layout` lists a sheet's columns: the name in the header, where the value
goes in the record (``("rules", "min_items")``), the cell parser, how a model
value is written back, and whether the column must be present. `bind` checks
a sheet's header against its layout and yields the rows that hold data;
`parse_row` reads their cells. Every problem found names the file, the sheet,
the row and the column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from parcelkit.errors import Problem
from parcelkit.io.cells import (
    CellError,
    ExcelError,
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
from parcelkit.io.locate import Issue, Loc
from parcelkit.io.tabular import CellValue, Sheet
from parcelkit.models import Packaging, Producer, Product

Parser = Callable[[object], object]
Shower = Callable[[Any], CellValue]


def _plain(value: Any) -> CellValue:
    """A model value written as it is; empty text is an empty cell."""
    return None if value == "" else value


def _catalog_list(value: tuple[str, ...]) -> CellValue:
    return show_list(value, marker=False)


def _rule_list(value: tuple[str, ...] | None) -> CellValue:
    return show_list(value, marker=True)


@dataclass(frozen=True)
class Column:
    """One column of a sheet and the record field it fills."""

    name: str
    parse: Parser
    path: tuple[str, ...] = ()
    show: Shower = _plain
    required: bool = False

    @property
    def where(self) -> tuple[str, ...]:
        """The path of the value in the record (the column name by default)."""
        return self.path or (self.name,)


@dataclass(frozen=True)
class Layout:
    """The columns of one sheet, in the order they are written."""

    sheet: str
    columns: tuple[Column, ...]
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        """The column called ``name``."""
        return self._by_name.get(name)

    def column_for(self, loc: Loc) -> str | None:
        """The column whose value sits at (or above) ``loc`` in the record."""
        best: Column | None = None
        for column in self.columns:
            where = column.where
            if loc[: len(where)] == where and (best is None or len(where) > len(best.where)):
                best = column
        return best.name if best else None


def from_model(
    model: type[BaseModel], parsers: Mapping[str, Parser], shows: Mapping[str, Shower]
) -> tuple[Column, ...]:
    """Columns for the fields of ``model`` (except ``format``), required as the model says."""
    return tuple(
        Column(
            name=name,
            parse=parsers.get(name, parse_text),
            show=shows.get(name, _plain),
            required=info.is_required(),
        )
        for name, info in model.model_fields.items()
        if name != "format"
    )


PRODUCERS = Layout(
    "producers",
    from_model(Producer, {"certifications": parse_list}, {"certifications": _catalog_list}),
)
PRODUCTS = Layout(
    "products",
    from_model(
        Product,
        {
            "price": parse_rupiah,
            "stock": parse_int,
            "min_order": parse_int,
            "halal": parse_bool,
            "food": parse_bool,
            "weight_g": parse_int,
            "volume_ml": parse_int,
            "shelf_life_days": parse_int,
            "tags": parse_list,
        },
        {"tags": _catalog_list},
    ),
)
PACKAGING = Layout(
    "packaging",
    from_model(
        Packaging,
        {
            "price": parse_rupiah,
            "capacity_ml": parse_int,
            "max_weight_g": parse_int,
            "stock": parse_int,
        },
        {},
    ),
)
CATALOG_INFO = Layout("catalog", (Column("format", parse_text), Column("season", parse_text)))
"""The optional sheet that keeps the catalog's format and season."""


def _rule(name: str, parse: Parser, show: Shower = _plain) -> Column:
    return Column(name, parse, path=("rules", name), show=show)


RULE_COLUMNS = (
    _rule("min_items", parse_int),
    _rule("max_items", parse_int),
    _rule("categories", parse_categories, show_categories),
    _rule("halal_only", parse_bool),
    _rule("exclude_tags", parse_list, _rule_list),
    _rule("max_same_product", parse_int),
    _rule("max_items_per_producer", parse_int),
    _rule("max_variants", parse_int),
    _rule("variant_price_spread", parse_decimal),
    _rule("min_budget_use", parse_decimal),
    _rule("min_shelf_life_days", parse_int),
    _rule("packaging", parse_list, _rule_list),
)
"""The rule columns of FORMAT.md, shared by the requests and tiers sheets."""

REQUESTS = Layout(
    "requests",
    (
        Column("id", parse_text, required=True),
        Column("company", parse_text, required=True),
        Column("koperasi", parse_text),
        Column("delivery_date", parse_date),
        *RULE_COLUMNS,
        Column("fee_assembly", parse_rupiah, path=("fees", "assembly")),
        Column("fee_koperasi", parse_rupiah, path=("fees", "koperasi")),
    ),
)
TIERS = Layout(
    "tiers",
    (
        Column("request_id", parse_text, required=True),
        Column("name", parse_text, required=True),
        Column("parcels", parse_int, required=True),
        Column("budget", parse_rupiah, required=True),
        *RULE_COLUMNS,
    ),
)
PREFERENCES = Layout(
    "preferences",
    (
        Column("request_id", parse_text, required=True),
        Column("kind", parse_text, required=True),
        Column("key", parse_text, required=True),
        Column("weight", parse_int, required=True),
    ),
)


@dataclass(frozen=True)
class Row:
    """A sheet row that holds data: its number and its non-blank cells by column."""

    number: int
    cells: Mapping[str, object]


@dataclass(frozen=True)
class Bound:
    """A sheet checked against its layout.

    Attributes
    ----------
    label
        The sheet name as the problems give it.
    rows
        The rows holding data, fully blank rows left out.
    absent
        Columns of the layout the sheet does not have.
    problems
        Header problems and values outside any named column.
    """

    label: str
    rows: tuple[Row, ...]
    absent: frozenset[str]
    problems: tuple[Problem, ...]


def bind(sheet: Sheet, layout: Layout, file: str) -> Bound:
    """Check ``sheet``'s header against ``layout`` and collect its rows by column."""
    where = {"file": file, "sheet": sheet.label}
    if all(is_blank(cell) for cell in sheet.header):
        problem = Problem(
            message="the sheet has no header row",
            row=1,
            expected="column names in row 1: " + ", ".join(layout.names),
            **where,
        )
        return Bound(sheet.label, (), frozenset(layout.names), (problem,))
    names, problems = _header(sheet.header, layout, where)
    rows: list[Row] = []
    for number, cells in sheet.rows:
        if all(is_blank(cell) for cell in cells):
            continue
        by_column: dict[str, object] = {}
        for position, cell in enumerate(cells):
            if is_blank(cell):
                continue
            name = names[position] if position < len(names) else None
            if name is None:
                problems.append(
                    Problem(
                        message=f"a value in column {position + 1}, which has no name in row 1",
                        row=number,
                        value=cell_text(cell),
                        expected="values only under named columns",
                        **where,
                    )
                )
            elif name != IGNORED:
                by_column[name] = cell
        rows.append(Row(number, by_column))
    present = set(names)
    absent = frozenset(n for n in layout.names if n not in present)
    return Bound(sheet.label, tuple(rows), absent, tuple(problems))


def _header(
    header: Sequence[object], layout: Layout, where: Mapping[str, Any]
) -> tuple[list[str | None], list[Problem]]:
    """The column name at each position: None where unnamed, `IGNORED` where reported."""
    names: list[str | None] = []
    problems: list[Problem] = []
    for cell in header:
        name = None if is_blank(cell) else str(cell).strip().lower()
        if name is None:
            names.append(None)
        elif layout.column(name) is None:
            problems.append(
                Problem(
                    message=f"unknown column {name!r}",
                    row=1,
                    field=name,
                    expected="columns " + ", ".join(layout.names),
                    **where,
                )
            )
            names.append(IGNORED)
        elif name in names:
            problems.append(
                Problem(message=f"column {name!r} appears twice", row=1, field=name, **where)
            )
            names.append(IGNORED)
        else:
            names.append(name)
    for column in layout.columns:
        if column.required and column.name not in names:
            problems.append(
                Problem(
                    message=f"missing column {column.name!r}",
                    row=1,
                    field=column.name,
                    expected="a column of that name in row 1",
                    **where,
                )
            )
    return names, problems


IGNORED = "\x00ignored"
"""Stands for an unknown or repeated column: reported once, its cells not read."""


@dataclass
class Parsed:
    """A row read into a record: the values, the cell problems, the failed columns."""

    record: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)


def parse_row(layout: Layout, row: Row, file: str, label: str) -> Parsed:
    """Read each cell of ``row`` with its column's parser, nesting values by path."""
    parsed = Parsed()
    for column in layout.columns:
        raw = row.cells.get(column.name)
        if raw is None:
            continue
        try:
            if isinstance(raw, ExcelError):
                raise CellError(f"the cell holds the Excel error {raw}", "a value, not an error")
            value = column.parse(raw)
        except CellError as exc:
            parsed.failed.add(column.name)
            parsed.problems.append(
                Problem(
                    message=exc.message,
                    file=file,
                    sheet=label,
                    row=row.number,
                    field=column.name,
                    value=cell_text(raw),
                    expected=exc.expected,
                )
            )
            continue
        _put(parsed.record, column.where, value)
    return parsed


def _put(record: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value


def place_issues(
    found: Iterable[Issue],
    layout: Layout,
    row: Row,
    *,
    file: str,
    label: str,
    failed: Iterable[str] = (),
    absent: Iterable[str] = (),
) -> list[Problem]:
    """Issues of a record read from ``row`` as problems naming its column.

    Issues about ``failed`` columns (cells that could not be read, already
    reported) and missing values of ``absent`` columns (reported once for the
    sheet) are left out, so that one mistake is told once.
    """
    failed, absent = set(failed), set(absent)
    problems = []
    for issue in found:
        name = layout.column_for(issue.loc)
        if name in failed or (issue.missing and name in absent):
            continue
        raw = row.cells.get(name) if name else None
        problems.append(
            Problem(
                message=issue.message,
                file=file,
                sheet=label,
                row=row.number,
                field=name,
                value=cell_text(raw) if raw is not None else issue.value,
                expected=issue.expected,
            )
        )
    return problems


def cells_of(
    layout: Layout, record: BaseModel, given: Mapping[str, CellValue] | None = None
) -> list[CellValue]:
    """The cells of one row written from ``record``, or from ``given`` for columns it names."""
    given = given or {}
    return [
        given[column.name] if column.name in given else column.show(_get(record, column.where))
        for column in layout.columns
    ]


def _get(record: object, path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        value = getattr(value, key)
    return value
