"""The season plan's Excel workbook of `parcelkit.report.workbook`, read back with openpyxl."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Request, SeasonPlan, Tier, purchase_orders
from parcelkit.report.workbook import (
    SHEET_NAME_LIMIT,
    excel_sheet_names,
    plan_workbook,
    write_plan_workbook,
)
from parcelkit.solve import plan as plan_season

Season = tuple[Catalog, tuple[Request, ...], SeasonPlan]


@pytest.fixture(scope="module")
def season() -> Season:
    """A small real season: the sample catalog and its first six requests, planned."""
    catalog = karawang_catalog()
    requests = tuple(karawang_requests()[:6])
    return catalog, requests, plan_season(catalog, requests, time_limit=10)


@pytest.fixture(scope="module")
def short_season() -> Season:
    """A season with a request whose budget no parcel fits, so that it goes unserved."""
    catalog = karawang_catalog()
    first, second = karawang_requests()[:2]
    tiny = second.model_copy(
        update={
            "id": "REQ-TINY",
            "company": "PT Anggaran Kecil",
            "tiers": (Tier(name="staff", parcels=10, budget=20_000),),
        }
    )
    requests = (first, tiny)
    return catalog, requests, plan_season(catalog, requests, time_limit=10)


@pytest.fixture(scope="module")
def book(season: Season, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The small season's workbook, written to a file and opened again."""
    catalog, requests, plan = season
    path = tmp_path_factory.mktemp("workbook") / "plan.xlsx"
    write_plan_workbook(plan, catalog, path, requests=requests)
    return openpyxl.load_workbook(path)


def pairs(sheet: Any) -> dict[str, Any]:
    """The label / value pairs of a sheet's first two columns, by label."""
    return {
        row[0].value: row[1].value
        for row in sheet.iter_rows(max_col=2)
        if isinstance(row[0].value, str)
    }


def table(sheet: Any, first_header: str) -> Iterator[dict[str, Any]]:
    """The rows of the table whose header row starts with ``first_header``, up to its totals."""
    rows = sheet.iter_rows(values_only=True)
    for row in rows:
        if row[0] == first_header:
            header = row
            break
    else:
        raise AssertionError(f"no table headed {first_header!r} in {sheet.title}")
    for row in rows:
        if row[0] is None or row[0] == "Total":
            return
        yield dict(zip(header, row, strict=True))


def company_sheets(book: Any) -> dict[str, Any]:
    """The sheets of the companies by request id, as the company index links them."""
    index = book["Perusahaan"]
    sheets = {}
    for row in index.iter_rows(min_row=2):
        link = row[7].hyperlink
        if link is not None:
            sheets[row[0].value] = book[link.location.split("!")[0].strip("'")]
    return sheets


# --------------------------------------------------------------------------- sheet names


def test_sheet_names_are_cut_to_excels_limit() -> None:
    """A long name is cut to 31 characters and keeps its beginning."""
    (name,) = excel_sheet_names(["PT Nusa Komponen Presisi Indonesia Sejahtera"])
    assert len(name) == SHEET_NAME_LIMIT
    assert name == "PT Nusa Komponen Presisi Indone"


def test_sheet_names_that_share_a_long_prefix_stay_apart() -> None:
    """Two long names equal in their first 31 characters get two names, both within the limit."""
    names = excel_sheet_names(
        ["PT Nusa Komponen Presisi Indonesia", "PT Nusa Komponen Presisi Indonesia Dua"]
    )
    assert names == ("PT Nusa Komponen Presisi Indone", "PT Nusa Komponen Presisi In (2)")


def test_sheet_names_are_unique_without_regard_to_case() -> None:
    """Excel takes ``Ringkasan`` and ``RINGKASAN`` for one sheet, so the second is numbered."""
    assert excel_sheet_names(["Ringkasan", "RINGKASAN", "ringkasan"]) == (
        "Ringkasan",
        "RINGKASAN (2)",
        "ringkasan (3)",
    )


def test_sheet_names_lose_the_characters_excel_refuses() -> None:
    """``[]:*?/\\`` become dashes, and apostrophes at either end go."""
    (name,) = excel_sheet_names(["'PT A/B [Tbk]: *Q?\\'"])
    assert not re.search(r"[\[\]:*?/\\]", name)
    assert name == "PT A-B -Tbk-- -Q--"


