"""The penawaran as one self-contained HTML page, printable on A4.

The page is rendered from the package's ``templates/penawaran.html.j2`` with
autoescaping on, so a company or product name holding ``<`` or ``&`` is shown
as written. Its CSS is inline and it loads nothing, so the file can be mailed
or opened offline and printed from any browser.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from parcelkit.report.quote_document import QuoteDocument
from parcelkit.report.text import grouped, rupiah

__all__ = ["quote_html", "write_quote_html"]

_TEMPLATE = "penawaran.html.j2"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("parcelkit.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["rupiah"] = rupiah
    environment.filters["grouped"] = grouped
    return environment


def quote_html(doc: QuoteDocument) -> str:
    """The penawaran as an HTML page: letter with summary and terms, then the appendices."""
    return _environment().get_template(_TEMPLATE).render(doc=doc)


def write_quote_html(doc: QuoteDocument, path: str | Path) -> Path:
    """Write `quote_html` of ``doc`` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(quote_html(doc), encoding="utf-8")
    return target
