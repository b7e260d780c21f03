"""The penawaran as PDF: `parcelkit.report.quote_pdf`, read back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from parcelkit.data import karawang_catalog
from parcelkit.report.quote_document import QuoteDocument, quote_document
from parcelkit.report.quote_pdf import latin1, quote_pdf, write_quote_pdf
from parcelkit.report.text import rupiah
from tests.test_report_quote_document import ISSUED, Sample, long_quote
from tests.test_report_quote_document import sample as sample  # the fixture, shared


def pages_of(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def pages(sample: Sample) -> list[str]:
    """The sample quote's PDF, page by page."""
    return pages_of(quote_pdf(sample.doc))


@pytest.fixture(scope="module")
def long_doc() -> QuoteDocument:
    """A document of eight tiers of three variants, twelve products each."""
    catalog = karawang_catalog()
    return quote_document(*long_quote(catalog), catalog, issued=ISSUED)


def test_letter_page(sample: Sample, pages: list[str]) -> None:
    """Page 1 is the letter: headings, company, summary figures, terms and signatures."""
    doc, letter = sample.doc, pages[0]
    for expected in (
        "PENAWARAN HARGA",
        "Nomor: PNW/2026/11/REQ-0004",
        "Kepada Yth.",
        "PT Sinar Ban Indonesia",
        "Kopkar PT Sinar Ban",
        "28 November 2026",
        "28 Desember 2026",
        "3 Maret 2027",
        "Jumlah Harga Satuan Total",
        f"Terbilang: {doc.total_words}",
        "SYARAT PEMBAYARAN",
        "Hormat kami",
        "Menyetujui",
        "DINAS KOPERASI DAN UKM KABUPATEN KARAWANG",
    ):
        assert expected in letter, expected
    assert f"TOTAL {doc.parcels} parsel {rupiah(doc.total)}" in letter
    for tier in doc.tiers:
        for variant in tier.variants:
            assert (
                f"Paket {tier.name}, varian {variant.number} ({variant.packaging}) "
                f"{variant.parcels} parsel {rupiah(variant.price)} {rupiah(variant.subtotal)}"
            ) in letter
    for term in doc.payment_terms:
        assert term in letter


def test_details_and_certifications(sample: Sample, pages: list[str]) -> None:
    """The appendices list every line of every variant and every food product's numbers."""
    doc = sample.doc
    text = " ".join(pages[1:])
    assert "LAMPIRAN 1: RINCIAN PARSEL" in text and "LAMPIRAN 2: CATATAN SERTIFIKASI" in text
    for tier in doc.tiers:
        assert f"Paket {tier.name}: {tier.parcels} parsel" in text
        assert f"Subtotal paket {tier.name}: {tier.parcels} parsel {rupiah(tier.subtotal)}" in text
        for variant in tier.variants:
            for number, line in enumerate(variant.lines, start=1):
                assert f"{number} {line.description}" in text
                assert f"{rupiah(line.unit_price)} {rupiah(line.line_total)}" in text
            assert f"Harga per parsel {rupiah(variant.price)}" in text
    for cert in doc.certifications:
        numbers = [n for n in (cert.halal_cert, cert.pirt, cert.bpom) if n is not None]
        assert len(numbers) >= 2  # halal and a food permit, in the sample
        assert all(n in text for n in numbers)
    assert text.count(f"TOTAL {rupiah(doc.total)} Terbilang: {doc.total_words}") == 1


def test_page_numbers(pages: list[str]) -> None:
    """Every page says "Halaman i dari N"."""
    count = len(pages)
    assert count >= 3  # the letter and two appendices
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {count}" in text


def test_same_bytes_every_time(sample: Sample) -> None:
    """The same document gives the same PDF: the creation date is the issue date."""
    first = quote_pdf(sample.doc)
    assert first.startswith(b"%PDF-")
    assert quote_pdf(sample.doc) == first
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert reader.metadata is not None and reader.metadata.creation_date is not None
    assert reader.metadata.creation_date.date() == ISSUED
    assert reader.metadata.title == "Penawaran Harga PNW/2026/11/REQ-0004"


def test_write(sample: Sample, tmp_path: Path) -> None:
    """The file holds the PDF's bytes."""
    path = write_quote_pdf(sample.doc, tmp_path / "penawaran.pdf")
    assert path.read_bytes() == quote_pdf(sample.doc)


def test_long_quote_paginates(long_doc: QuoteDocument) -> None:
    """A long quote runs over many numbered pages, each table's header repeated on each."""
    pages = pages_of(quote_pdf(long_doc))
    count = len(pages)
    assert count > 10
    assert all(f"Halaman {n} dari {count}" in text for n, text in enumerate(pages, start=1))
    text = " ".join(pages)
    assert len(re.findall(r"Varian \d: \d+ parsel", text)) == 24
    assert text.count(f"Terbilang: {long_doc.total_words}") == 2
    # the summary on the letter and the certification list each run over two pages or more
    summary_pages = [p for p in pages if "Paket Jumlah Harga Satuan Total" in p]
    assert len(summary_pages) >= 2
    certification_pages = [
        p for p in pages if "Produk Produsen Sertifikat Halal P-IRT BPOM MD" in p
    ]
    assert len(certification_pages) >= 2
    for cert in long_doc.certifications:
        assert cert.product.split()[0] in text and (cert.halal_cert or "-") in text
    assert all(p.startswith("Penawaran Harga PNW/2026/11/REQ-9001") for p in pages[1:])


def test_text_outside_latin1(sample: Sample) -> None:
    """Names with typographic dashes, quotes or non-Latin-1 letters print in plain forms."""
    request = sample.request.model_copy(
        update={"company": "PT Maju \u2013 \u201cJaya\u201d \u015al\u0105sk \u2713 Caf\u00e9"}
    )
    doc = quote_document(sample.quote, request, sample.catalog, issued=ISSUED)
    assert 'PT Maju - "Jaya" Slask ? Caf\u00e9' in pages_of(quote_pdf(doc))[0]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Rp250.000 \u2013 Rp300.000", "Rp250.000 - Rp300.000"),
        ("\u2018Kue\u2019 \u201cbawang\u201d\u2026", "'Kue' \"bawang\"..."),
        ("Caf\u00e9 \u00d7 2", "Caf\u00e9 \u00d7 2"),
        ("\u015aaf\u0131 \u0141\u00f3d\u017a", "Saf? ?\u00f3dz"),
        ("\u5305\u88c5", "??"),
    ],
)
def test_latin1(text: str, plain: str) -> None:
    """Latin-1 stays; dashes, quotes and accents outside it become plain; the rest '?'."""
    assert latin1(text) == plain
    latin1(text).encode("latin-1")