def test_sheet_names_never_empty_nor_reserved() -> None:
    """An empty name becomes ``Lembar`` and Excel's own ``History`` is numbered."""
    assert excel_sheet_names(["", "   ", "History"]) == ("Lembar", "Lembar (2)", "History (2)")


# --------------------------------------------------------------------------- sheets


def test_workbook_has_the_summary_fairness_producer_and_order_sheets(book: Any) -> None:
    """The overview sheets are there, the summary first."""
    assert book.sheetnames[0] == "Ringkasan"
    for name in ("Keadilan", "Produsen", "Perusahaan", "Pesanan produsen"):
        assert name in book.sheetnames


def test_every_served_company_has_its_own_sheet(book: Any, season: Season) -> None:
    """Each served request links to a sheet titled with its company and its request id."""
    _, _, plan = season
    sheets = company_sheets(book)
    assert set(sheets) == {quote.request_id for quote in plan.quotes}
    for quote in plan.quotes:
        sheet = sheets[quote.request_id]
        assert sheet["A1"].value == quote.company
        assert pairs(sheet)["ID permintaan"] == quote.request_id


def test_every_producer_with_an_order_has_a_purchase_order_sheet(book: Any, season: Season) -> None:
    """A ``PO <producer id>`` sheet per purchase order, and no other PO sheet."""
    catalog, requests, plan = season
    orders = purchase_orders(plan, catalog, requests)
    assert orders
    names = {f"PO {order.producer_id}" for order in orders}
    assert names == {name for name in book.sheetnames if name.startswith("PO ")}


def test_sheet_names_are_valid_and_unique(book: Any) -> None:
    """Every sheet name is within Excel's limit, free of refused characters and unique."""
    names = book.sheetnames
    assert all(len(name) <= SHEET_NAME_LIMIT for name in names)
    assert not [name for name in names if re.search(r"[\[\]:*?/\\]", name)]
    assert len({name.casefold() for name in names}) == len(names)


def test_links_lead_to_sheets_of_the_workbook(book: Any) -> None:
    """Every hyperlink of the index sheets points at a sheet the workbook has."""
    targets = [
        cell.hyperlink.location.split("!")[0].strip("'")
        for name in ("Perusahaan", "Produsen", "Pesanan produsen")
        for row in book[name].iter_rows()
        for cell in row
        if cell.hyperlink is not None
    ]
    assert targets
    assert set(targets) <= set(book.sheetnames)


# --------------------------------------------------------------------------- figures


def test_summary_totals_match_the_plan(book: Any, season: Season) -> None:
    """Requests, parcels, company value and producer revenue are the plan's."""
    _, _, plan = season
    summary = pairs(book["Ringkasan"])
    parcels = sum(v.parcels for q in plan.quotes for t in q.tiers for v in t.variants)
    assert summary["Status rencana"] == plan.status.value
    assert summary["Permintaan terlayani"] == len(plan.quotes)
    assert summary["Permintaan tidak terlayani"] == len(plan.unserved)
    assert summary["Parsel terlayani"] == parcels
    assert summary["Nilai parsel (total perusahaan)"] == sum(q.total for q in plan.quotes)
    assert summary["Pendapatan produsen"] == sum(p.revenue for p in plan.producers)


def test_summary_lists_the_solver_stages(book: Any, season: Season) -> None:
    """Each stage is a row with its objective, bound and gap."""
    _, _, plan = season
    rows = list(table(book["Ringkasan"], "Tahap solver"))
    assert [row["Tahap solver"] for row in rows] == [s.name for s in plan.solver.stages]
    for row, stage in zip(rows, plan.solver.stages, strict=True):
        assert row["Batas"] == pytest.approx(stage.bound)
        assert row["Selisih"] == pytest.approx(stage.gap)


