"""The season plan as an Excel workbook, the way a Dinkop planner reads it.

One workbook holds everything a planner hands on: a summary of the season
(``Ringkasan``), the fairness metrics (``Keadilan``), the producer table
(``Produsen``), an index of the companies (``Perusahaan``), the requests not
served and why (``Tidak terlayani``), the purchase orders' overview
(``Pesanan produsen``), then one sheet of parcels per served company and one
purchase order per producer (``PO KRW-001``).

Money stays an ``int`` of rupiah in every cell, shown with a rupiah number
format, so that Excel can still add it up; ratios are floats shown as
percentages. Excel draws the thousands separator of the reader's locale, so an
Indonesian Excel shows ``Rp39.000.000``. Writing the same plan twice gives the
same file, byte for byte: the document's dates and the archive's timestamps
are fixed. openpyxl is imported on first use, so importing the report package
stays quick.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from parcelkit.models import (
    Catalog,
    PurchaseOrder,
    Quote,
    Request,
    SeasonPlan,
    Status,
    TierQuote,
    purchase_orders,
)
from parcelkit.report.text import grouped, rupiah

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "COUNT_FORMAT",
    "DATE_FORMAT",
    "INDEX_FORMAT",
    "PERCENT_FORMAT",
    "RUPIAH_FORMAT",
    "SHEET_NAME_LIMIT",
    "excel_sheet_names",
    "plan_workbook",
    "write_plan_workbook",
]

RUPIAH_FORMAT: Final = '"Rp"#,##0'
"""Whole rupiah with thousands grouped (dots in an Indonesian Excel)."""
COUNT_FORMAT: Final = "#,##0"
"""Parcels, units and other counts, thousands grouped."""
PERCENT_FORMAT: Final = "0.0%"
"""Shares and ratios (coverage, utilization, gap)."""
INDEX_FORMAT: Final = "0.000"
"""Indices between 0 and 1 that are not shares (gini, jain)."""
DATE_FORMAT: Final = "dd-mm-yyyy"
"""Delivery dates, day first as Indonesian documents write them."""

SHEET_NAME_LIMIT: Final = 31
"""The longest sheet name Excel accepts."""

SUMMARY_SHEET: Final = "Ringkasan"
FAIRNESS_SHEET: Final = "Keadilan"
PRODUCERS_SHEET: Final = "Produsen"
COMPANIES_SHEET: Final = "Perusahaan"
UNSERVED_SHEET: Final = "Tidak terlayani"
ORDERS_SHEET: Final = "Pesanan produsen"

_FIXED_TIME: Final = dt.datetime(2000, 1, 1)
"""The workbook's created and modified dates: fixed, so that equal plans give equal files."""
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
"""The earliest timestamp a zip entry can hold, given to every part of the file."""

_MAX_WIDTH: Final = 60
_TITLE_SIZE: Final = 14
_MIN_WIDTH: Final = 6
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_NOT_IN_CELLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RESERVED_SHEET_NAMES: Final = frozenset({"history"})

_STATUS_WORDS: Final = {
    Status.OPTIMAL: "terbukti terbaik",
    Status.FEASIBLE: "valid, belum terbukti terbaik",
    Status.INFEASIBLE: "tidak ada rencana yang valid",
    Status.UNKNOWN: "waktu habis sebelum ada rencana yang valid",
}


# --------------------------------------------------------------------------- sheet names


def excel_sheet_names(wanted: Iterable[str]) -> tuple[str, ...]:
    """Sheet names Excel accepts for ``wanted``, in order, each one unique.

    Characters Excel refuses (``[]:*?/\\`` and control characters) become
    ``-``; apostrophes and spaces at either end are dropped; a name is cut to
    `SHEET_NAME_LIMIT` characters. A name already taken (Excel compares
    without case, and keeps ``History`` for itself) gets `` (2)``, `` (3)``,
    ... with its stem shortened to fit, so two companies that share a long
    prefix still get two sheets. An empty name becomes ``Lembar``.
    """
    taken: set[str] = set(_RESERVED_SHEET_NAMES)
    names: list[str] = []
    for name in wanted:
        stem = _clean_sheet_name(name)
        candidate, number = stem, 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = _clean_sheet_name(stem[: SHEET_NAME_LIMIT - len(suffix)]) + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return tuple(names)


