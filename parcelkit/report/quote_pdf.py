"""The penawaran as an A4 PDF, with the same content as the HTML page.

Page 1 is the letter a company signs: letterhead, number and dates, the
addressee, one line per parcel variant with the total in figures and in words,
the payment terms and two signature blocks. The appendices follow on their own
pages: the contents of every variant (Lampiran 1) and the certificate numbers
of the food (Lampiran 2). Tables repeat their header row after a page break,
and every page is numbered "Halaman i dari N".

fpdf2's core font (Helvetica) covers Latin-1 only, so every text goes through
`latin1` first: typographic dashes and quotes become their plain forms, and
letters outside Latin-1 lose their accents. The creation date is the issue
date, so the same document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from fpdf import FPDF, FontFace
from fpdf.enums import Align, MethodReturnValue, TableCellFillMode, XPos, YPos

from parcelkit.report.quote_document import QuoteDocument, TierSection, VariantSection
from parcelkit.report.text import grouped, rupiah

__all__ = ["latin1", "quote_pdf", "write_quote_pdf"]

FONT: Final = "Helvetica"
WIB: Final = dt.timezone(dt.timedelta(hours=7), "WIB")
"""Western Indonesian time, the zone of the creation date."""

_INK: Final = (26, 26, 26)
_MUTED: Final = (90, 90, 90)
_RULE: Final = (107, 118, 128)
_HEAD_FILL: Final = (232, 236, 239)
_SUM_FILL: Final = (244, 246, 247)
_HEADINGS = FontFace(emphasis="BOLD", fill_color=_HEAD_FILL)
_SUM = FontFace(emphasis="BOLD", fill_color=_SUM_FILL)

_PLAIN_FORMS: Final = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": ",",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u2009": " ",
        "\u200b": "",
        "\u202f": " ",
        "\u20ac": "EUR",
    }
)


def latin1(text: str) -> str:
    """``text`` with only Latin-1 characters, as the PDF core fonts can write it.

    Typographic dashes, quotes and the ellipsis become their plain forms; other
    letters lose their accents (``ő`` -> ``o``); what is left becomes ``?``.
    """
    plain = text.translate(_PLAIN_FORMS)
    return "".join(ch if ord(ch) < 256 else _without_accents(ch) for ch in plain)


def _without_accents(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256)
    return base or "?"


def quote_pdf(doc: QuoteDocument) -> bytes:
    """The penawaran as PDF bytes: the signed letter, then Lampiran 1 and 2."""
    pdf = _PenawaranPDF(doc)
    _letter(pdf, doc)
    _details(pdf, doc)
    _certifications(pdf, doc)
    return bytes(pdf.output())


def write_quote_pdf(doc: QuoteDocument, path: str | Path) -> Path:
    """Write `quote_pdf` of ``doc`` to ``path`` and return the path."""
    target = Path(path)
    target.write_bytes(quote_pdf(doc))
    return target


class _PenawaranPDF(FPDF):
    """An A4 page with the document's running head (after page 1) and page numbers."""

    def __init__(self, doc: QuoteDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        self.set_margins(left=15, top=14, right=15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_creation_date(dt.datetime.combine(doc.issued, dt.time(8, 0), tzinfo=WIB))
        self.set_title(latin1(f"Penawaran Harga {doc.number}"))
        self.set_subject(latin1(f"Penawaran harga parsel untuk {doc.company}"))
        self.set_author(latin1(doc.issuer.name))
        self.set_creator("parcelkit")
        self.set_lang("id")
        self.set_text_color(*_INK)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.25)
        self.add_page()

    def header(self) -> None:
        """From page 2 on: the number and the company, above a thin rule."""
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*_MUTED)
        head = f"Penawaran Harga {self.doc.number} - {self.doc.company}"
        self.cell(0, 4, latin1(head), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)
        self.set_text_color(*_INK)

    def footer(self) -> None:
        """Every page: "Halaman i dari N" at the bottom, centred."""
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align=Align.C)
        self.set_text_color(*_INK)

    def text_line(self, text: str, size: float = 10, style: str = "", align: str = "L") -> None:
        """A paragraph over the page width, wrapped, in ``size`` points."""
        self.set_font(FONT, style, size)
        self.multi_cell(
            0, size * 0.5, latin1(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def heading(self, text: str) -> None:
        """A section heading; it starts a new page rather than end one."""
        if self.will_page_break(18):
            self.add_page()
        self.ln(3)
        self.text_line(text.upper(), size=11, style="B")
        self.ln(1.5)


# ------------------------------------------------------------------------------- the letter


def _letter(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    _letterhead(pdf, doc)
    pdf.ln(5)
    pdf.text_line("PENAWARAN HARGA", size=14, style="B", align="C")
    pdf.text_line(f"Nomor: {doc.number}", align="C")
    pdf.ln(5)
    _addressee(pdf, doc)
    pdf.ln(4)
    pdf.text_line("Dengan hormat,")
    pdf.ln(1)
    pdf.text_line(
        "Bersama ini kami sampaikan penawaran harga parsel Lebaran berisi produk UMKM binaan "
        f"{doc.issuer.name} sebanyak {grouped(doc.parcels)} parsel, dengan rincian sebagai berikut:"
    )
    pdf.ln(2)
    _summary(pdf, doc)
    _terbilang(pdf, doc)
    pdf.ln(1.5)
    pdf.set_text_color(*_MUTED)
    pdf.text_line(
        f"{doc.price_note} Isi setiap parsel tercantum pada Lampiran 1, nomor sertifikat halal "
        "dan izin edar pada Lampiran 2.",
        size=9,
    )
    pdf.set_text_color(*_INK)
    pdf.heading("Syarat Pembayaran")
    _numbered(pdf, doc.payment_terms)
    pdf.ln(3)
    pdf.text_line(
        "Demikian penawaran ini kami sampaikan. Atas perhatian dan kerja sama Bapak/Ibu, "
        "kami ucapkan terima kasih."
    )
    _signatures(pdf, doc)


def _letterhead(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    pdf.text_line(doc.issuer.name.upper(), size=14, style="B", align="C")
    program = doc.issuer.program + (f" \u00b7 {doc.season}" if doc.season else "")
    pdf.text_line(program, size=10.5, align="C")
    pdf.ln(1.5)
    y = pdf.get_y()
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, y + 1, pdf.w - pdf.r_margin, y + 1)
    pdf.set_line_width(0.25)
    pdf.set_draw_color(*_RULE)
    pdf.set_y(y + 1)


def _addressee(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """The addressee (Kepada Yth.) on the left, the dates on the right, side by side."""
    top = pdf.get_y()
    pdf.set_font(FONT, "", 10)
    pdf.cell(95, 5, "Kepada Yth.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(95, 5, latin1(doc.company), align=Align.L, new_x=XPos.LMARGIN)
    pdf.set_font(FONT, "", 10)
    if doc.koperasi:
        pdf.multi_cell(95, 5, latin1(f"u.p. Pengurus {doc.koperasi}"), align=Align.L)
        pdf.set_x(pdf.l_margin)
    pdf.cell(95, 5, "di tempat", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    pdf.set_y(top)
    facts = (
        ("Tanggal", doc.issued_text),
        ("Berlaku sampai", doc.valid_until_text),
        ("Pengiriman", doc.delivery_text),
        ("Permintaan", doc.request_id),
    )
    for label, value in facts:
        pdf.set_x(pdf.l_margin + 105)
        pdf.cell(28, 5, label)
        pdf.multi_cell(0, 5, latin1(f": {value}"), align=Align.L, new_x=XPos.LMARGIN)
    pdf.set_y(max(bottom, pdf.get_y()))


def _summary(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """One row per variant, a subtotal per tier of several variants, and the total."""
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(
        col_widths=(84, 30, 32, 34),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=_HEADINGS,
        line_height=5,
        padding=(1.2, 1.8),
    ) as table:
        table.row(("Paket", "Jumlah", "Harga Satuan", "Total"))
        for tier in doc.tiers:
            for variant in tier.variants:
                table.row(
                    (
                        latin1(f"Paket {tier.name}, varian {variant.number} ({variant.packaging})"),
                        f"{grouped(variant.parcels)} parsel",
                        rupiah(variant.price),
                        rupiah(variant.subtotal),
                    )
                )
            if len(tier.variants) > 1:
                row = table.row(style=_SUM)
                row.cell(latin1(f"Subtotal paket {tier.name}"))
                row.cell(f"{grouped(tier.parcels)} parsel")
                row.cell("")
                row.cell(rupiah(tier.subtotal))
        row = table.row(style=_SUM)
        row.cell("TOTAL")
        row.cell(f"{grouped(doc.parcels)} parsel")
        row.cell("")
        row.cell(rupiah(doc.total))


def _terbilang(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """The total in words, in a box under the table it belongs to."""
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(
        first_row_as_headings=False,
        markdown=True,
        text_align="LEFT",
        line_height=5,
        padding=(1.5, 1.8),
    ) as table:
        # Only the words of terbilang go in, never data, so markdown marks cannot clash.
        table.row((f"**Terbilang:** __{latin1(doc.total_words)}__",))


def _numbered(pdf: _PenawaranPDF, lines: Sequence[str]) -> None:
    pdf.set_font(FONT, "", 10)
    for number, text in enumerate(lines, start=1):
        pdf.cell(7, 5, f"{number}.")
        pdf.multi_cell(0, 5, latin1(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)


def _signatures(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """Two blocks: the company's approval on the left, the issuer's signature on the right."""
    if pdf.will_page_break(52):
        pdf.add_page()
    pdf.ln(7)
    top = pdf.get_y()
    width = 80
    left = ("Menyetujui,", doc.koperasi or doc.company)
    right = (
        f"{doc.issuer.city}, {doc.issued_text}",
        "Hormat kami,",
        doc.issuer.name,
    )
    blocks = (
        (pdf.l_margin, left, "Nama dan jabatan"),
        (pdf.w - pdf.r_margin - width, right, doc.issuer.signatory),
    )
    pdf.set_font(FONT, "", 10)
    bottoms = []
    for x, lines, _ in blocks:
        pdf.set_xy(x, top)
        for text in lines:
            pdf.multi_cell(width, 5, latin1(text), align=Align.L, new_x=XPos.LEFT)
        bottoms.append(pdf.get_y())
    line_y = max(bottoms) + 22
    for x, _, under in blocks:
        pdf.line(x, line_y, x + width, line_y)
        pdf.set_xy(x, line_y + 1)
        pdf.multi_cell(width, 5, latin1(under), align=Align.L, new_x=XPos.LEFT)
        bottoms.append(pdf.get_y())
    pdf.set_xy(pdf.l_margin, max(bottoms))


# ------------------------------------------------------------------------------ the appendices

_DETAIL_WIDTHS: Final = (8, 58, 42, 16, 27, 29)
_DETAIL_LINE: Final = 4.6
_DETAIL_PAD: Final = 1.0
_DETAIL_ALIGN: Final = ("CENTER", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")


def _details(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """Lampiran 1: the lines of every variant, tier by tier, and the total again."""
    pdf.add_page()
    pdf.heading("Lampiran 1: Rincian Parsel")
    pdf.set_text_color(*_MUTED)
    pdf.text_line(f"Penawaran {doc.number} untuk {doc.company}. Harga per parsel.", size=9)
    pdf.set_text_color(*_INK)
    for tier in doc.tiers:
        _tier(pdf, tier)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 10)
    _sum_row(pdf, "TOTAL", doc.total, line_height=5.5)
    _terbilang(pdf, doc)


def _sum_row(pdf: _PenawaranPDF, label: str, amount: int, *, line_height: float) -> None:
    """A one-row table of a label and an amount across the page, shaded as a sum."""
    with pdf.table(
        col_widths=(140, 40),
        text_align=("LEFT", "RIGHT"),
        first_row_as_headings=False,
        line_height=line_height,
        padding=(1.2, 1.8),
    ) as table:
        row = table.row(style=_SUM)
        row.cell(latin1(label))
        row.cell(rupiah(amount))


def _tier(pdf: _PenawaranPDF, tier: TierSection) -> None:
    """A tier's heading, its variants and its subtotal; the heading stays with its first table."""
    _keep_together(pdf, 12 + _variant_height(pdf, tier.variants[0]) if tier.variants else 20)
    pdf.ln(3)
    pdf.text_line(
        f"Paket {tier.name}: {grouped(tier.parcels)} parsel, "
        f"anggaran {rupiah(tier.budget)} per parsel",
        size=10.5,
        style="B",
    )
    pdf.ln(1.5)
    for variant in tier.variants:
        _variant(pdf, variant)
        pdf.ln(3)
    pdf.set_font(FONT, "", 9)
    label = f"Subtotal paket {tier.name}: {grouped(tier.parcels)} parsel"
    _sum_row(pdf, label, tier.subtotal, line_height=5)


def _variant(pdf: _PenawaranPDF, variant: VariantSection) -> None:
    """One variant's table; it starts on a new page if it would not fit the rest of this one."""
    _keep_together(pdf, _variant_height(pdf, variant))
    pdf.set_font(FONT, "", 9)
    caption = (
        f"Varian {variant.number}: {grouped(variant.parcels)} parsel "
        f"\u00d7 {rupiah(variant.price)} = {rupiah(variant.subtotal)}"
    )
    with pdf.table(
        col_widths=_DETAIL_WIDTHS,
        text_align=_DETAIL_ALIGN,
        headings_style=_HEADINGS,
        num_heading_rows=2,
        line_height=_DETAIL_LINE,
        padding=(_DETAIL_PAD, 1.5),
    ) as table:
        table.row().cell(caption, colspan=6, align="LEFT")
        table.row(("No", "Uraian", "Produsen", "Jumlah", "Harga Satuan", "Total"))
        for number, line in enumerate(variant.lines, start=1):
            table.row(
                (
                    str(number),
                    latin1(line.description),
                    latin1(line.producer or "-"),
                    grouped(line.qty),
                    rupiah(line.unit_price),
                    rupiah(line.line_total),
                )
            )
        row = table.row(style=_SUM)
        row.cell("Harga per parsel", colspan=5, align="LEFT")
        row.cell(rupiah(variant.price))


def _variant_height(pdf: _PenawaranPDF, variant: VariantSection) -> float:
    """About how tall a variant's table is: two heading rows, its lines, the price row.

    A line whose product or producer name is wider than its column wraps, so
    it counts once per line of the longer of the two, as fpdf2 would break them.
    """
    pdf.set_font(FONT, "", 9)

    def wrapped(text: str, width: float) -> int:
        lines = pdf.multi_cell(
            width - 3 + 2 * pdf.c_margin,
            _DETAIL_LINE,
            latin1(text),
            dry_run=True,
            output=MethodReturnValue.LINES,
        )
        return len(lines) if isinstance(lines, list) else 1

    lines = sum(
        max(
            1,
            wrapped(line.description, _DETAIL_WIDTHS[1]),
            wrapped(line.producer, _DETAIL_WIDTHS[2]),
        )
        for line in variant.lines
    )
    rows = len(variant.lines) + 3
    return lines * _DETAIL_LINE + 3 * _DETAIL_LINE + rows * 2 * _DETAIL_PAD


def _keep_together(pdf: _PenawaranPDF, height: float) -> None:
    """A new page when ``height`` does not fit the rest of this one but fits a fresh one."""
    if pdf.will_page_break(height) and height < pdf.eph - 20:
        pdf.add_page()


_CERT_WIDTHS: Final = (8, 41, 38, 35, 29, 29)


def _certifications(pdf: _PenawaranPDF, doc: QuoteDocument) -> None:
    """Lampiran 2: the halal certificate and permit numbers of every food product."""
    pdf.add_page()
    pdf.heading("Lampiran 2: Catatan Sertifikasi")
    pdf.set_text_color(*_MUTED)
    pdf.text_line(
        "Nomor sertifikat halal dan izin edar (P-IRT atau BPOM MD) setiap produk pangan "
        "dalam penawaran ini.",
        size=9,
    )
    pdf.set_text_color(*_INK)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8.5)
    with pdf.table(
        col_widths=_CERT_WIDTHS,
        text_align=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"),
        headings_style=_HEADINGS,
        line_height=4.4,
        padding=(1, 1.2),
        cell_fill_mode=TableCellFillMode.NONE,
    ) as table:
        table.row(("No", "Produk", "Produsen", "Sertifikat Halal", "P-IRT", "BPOM MD"))
        for number, cert in enumerate(doc.certifications, start=1):
            table.row(
                (
                    str(number),
                    latin1(cert.product),
                    latin1(cert.producer),
                    latin1(cert.halal_cert or "-"),
                    latin1(cert.pirt or "-"),
                    latin1(cert.bpom or "-"),
                )
            )
    if doc.non_food:
        pdf.ln(2)
        pdf.set_text_color(*_MUTED)
        pdf.text_line(
            "Produk bukan pangan (tanpa izin edar pangan): " + ", ".join(doc.non_food) + ".",
            size=9,
        )
        pdf.set_text_color(*_INK)
