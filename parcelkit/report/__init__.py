"""Reports: rupiah formatting, terminal tables, plots, quote documents, plan workbooks.

- `parcelkit.report.text`: plain formatting (``Rp250.000``), no dependencies;
- `parcelkit.report.terminal`: the `rich` tables and panels the command line shows;
- `parcelkit.report.plots`: one matplotlib function per plot, each taking an
  optional ``ax`` (matplotlib is imported when a plot is drawn);
- `parcelkit.report.quote_document`, `quote_html`, `quote_pdf` and `terbilang`:
  the company's offer document (*Penawaran Harga*) in Indonesian;
- `parcelkit.report.workbook`: the season plan as an Excel workbook.

Reports read results, they never solve: this package imports the models (and
the I/O layer's pandas views) and nothing from `parcelkit.solve`. The HTML and
PDF renderers load jinja2 and fpdf2 on first use, so that the command line
starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from parcelkit.report.plots import (
    fairness_tradeoff,
    lorenz_curve,
    producer_revenue,
    rupiah_axis,
    rupiah_short,
    utilization_histogram,
    variant_contents,
)
from parcelkit.report.quote_document import QuoteDocument, quote_document
from parcelkit.report.terbilang import terbilang, terbilang_rupiah
from parcelkit.report.terminal import (
    fairness_line,
    plan_progress,
    plan_summary,
    problems_table,
    progress_figures,
    quote_summary,
    season_summary,
    solver_summary,
    violations_table,
)
from parcelkit.report.text import grouped, percent, rupiah
from parcelkit.report.workbook import excel_sheet_names, plan_workbook, write_plan_workbook

_RENDERERS = {
    "quote_html": "parcelkit.report.quote_html",
    "write_quote_html": "parcelkit.report.quote_html",
    "quote_pdf": "parcelkit.report.quote_pdf",
    "write_quote_pdf": "parcelkit.report.quote_pdf",
}


def __getattr__(name: str) -> Any:
    """The document renderers (jinja2, fpdf2) load on first use."""
    if name in _RENDERERS:
        return getattr(importlib.import_module(_RENDERERS[name]), name)
    raise AttributeError(f"module 'parcelkit.report' has no attribute {name!r}")


__all__ = [
    "QuoteDocument",
    "excel_sheet_names",
    "fairness_line",
    "fairness_tradeoff",
    "grouped",
    "lorenz_curve",
    "percent",
    "plan_progress",
    "plan_summary",
    "plan_workbook",
    "problems_table",
    "producer_revenue",
    "progress_figures",
    "quote_document",
    "quote_html",
    "quote_pdf",
    "quote_summary",
    "rupiah",
    "rupiah_axis",
    "rupiah_short",
    "season_summary",
    "solver_summary",
    "terbilang",
    "terbilang_rupiah",
    "utilization_histogram",
    "variant_contents",
    "violations_table",
    "write_plan_workbook",
    "write_quote_html",
    "write_quote_pdf",
]