def _clean_sheet_name(name: str) -> str:
    """``name`` with Excel's forbidden characters replaced, trimmed and cut to the limit."""
    cleaned = _NOT_IN_SHEET_NAMES.sub("-", name).strip(" '")[:SHEET_NAME_LIMIT].strip(" '")
    return cleaned or "Lembar"


# --------------------------------------------------------------------------- the plan's facts


@dataclass(frozen=True)
class _Company:
    """What the workbook says about one request: who ordered, by when, and its sheet."""

    request_id: str
    company: str
    koperasi: str
    delivery_date: dt.date | None
    parcels: int | None
    """Parcels asked for (None: the request itself was not given)."""


@dataclass(frozen=True)
class _Season:
    """The plan with everything the sheets look up: companies, orders, names, sheet names."""

    plan: SeasonPlan
    catalog: Catalog
    companies: dict[str, _Company]
    orders: tuple[PurchaseOrder, ...]
    company_sheets: dict[str, str]
    order_sheets: dict[str, str]


def _companies(plan: SeasonPlan, requests: Sequence[Request]) -> dict[str, _Company]:
    """Every request of the season by id: the given requests first, then any only the plan has."""
    companies: dict[str, _Company] = {}
    for request in requests:
        companies.setdefault(
            request.id,
            _Company(
                request_id=request.id,
                company=request.company,
                koperasi=request.koperasi,
                delivery_date=request.delivery_date,
                parcels=sum(tier.parcels for tier in request.tiers),
            ),
        )
    for quote in plan.quotes:
        companies.setdefault(
            quote.request_id, _Company(quote.request_id, quote.company, "", None, None)
        )
    for entry in plan.unserved:
        companies.setdefault(entry.request_id, _Company(entry.request_id, "", "", None, None))
    return companies


def _order_requests(plan: SeasonPlan, requests: Sequence[Request]) -> list[Request]:
    """The requests `purchase_orders` needs: the given ones, and stand-ins for the others.

    A stand-in carries only the id and the company of a quote whose request
    was not given; `purchase_orders` reads nothing else, so it is built
    without the validation a real request (with tiers and rules) goes through.
    """
    known = {request.id for request in requests}
    stand_ins = [
        Request.model_construct(id=quote.request_id, company=quote.company, tiers=())
        for quote in plan.quotes
        if quote.request_id not in known
    ]
    return [*requests, *stand_ins]


def _season(plan: SeasonPlan, catalog: Catalog, requests: Sequence[Request]) -> _Season:
    """Gather the plan's facts and give every sheet its Excel-safe name."""
    orders = purchase_orders(plan, catalog, _order_requests(plan, requests))
    fixed = [SUMMARY_SHEET, FAIRNESS_SHEET, PRODUCERS_SHEET, COMPANIES_SHEET, ORDERS_SHEET]
    if plan.unserved:
        fixed.append(UNSERVED_SHEET)
    wanted = [
        *fixed,
        *(quote.company for quote in plan.quotes),
        *(f"PO {order.producer_id}" for order in orders),
    ]
    names = excel_sheet_names(wanted)[len(fixed) :]
    company_names, order_names = names[: len(plan.quotes)], names[len(plan.quotes) :]
    return _Season(
        plan=plan,
        catalog=catalog,
        companies=_companies(plan, requests),
        orders=orders,
        company_sheets={q.request_id: n for q, n in zip(plan.quotes, company_names, strict=True)},
        order_sheets={o.producer_id: n for o, n in zip(orders, order_names, strict=True)},
    )


def _tier_parcels(tiers: Iterable[TierQuote]) -> int:
    """Parcels over the variants of ``tiers``: what a quote serves."""
    return sum(variant.parcels for tier in tiers for variant in tier.variants)


# --------------------------------------------------------------------------- writing cells


@dataclass(frozen=True)
class _Column:
    """A table column: its header, the number format of its cells, and whether text wraps."""

    title: str
    number_format: str | None = None
    wrap: bool = False
    """Long sentences (reasons) wrap within the column instead of running past it."""


class _Link(NamedTuple):
    """A cell showing ``text`` that jumps to the top of the sheet ``sheet``."""

    text: str
    sheet: str


Cell = str | int | float | dt.date | _Link | None
"""What the sheet writers put in a cell."""


