"""The penawaran as HTML: `parcelkit.report.quote_html`."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from parcelkit.data import karawang_catalog
from parcelkit.report.quote_document import quote_document
from parcelkit.report.quote_html import quote_html, write_quote_html
from parcelkit.report.text import rupiah
from tests.test_report_quote_document import ISSUED, Sample, long_quote
from tests.test_report_quote_document import sample as sample  # the fixture, shared

HEADINGS = (
    "PENAWARAN HARGA",
    "Kepada Yth.",
    "Rincian Parsel",
    "Jumlah",
    "Harga Satuan",
    "Total",
    "Terbilang",
    "Syarat Pembayaran",
    "Catatan Sertifikasi",
    "Hormat kami",
)


class _Text(HTMLParser):
    """The text of a page, tags left out and entities decoded, in one line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    """What a reader of ``html`` sees, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def test_headings(sample: Sample) -> None:
    """The page has the Indonesian headings of a penawaran, the signature block included."""
    text = text_of(quote_html(sample.doc))
    for heading in HEADINGS:
        assert heading in text, heading


def test_parties_and_dates(sample: Sample) -> None:
    """Company, koperasi, number and the dates in Indonesian are on the page."""
    text = text_of(quote_html(sample.doc))
    for expected in (
        "PT Sinar Ban Indonesia",
        "Kopkar PT Sinar Ban",
        "Nomor: PNW/2026/11/REQ-0004",
        "28 November 2026",
        "28 Desember 2026",
        "3 Maret 2027",
        "Dinas Koperasi dan UKM Kabupaten Karawang",
    ):
        assert expected in text, expected


def test_figures(sample: Sample) -> None:
    """Every tier, variant price and subtotal, the total and its words are printed."""
    doc = sample.doc
    text = text_of(quote_html(doc))
    for tier in doc.tiers:
        assert f"Paket {tier.name}" in text
        assert f"Subtotal paket {tier.name}" in text
        assert rupiah(tier.subtotal) in text
        for variant in tier.variants:
            assert f"{variant.parcels} parsel \u00d7 {rupiah(variant.price)}" in text
            for line in variant.lines:
                assert line.description in text
    assert f"TOTAL {doc.parcels} parsel {rupiah(doc.total)}" in text
    assert f"Terbilang: {doc.total_words}" in text
    for term in doc.payment_terms:
        assert term in text
    for cert in doc.certifications:
        assert cert.product in text and (cert.halal_cert or "-") in text


def test_names_are_escaped(sample: Sample) -> None:
    """A company named with markup is shown as written, never as markup."""
    request = sample.request.model_copy(
        update={"company": "PT <b>Tebal</b> & Co", "koperasi": "Kopkar <script>x</script>"}
    )
    doc = quote_document(sample.quote, request, sample.catalog, issued=ISSUED)
    html = quote_html(doc)
    assert "<b>Tebal</b>" not in html and "<script>" not in html
    assert "PT &lt;b&gt;Tebal&lt;/b&gt; &amp; Co" in html
    assert "PT <b>Tebal</b> & Co" in text_of(html)


def test_self_contained(sample: Sample) -> None:
    """One page with its CSS inline, for A4, loading nothing from elsewhere."""
    html = quote_html(sample.doc)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="id">' in html
    assert "size: A4" in html
    assert not re.search(r"<link|<script|src=|@import|url\(", html)


def test_write(sample: Sample, tmp_path: Path) -> None:
    """The file holds the page, in UTF-8."""
    path = write_quote_html(sample.doc, tmp_path / "penawaran.html")
    assert path.read_text(encoding="utf-8") == quote_html(sample.doc)


def test_long_quote_lists_every_variant() -> None:
    """A quote of eight tiers of three variants prints all 24 variant tables."""
    catalog = karawang_catalog()
    doc = quote_document(*long_quote(catalog), catalog, issued=ISSUED)
    text = text_of(quote_html(doc))
    assert len(re.findall(r"Varian \d: \d+ parsel", text)) == 24
    assert all(f"Paket {t.name}:" in text for t in doc.tiers)