def test_fairness_sheet_holds_the_plans_metrics(book: Any, season: Season) -> None:
    """Gini, jain, coverage, lowest utilization and largest share are the plan's."""
    _, _, plan = season
    metrics = {row["Ukuran"]: row["Nilai"] for row in table(book["Keadilan"], "Ukuran")}
    assert metrics["Kebijakan"] == plan.fairness.policy
    assert metrics["Gini"] == pytest.approx(plan.fairness.gini)
    assert metrics["Indeks Jain"] == pytest.approx(plan.fairness.jain)
    assert metrics["Cakupan"] == pytest.approx(plan.fairness.coverage)
    assert metrics["Pangsa terbesar"] == pytest.approx(plan.fairness.max_share)
    ineligible = [
        row["Produsen tidak layak"] for row in table(book["Keadilan"], "Produsen tidak layak")
    ]
    assert ineligible == [entry.producer_id for entry in plan.fairness.ineligible]


def test_producer_sheet_is_the_plans_producer_table(book: Any, season: Season) -> None:
    """One row per producer figure, with its revenue, capacity and utilization."""
    _, _, plan = season
    rows = {row["ID produsen"]: row for row in table(book["Produsen"], "ID produsen")}
    assert list(rows) == [entry.producer_id for entry in plan.producers]
    for entry in plan.producers:
        row = rows[entry.producer_id]
        assert (row["Unit"], row["Pendapatan"], row["Kapasitas"]) == (
            entry.units,
            entry.revenue,
            entry.capacity,
        )
        assert row["Utilisasi"] == pytest.approx(entry.utilization)


def test_purchase_order_revenue_matches_the_orders_and_the_plan(book: Any, season: Season) -> None:
    """Each PO sheet's revenue is its order's, its lines add up to it, and the plan agrees."""
    catalog, requests, plan = season
    figures = {entry.producer_id: entry.revenue for entry in plan.producers}
    for order in purchase_orders(plan, catalog, requests):
        sheet = book[f"PO {order.producer_id}"]
        lines = list(table(sheet, "ID permintaan"))
        assert pairs(sheet)["Pendapatan"] == order.revenue == figures[order.producer_id]
        assert sum(line["Pendapatan"] for line in lines) == order.revenue
        assert [(line["Perusahaan"], line["SKU"]) for line in lines] == [
            (line.company, line.sku) for line in order.lines
        ]


def test_purchase_orders_say_when_to_deliver(book: Any, season: Season) -> None:
    """A purchase order line carries its request's delivery date."""
    catalog, requests, plan = season
    dates = {request.id: request.delivery_date for request in requests}
    order = purchase_orders(plan, catalog, requests)[0]
    for line in table(book[f"PO {order.producer_id}"], "ID permintaan"):
        assert line["Tanggal kirim"].date() == dates[line["ID permintaan"]]


def test_company_sheet_rows_add_up_to_the_quote(book: Any, season: Season) -> None:
    """Items, packaging and fees of a variant make its price; all rows make the quote's total."""
    _, _, plan = season
    sheets = company_sheets(book)
    for quote in plan.quotes:
        rows = list(table(sheets[quote.request_id], "Tingkat"))
        assert sum(row["Total"] for row in rows) == quote.total
        for tier in quote.tiers:
            for number, variant in enumerate(tier.variants, start=1):
                mine = [r for r in rows if (r["Tingkat"], r["Varian"]) == (tier.name, number)]
                assert sum(row["Per parsel"] for row in mine) == variant.price
                items = [(r["SKU"], r["Jumlah per parsel"]) for r in mine if r["Jenis"] == "produk"]
                assert items == [(item.sku, item.qty) for item in variant.items]


# --------------------------------------------------------------------------- formats


def test_money_cells_have_a_grouped_rupiah_format(book: Any, season: Season) -> None:
    """Money is an int shown with a thousands separator, on summary, company and PO sheets."""
    catalog, requests, plan = season
    summary = book["Ringkasan"]
    value = next(row[1] for row in summary.iter_rows() if row[0].value == "Pendapatan produsen")
    company = company_sheets(book)[plan.quotes[0].request_id]
    total = company.cell(row=8, column=12)
    order = purchase_orders(plan, catalog, requests)[0]
    revenue = book[f"PO {order.producer_id}"]["B5"]
    for cell in (value, total, revenue):
        assert isinstance(cell.value, int)
        assert "#,##0" in cell.number_format
        assert "Rp" in cell.number_format