def _put(sheet: Worksheet, row: int, column: int, value: Cell, number_format: str | None) -> None:
    """Write one cell: text as text (never a formula), links as internal hyperlinks.

    Empty text leaves the cell empty, as a missing koperasi or district should read.
    """
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell = sheet.cell(row=row, column=column)
    if isinstance(value, _Link):
        cell.value = _cell_text(value.text)
        cell.data_type = "s"
        quoted = value.sheet.replace("'", "''")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")
        cell.style = "Hyperlink"
    elif isinstance(value, str):
        if value:
            cell.value = _cell_text(value)
            # openpyxl reads "=..." as a formula: a name is text, whatever it starts with.
            cell.data_type = "s"
    else:
        cell.value = value
    if number_format is not None and not isinstance(value, str | _Link | None):
        cell.number_format = number_format


def _cell_text(text: str) -> str:
    """``text`` without the control characters a worksheet cannot hold."""
    return _NOT_IN_CELLS.sub("", text)


def _write_table(
    sheet: Worksheet,
    top: int,
    columns: Sequence[_Column],
    rows: Sequence[Sequence[Cell]],
    *,
    totals: Sequence[Cell] | None = None,
    autofilter: bool = True,
) -> int:
    """Write a table with a bold header at row ``top``; return the first row below it.

    The autofilter covers the header and the rows, not the totals row (bold,
    one row below the last), so that sorting keeps the totals at the bottom.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wraps = any(column.wrap for column in columns)
    for number, column in enumerate(columns, start=1):
        _put(sheet, top, number, column.title, None)
        sheet.cell(row=top, column=number).font = bold
    for offset, values in enumerate(rows, start=1):
        for number, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            _put(sheet, top + offset, number, value, column.number_format)
            if wraps:
                # A wrapped row grows tall: its other cells read best from the top too.
                alignment = Alignment(vertical="top", wrap_text=column.wrap)
                sheet.cell(row=top + offset, column=number).alignment = alignment
    last = top + len(rows)
    if autofilter and rows:
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{last}"
    if totals is not None:
        last += 1
        for number, (column, value) in enumerate(zip(columns, totals, strict=True), start=1):
            _put(sheet, last, number, value, column.number_format)
            sheet.cell(row=last, column=number).font = bold
    return last + 1


def _write_pairs(sheet: Worksheet, top: int, pairs: Sequence[tuple[str, Cell, str | None]]) -> int:
    """Write label / value pairs (the value with its number format); return the row below."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for offset, (label, value, number_format) in enumerate(pairs):
        _put(sheet, top + offset, 1, label, None)
        sheet.cell(row=top + offset, column=1).font = bold
        _put(sheet, top + offset, 2, value, number_format)
    return top + len(pairs)


def _write_title(sheet: Worksheet, title: str) -> None:
    """A large bold title in A1."""
    from openpyxl.styles import Font

    _put(sheet, 1, 1, title, None)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=_TITLE_SIZE)


def _shown_width(value: object, number_format: str) -> int:
    """About how many characters Excel shows for ``value`` in ``number_format``."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, int) and number_format == RUPIAH_FORMAT:
        return len(rupiah(value))
    if isinstance(value, int) and "#,##0" in number_format:
        return len(grouped(value))
    if isinstance(value, float) and "%" in number_format:
        return len(f"{value * 100:.1f}%")
    if isinstance(value, float) and number_format == INDEX_FORMAT:
        return 5
    if isinstance(value, float) and "#,##0" in number_format:
        return len(grouped(round(value)))
    if isinstance(value, dt.date):
        return len(DATE_FORMAT)
    return max(len(line) for line in str(value).splitlines() or [""])


def _fit_columns(sheet: Worksheet) -> None:
    """Size every column to its widest shown cell, within bounds.

    A sheet's title runs across the columns beside it, so it does not widen the first.
    """
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.font.sz == _TITLE_SIZE:
                continue
            width = _shown_width(cell.value, cell.number_format)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)


# --------------------------------------------------------------------------- the sheets


def _write_summary(sheet: Worksheet, season: _Season) -> None:
    """The season in figures: requests and parcels served, money, and how the solver did."""
    plan = season.plan
    unserved_parcels = [season.companies[entry.request_id].parcels for entry in plan.unserved]
    pairs: list[tuple[str, Cell, str | None]] = [
        ("Status rencana", plan.status.value, None),
        ("Artinya", _STATUS_WORDS[plan.status], None),
        ("Permintaan terlayani", len(plan.quotes), COUNT_FORMAT),
        ("Permintaan tidak terlayani", len(plan.unserved), COUNT_FORMAT),
        ("Parsel terlayani", sum(_tier_parcels(q.tiers) for q in plan.quotes), COUNT_FORMAT),
    ]
    if all(parcels is not None for parcels in unserved_parcels):
        pairs.append(
            ("Parsel tidak terlayani", sum(p or 0 for p in unserved_parcels), COUNT_FORMAT)
        )
    pairs += [
        ("Nilai parsel (total perusahaan)", sum(q.total for q in plan.quotes), RUPIAH_FORMAT),
        ("Pendapatan produsen", sum(p.revenue for p in plan.producers), RUPIAH_FORMAT),
        ("Produsen dengan pesanan", len(season.orders), COUNT_FORMAT),
        ("Produsen dalam katalog", len(plan.producers), COUNT_FORMAT),
        ("Solver", plan.solver.name, None),
        ("Waktu solver (detik)", plan.solver.wall_time_s, "0.0"),
        ("Hasil dapat diulang", "ya" if plan.solver.deterministic else "tidak", None),
    ]
    _write_title(sheet, "Rencana musim parsel Lebaran")
    below = _write_pairs(sheet, 3, pairs)
    stages = [
        _Column("Tahap solver"),
        _Column("Nilai tujuan", COUNT_FORMAT),
        _Column("Batas", COUNT_FORMAT),
        _Column("Selisih", PERCENT_FORMAT),
    ]
    rows = [(s.name, s.objective, s.bound, s.gap) for s in plan.solver.stages]
    _write_table(sheet, below + 1, stages, rows, autofilter=False)
    sheet.freeze_panes = "A2"


def _write_fairness(sheet: Worksheet, season: _Season) -> None:
    """The fairness metrics with what each means, and the producers nobody may buy from."""
    fairness = season.plan.fairness
    eligible = sum(1 for producer in season.plan.producers if producer.reachable > 0)
    metrics: list[tuple[str, Cell, str | None, str]] = [
        ("Kebijakan", fairness.policy, None, "cara pendapatan dibagi di antara produsen"),
        ("Produsen layak", eligible, COUNT_FORMAT, "produsen yang dapat dibeli oleh permintaan"),
        ("Gini", fairness.gini, INDEX_FORMAT, "0 = merata, 1 = semua ke satu produsen"),
        ("Indeks Jain", fairness.jain, INDEX_FORMAT, "1 = merata, 1/n = semua ke satu produsen"),
        ("Cakupan", fairness.coverage, PERCENT_FORMAT, "produsen layak yang mendapat pesanan"),
        (
            "Utilisasi terendah",
            fairness.min_utilization,
            PERCENT_FORMAT,
            "pendapatan / kapasitas, produsen layak terendah",
        ),
        (
            "Pangsa terbesar",
            fairness.max_share,
            PERCENT_FORMAT,
            "bagian pendapatan produsen terbesar",
        ),
    ]
    _write_title(sheet, "Keadilan antar produsen")
    below = _write_table(
        sheet,
        3,
        [_Column("Ukuran"), _Column("Nilai"), _Column("Artinya")],
        [(label, value, meaning) for label, value, _, meaning in metrics],
        autofilter=False,
    )
    for offset, (_, _, number_format, _) in enumerate(metrics, start=4):
        if number_format is not None:
            sheet.cell(row=offset, column=2).number_format = number_format
    names = {producer.id: producer.name for producer in season.catalog.producers}
    rows = [(e.producer_id, names.get(e.producer_id, ""), e.reason) for e in fairness.ineligible]
    columns = [_Column("Produsen tidak layak"), _Column("Nama"), _Column("Alasan", wrap=True)]
    _write_table(sheet, below + 1, columns, rows)
    sheet.freeze_panes = "A2"


def _write_producers(sheet: Worksheet, season: _Season) -> None:
    """The producer table: sales, share, capacity, reachable, utilization, and a link to the PO."""
    producers = {producer.id: producer for producer in season.catalog.producers}
    everyone = sum(entry.revenue for entry in season.plan.producers)
    columns = [
        _Column("ID produsen"),
        _Column("Nama"),
        _Column("Kecamatan"),
        _Column("Unit", COUNT_FORMAT),
        _Column("Pendapatan", RUPIAH_FORMAT),
        _Column("Pangsa", PERCENT_FORMAT),
        _Column("Kapasitas", RUPIAH_FORMAT),
        _Column("Terjangkau", RUPIAH_FORMAT),
        _Column("Utilisasi", PERCENT_FORMAT),
        _Column("Layak"),
        _Column("PO"),
    ]
    rows: list[tuple[Cell, ...]] = []
    for entry in season.plan.producers:
        producer = producers.get(entry.producer_id)
        order_sheet = season.order_sheets.get(entry.producer_id)
        rows.append(
            (
                entry.producer_id,
                producer.name if producer else "",
                producer.district if producer else "",
                entry.units,
                entry.revenue,
                entry.revenue / everyone if everyone else 0.0,
                entry.capacity,
                entry.reachable,
                entry.utilization,
                "ya" if entry.reachable > 0 else "tidak",
                _Link(order_sheet, order_sheet) if order_sheet else None,
            )
        )
    totals: tuple[Cell, ...] = (
        "Total",
        None,
        None,
        sum(entry.units for entry in season.plan.producers),
        everyone,
        None,
        sum(entry.capacity for entry in season.plan.producers),
        None,
        None,
        None,
        None,
    )
    _write_table(sheet, 1, columns, rows, totals=totals)
    sheet.freeze_panes = "C2"


def _write_companies(sheet: Worksheet, season: _Season) -> None:
    """Every request of the season, served or not, with a link to its parcels' sheet."""
    quotes = {quote.request_id: quote for quote in season.plan.quotes}
    columns = [
        _Column("ID permintaan"),
        _Column("Perusahaan"),
        _Column("Koperasi"),
        _Column("Tanggal kirim", DATE_FORMAT),
        _Column("Status"),
        _Column("Parsel", COUNT_FORMAT),
        _Column("Nilai", RUPIAH_FORMAT),
        _Column("Lembar"),
    ]
    rows: list[tuple[Cell, ...]] = []
    for company in season.companies.values():
        quote = quotes.get(company.request_id)
        sheet_name = season.company_sheets.get(company.request_id)
        rows.append(
            (
                company.request_id,
                company.company,
                company.koperasi,
                company.delivery_date,
                "terlayani" if quote else "tidak terlayani",
                _tier_parcels(quote.tiers) if quote else company.parcels,
                quote.total if quote else None,
                _Link(sheet_name, sheet_name) if sheet_name else None,
            )
        )
    totals: tuple[Cell, ...] = (
        "Total",
        None,
        None,
        None,
        None,
        sum(_tier_parcels(quote.tiers) for quote in season.plan.quotes),
        sum(quote.total for quote in season.plan.quotes),
        None,
    )
    _write_table(sheet, 1, columns, rows, totals=totals)
    sheet.freeze_panes = "C2"