def test_ratios_are_shown_as_percentages(book: Any) -> None:
    """Utilization on the producer sheet has a percent format."""
    sheet = book["Produsen"]
    column = [cell.value for cell in sheet[1]].index("Utilisasi") + 1
    assert sheet.cell(row=2, column=column).number_format.endswith("%")


def test_table_sheets_freeze_their_header_and_filter_it(book: Any, season: Season) -> None:
    """Every sheet freezes its top rows; the tables' header rows are bold and filtered."""
    _, _, plan = season
    assert all(book[name].freeze_panes for name in book.sheetnames)
    company = company_sheets(book)[plan.quotes[0].request_id]
    assert company.freeze_panes == "A8"
    assert company["A7"].value == "Tingkat"
    assert company["A7"].font.b
    assert company.auto_filter.ref.startswith("A7:")
    assert book["Produsen"].auto_filter.ref.startswith("A1:")


def test_columns_are_sized_to_their_content(book: Any) -> None:
    """A column of long names is wider than a column of short ids, and none is huge."""
    sheet = book["Produsen"]
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["B"] > widths["A"]
    assert max(widths.values()) <= 60


def test_headers_fit_their_columns(book: Any) -> None:
    """A column is at least as wide as its header, even where the values are short."""
    for name in ("Produsen", "Perusahaan", "Pesanan produsen"):
        sheet = book[name]
        for cell in sheet[1]:
            assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value)


# --------------------------------------------------------------------------- other plans


def test_unserved_requests_are_listed_with_their_reason(
    short_season: Season, tmp_path: Path
) -> None:
    """A request the plan leaves out is on the unserved sheet with its company and reason."""
    catalog, requests, plan = short_season
    assert [entry.request_id for entry in plan.unserved] == ["REQ-TINY"]
    path = tmp_path / "short.xlsx"
    write_plan_workbook(plan, catalog, path, requests=requests)
    book = openpyxl.load_workbook(path)
    (row,) = table(book["Tidak terlayani"], "ID permintaan")
    assert row["Perusahaan"] == "PT Anggaran Kecil"
    assert row["Parsel diminta"] == 10
    assert row["Alasan"] == plan.unserved[0].reason
    assert book["Tidak terlayani"]["F2"].alignment.wrap_text
    assert pairs(book["Ringkasan"])["Parsel tidak terlayani"] == 10


def test_a_fully_served_plan_has_no_unserved_sheet(book: Any, season: Season) -> None:
    """With every request served there is nothing to list."""
    _, _, plan = season
    assert not plan.unserved
    assert "Tidak terlayani" not in book.sheetnames


def test_writing_twice_gives_the_same_file(season: Season, tmp_path: Path) -> None:
    """The same plan gives the same bytes: no clock in the document or the archive."""
    catalog, requests, plan = season
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_plan_workbook(plan, catalog, first, requests=requests)
    write_plan_workbook(plan, catalog, second, requests=requests)
    assert first.read_bytes() == second.read_bytes()


def test_without_requests_the_plan_alone_fills_the_workbook(season: Season) -> None:
    """Companies come from the quotes; koperasi and dates stay empty; every PO is there."""
    catalog, requests, plan = season
    book = plan_workbook(plan, catalog)
    index = list(table(book["Perusahaan"], "ID permintaan"))
    assert [row["Perusahaan"] for row in index] == [quote.company for quote in plan.quotes]
    assert all(row["Koperasi"] is None and row["Tanggal kirim"] is None for row in index)
    orders = purchase_orders(plan, catalog, requests)
    assert all(f"PO {order.producer_id}" in book.sheetnames for order in orders)


def test_a_name_that_looks_like_a_formula_stays_text(season: Season, tmp_path: Path) -> None:
    """A company called ``=SUM(A1)`` is written as that text, not as a formula."""
    catalog, _, plan = season
    quote = plan.quotes[0].model_copy(update={"company": "=SUM(A1)"})
    odd = plan.model_copy(update={"quotes": (quote, *plan.quotes[1:])})
    path = tmp_path / "odd.xlsx"
    write_plan_workbook(odd, catalog, path)
    book = openpyxl.load_workbook(path)
    index = book["Perusahaan"]
    cell = next(c for c in index["B"] if c.value == "=SUM(A1)")
    assert cell.data_type == "s"