def _write_unserved(sheet: Worksheet, season: _Season) -> None:
    """The requests the plan does not serve, each with what ran out."""
    columns = [
        _Column("ID permintaan"),
        _Column("Perusahaan"),
        _Column("Koperasi"),
        _Column("Tanggal kirim", DATE_FORMAT),
        _Column("Parsel diminta", COUNT_FORMAT),
        _Column("Alasan", wrap=True),
    ]
    rows: list[tuple[Cell, ...]] = []
    for entry in season.plan.unserved:
        company = season.companies[entry.request_id]
        rows.append(
            (
                entry.request_id,
                company.company,
                company.koperasi,
                company.delivery_date,
                company.parcels,
                entry.reason,
            )
        )
    _write_table(sheet, 1, columns, rows)
    sheet.freeze_panes = "B2"


def _write_orders_overview(sheet: Worksheet, season: _Season) -> None:
    """Every producer's purchase order in one line: companies, units, revenue, and its sheet."""
    columns = [
        _Column("ID produsen"),
        _Column("Nama"),
        _Column("Kecamatan"),
        _Column("Perusahaan", COUNT_FORMAT),
        _Column("Baris", COUNT_FORMAT),
        _Column("Unit", COUNT_FORMAT),
        _Column("Pendapatan", RUPIAH_FORMAT),
        _Column("PO"),
    ]
    rows: list[tuple[Cell, ...]] = []
    for order in season.orders:
        sheet_name = season.order_sheets[order.producer_id]
        rows.append(
            (
                order.producer_id,
                order.producer_name,
                order.district,
                len({line.request_id for line in order.lines}),
                len(order.lines),
                order.units,
                order.revenue,
                _Link(sheet_name, sheet_name),
            )
        )
    totals: tuple[Cell, ...] = (
        "Total",
        None,
        None,
        None,
        sum(len(order.lines) for order in season.orders),
        sum(order.units for order in season.orders),
        sum(order.revenue for order in season.orders),
        None,
    )
    _write_table(sheet, 1, columns, rows, totals=totals)
    sheet.freeze_panes = "C2"


_PARCEL_COLUMNS: Final = (
    _Column("Tingkat"),
    _Column("Varian", COUNT_FORMAT),
    _Column("Parsel", COUNT_FORMAT),
    _Column("Harga per parsel", RUPIAH_FORMAT),
    _Column("Jenis"),
    _Column("SKU"),
    _Column("Barang"),
    _Column("Produsen"),
    _Column("Jumlah per parsel", COUNT_FORMAT),
    _Column("Harga satuan", RUPIAH_FORMAT),
    _Column("Per parsel", RUPIAH_FORMAT),
    _Column("Total", RUPIAH_FORMAT),
)
"""The parcels table of a company's sheet: one row per item, packaging or fee of a variant."""


def _parcel_rows(quote: Quote, catalog: Catalog) -> list[tuple[Cell, ...]]:
    """Each variant's items, its packaging and its fees: the rows add up to the quote's total.

    The fees are what the parcel's price holds beyond items and packaging
    (assembly and koperasi), so no request is needed to show them.
    """
    products = catalog.product_by_sku
    packaging = catalog.packaging_by_id
    producers = {producer.id: producer.name for producer in catalog.producers}
    rows: list[tuple[Cell, ...]] = []
    for tier in quote.tiers:
        for number, variant in enumerate(tier.variants, start=1):
            head: tuple[Cell, ...] = (tier.name, number, variant.parcels, variant.price)
            lines: list[tuple[str, str | None, str, str, int, int]] = []
            for item in variant.items:
                product = products.get(item.sku)
                name = product.name if product else ""
                maker = producers.get(product.producer_id, "") if product else ""
                lines.append(("produk", item.sku, name, maker, item.qty, item.unit_price))
            box = packaging.get(variant.packaging)
            box_name = box.name if box else ""
            box_maker = producers.get(box.producer_id or "", "") if box else ""
            box_price = box.price if box else 0
            lines.append(("kemasan", variant.packaging, box_name, box_maker, 1, box_price))
            fees = variant.price - sum(qty * price for *_, qty, price in lines)
            if fees:
                lines.append(("biaya", None, "Perakitan dan koperasi", "", 1, fees))
            for kind, sku, name, maker, qty, price in lines:
                line = qty * price
                rows.append(
                    (*head, kind, sku, name, maker, qty, price, line, variant.parcels * line)
                )
    return rows


def _write_company(sheet: Worksheet, quote: Quote, season: _Season) -> None:
    """One company's parcels: who and when on top, then every variant's contents and prices."""
    from openpyxl.styles import Font

    company = season.companies[quote.request_id]
    _write_title(sheet, quote.company)
    _write_pairs(
        sheet,
        2,
        [
            ("Koperasi", company.koperasi, None),
            ("ID permintaan", quote.request_id, None),
            ("Tanggal kirim", company.delivery_date, DATE_FORMAT),
            ("Status", quote.status.value, None),
        ],
    )
    figures = [
        ("Parsel", _tier_parcels(quote.tiers), COUNT_FORMAT),
        ("Nilai", quote.total, RUPIAH_FORMAT),
    ]
    for row, (label, value, number_format) in enumerate(figures, start=2):
        _put(sheet, row, 4, label, None)
        sheet.cell(row=row, column=4).font = Font(bold=True)
        _put(sheet, row, 5, value, number_format)
    rows = _parcel_rows(quote, season.catalog)
    totals: tuple[Cell, ...] = (
        "Total",
        None,
        _tier_parcels(quote.tiers),
        *([None] * 8),
        quote.total,
    )
    _write_table(sheet, 7, _PARCEL_COLUMNS, rows, totals=totals)
    sheet.freeze_panes = "A8"


def _write_order(sheet: Worksheet, order: PurchaseOrder, season: _Season) -> None:
    """One producer's purchase order: what to make in all, then for whom and by when."""
    _write_title(sheet, f"Pesanan pembelian (PO) {order.producer_name}")
    _write_pairs(
        sheet,
        2,
        [
            ("ID produsen", order.producer_id, None),
            ("Kecamatan", order.district, None),
            ("Unit", order.units, COUNT_FORMAT),
            ("Pendapatan", order.revenue, RUPIAH_FORMAT),
        ],
    )
    made: dict[str, tuple[str, int, int]] = {}
    for line in order.lines:
        _, units, revenue = made.get(line.sku, (line.name, 0, 0))
        made[line.sku] = (line.name, units + line.units, revenue + line.revenue)
    what = [
        _Column("SKU"),
        _Column("Barang"),
        _Column("Unit dibuat", COUNT_FORMAT),
        _Column("Pendapatan", RUPIAH_FORMAT),
    ]
    below = _write_table(
        sheet,
        7,
        what,
        [(sku, name, units, revenue) for sku, (name, units, revenue) in sorted(made.items())],
        autofilter=False,
    )
    columns = [
        _Column("ID permintaan"),
        _Column("Perusahaan"),
        _Column("Koperasi"),
        _Column("Tanggal kirim", DATE_FORMAT),
        _Column("SKU"),
        _Column("Barang"),
        _Column("Unit", COUNT_FORMAT),
        _Column("Harga satuan", RUPIAH_FORMAT),
        _Column("Pendapatan", RUPIAH_FORMAT),
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            line.request_id,
            line.company,
            season.companies[line.request_id].koperasi,
            line.delivery_date,
            line.sku,
            line.name,
            line.units,
            line.unit_price,
            line.revenue,
        )
        for line in order.lines
    ]
    totals: tuple[Cell, ...] = ("Total", *([None] * 5), order.units, None, order.revenue)
    header = below + 1
    _write_table(sheet, header, columns, rows, totals=totals)
    sheet.freeze_panes = f"A{header + 1}"


# --------------------------------------------------------------------------- the workbook


def plan_workbook(
    plan: SeasonPlan, catalog: Catalog, *, requests: Sequence[Request] | None = None
) -> Workbook:
    """The season plan as an openpyxl workbook, sheets in the order the module describes.

    Parameters
    ----------
    plan
        The season plan.
    catalog
        The catalog the plan was made from: names, districts, packaging.
    requests
        The season's requests in arrival order, if at hand: they give each
        company's koperasi, delivery date and parcels asked for (a plan holds
        only the company's name), and the order of the company index and of
        the purchase orders' lines. Without them those cells stay empty.

    Raises
    ------
    ValueError
        When the plan names a sku or packaging the catalog does not have.
    """
    from openpyxl import Workbook

    season = _season(plan, catalog, requests or ())
    workbook = Workbook()
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    workbook.properties.creator = "parcelkit"
    workbook.properties.title = "Rencana musim parsel Lebaran"
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    _write_summary(summary, season)
    writers = [
        (FAIRNESS_SHEET, _write_fairness),
        (PRODUCERS_SHEET, _write_producers),
        (COMPANIES_SHEET, _write_companies),
    ]
    if plan.unserved:
        writers.append((UNSERVED_SHEET, _write_unserved))
    writers.append((ORDERS_SHEET, _write_orders_overview))
    for name, write in writers:
        write(workbook.create_sheet(name), season)
    for quote in plan.quotes:
        _write_company(
            workbook.create_sheet(season.company_sheets[quote.request_id]), quote, season
        )
    for order in season.orders:
        _write_order(workbook.create_sheet(season.order_sheets[order.producer_id]), order, season)
    for sheet in workbook.worksheets:
        _fit_columns(sheet)
    return workbook


def write_plan_workbook(
    plan: SeasonPlan,
    catalog: Catalog,
    path: str | os.PathLike[str],
    *,
    requests: Sequence[Request] | None = None,
) -> None:
    """Write the season plan's workbook (see `plan_workbook`) to ``path`` as .xlsx.

    The same plan, catalog and requests give the same bytes: the document's
    dates and every archive entry's timestamp are fixed.
    """
    workbook = plan_workbook(plan, catalog, requests=requests)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_reproducible_bytes(workbook))


def _reproducible_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of ``workbook`` with no clock in them.

    openpyxl's own save stamps the document with the time of saving and each
    zip entry with the local time; its writer is used directly and the
    entries are copied with one fixed timestamp.
    """
    from openpyxl.writer.excel import ExcelWriter

    draft = io.BytesIO()
    with zipfile.ZipFile(draft, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    final = io.BytesIO()
    with (
        zipfile.ZipFile(draft) as source,
        zipfile.ZipFile(final, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry.filename))
    return final.getvalue()
