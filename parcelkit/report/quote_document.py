"""The quote a company receives ("Penawaran Harga"): every figure and line it prints.

`quote_document` reads a served quote with its request and catalog and builds a
`QuoteDocument`: names instead of ids, one line per product, packaging and fee
so that each parcel's lines add up to its price, the tiers' subtotals, the total
in figures and in words, the payment terms and the certificate numbers of the
food. The HTML and PDF renderers only lay this out, so both print the same
document. Building it checks that the quote's figures add up; a document whose
lines disagree with its total is refused rather than printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from parcelkit.models import Catalog, Product, Quote, Request, Variant
from parcelkit.report.terbilang import terbilang_rupiah
from parcelkit.report.text import rupiah

__all__ = [
    "DEFAULT_ISSUER",
    "DELIVERY_TO_BE_AGREED",
    "DOWN_PAYMENT_PERCENT",
    "MONTHS",
    "VALID_DAYS",
    "CertificationLine",
    "Issuer",
    "ItemLine",
    "QuoteDocument",
    "TierSection",
    "VariantSection",
    "indonesian_date",
    "quote_document",
    "quote_number",
]

VALID_DAYS: Final = 30
"""How long a quote holds: about 30 days is the custom."""

DOWN_PAYMENT_PERCENT: Final = 50
"""The share paid on ordering; production starts when it is received."""

MONTHS: Final = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

DELIVERY_TO_BE_AGREED: Final = "Menyusul, disepakati bersama"
"""What the document says when the request has no delivery date yet."""


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs the quote: the office running the parcel program."""

    name: str
    """The office, as its letterhead names it."""
    program: str
    """The program the parcels belong to."""
    city: str
    """Where the quote is signed: the place before the date above the signature."""
    signatory: str
    """The position that signs (the name is written by hand)."""


DEFAULT_ISSUER: Final = Issuer(
    name="Dinas Koperasi dan UKM Kabupaten Karawang",
    program="Program Parsel Lebaran Produk UMKM Karawang",
    city="Karawang",
    signatory="Koordinator Program Parsel UMKM",
)
"""The Karawang program (Dinkop UKM Kabupaten Karawang); a catalog carries no issuer of its own."""


@dataclass(frozen=True)
class ItemLine:
    """One line of a parcel: a product, the packaging, or a fee, per parcel."""

    description: str
    producer: str
    """The producer's name; empty for a fee or packaging nobody in the program makes."""
    qty: int
    unit_price: int

    @property
    def line_total(self) -> int:
        """``qty`` x ``unit_price``, in rupiah."""
        return self.qty * self.unit_price


@dataclass(frozen=True)
class VariantSection:
    """One parcel composition of a tier and how many parcels get it."""

    number: int
    """1-based within its tier ("Varian 1")."""
    parcels: int
    packaging: str
    products: tuple[ItemLine, ...]
    charges: tuple[ItemLine, ...]
    """The packaging, then each fee that is not zero: what a parcel costs besides products."""
    price: int
    """Per parcel, packaging and fees included (the quote's price); the lines add up to it."""

    @property
    def lines(self) -> tuple[ItemLine, ...]:
        """Every line of one parcel: products first, then packaging and fees."""
        return self.products + self.charges

    @property
    def subtotal(self) -> int:
        """``parcels`` x ``price``."""
        return self.parcels * self.price


@dataclass(frozen=True)
class TierSection:
    """A tier of the order (staff, manager, ...) with its variants."""

    name: str
    parcels: int
    budget: int
    """The most one parcel of the tier may cost, fees included."""
    variants: tuple[VariantSection, ...]

    @property
    def subtotal(self) -> int:
        """What the tier costs: the sum of its variants' subtotals."""
        return sum(v.subtotal for v in self.variants)


@dataclass(frozen=True)
class CertificationLine:
    """A food product of the quote with its halal certificate and food permit numbers."""

    product: str
    producer: str
    halal_cert: str | None
    pirt: str | None
    bpom: str | None


@dataclass(frozen=True)
class QuoteDocument:
    """Everything a penawaran prints, in the order it prints it."""

    number: str
    issued: dt.date
    valid_until: dt.date
    issuer: Issuer
    season: str
    request_id: str
    company: str
    koperasi: str
    delivery_date: dt.date | None
    tiers: tuple[TierSection, ...]
    total: int
    total_words: str
    """The total in words: ``Dua puluh lima juta rupiah``."""
    down_payment: int
    balance: int
    price_note: str
    """What every parcel's price includes besides the products: packaging, and which fees."""
    payment_terms: tuple[str, ...]
    certifications: tuple[CertificationLine, ...]
    non_food: tuple[str, ...]
    """Products of the quote that are not food, for which no food permit is listed."""

    @property
    def parcels(self) -> int:
        """Parcels over all tiers."""
        return sum(t.parcels for t in self.tiers)

    @property
    def issued_text(self) -> str:
        """The issue date as printed: ``28 November 2026``."""
        return indonesian_date(self.issued)

    @property
    def valid_until_text(self) -> str:
        """The last day the quote holds, as printed."""
        return indonesian_date(self.valid_until)

    @property
    def delivery_text(self) -> str:
        """The delivery date as printed, or that it is still to be agreed."""
        if self.delivery_date is None:
            return DELIVERY_TO_BE_AGREED
        return indonesian_date(self.delivery_date)


def indonesian_date(day: dt.date) -> str:
    """A date as Indonesian letters write it: ``28 November 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def quote_number(request: Request, issued: dt.date) -> str:
    """The default document number, the same for a request on the same month.

    ``PNW/<year>/<month>/<request id>``, e.g. ``PNW/2026/11/REQ-0004``: PNW
    for *penawaran*, as offices number their letters.
    """
    return f"PNW/{issued.year}/{issued.month:02d}/{request.id}"


def quote_document(
    quote: Quote,
    request: Request,
    catalog: Catalog,
    *,
    number: str | None = None,
    issued: dt.date | None = None,
    issuer: Issuer = DEFAULT_ISSUER,
) -> QuoteDocument:
    """The penawaran of a served quote: what the company is offered, line by line.

    Parameters
    ----------
    quote, request, catalog
        The quote, the request it answers, and the catalog it was built from
        (for product, producer and packaging names and certificate numbers).
    number
        The document number; default `quote_number` of the request and date.
    issued
        The date the quote is issued; default today. It holds `VALID_DAYS` days.
    issuer
        Who issues and signs it; default the Karawang program.

    Raises
    ------
    ValueError
        When the quote is not served (infeasible or unknown: there is nothing
        to offer), answers another request, names a tier, sku or packaging that
        the request or catalog does not have, or when its figures do not add up
        (a parcel's lines to its price, the tiers to the total).
    """
    if not quote.served:
        raise ValueError(
            f"quote {quote.request_id} is {quote.status.value}: only a served quote "
            "(optimal or feasible) can be printed as a penawaran"
        )
    if quote.request_id != request.id:
        raise ValueError(f"quote {quote.request_id} does not answer request {request.id}")
    issued = dt.date.today() if issued is None else issued
    tiers = tuple(
        _tier_section(quote, request, catalog, index) for index in range(len(quote.tiers))
    )
    total = sum(t.subtotal for t in tiers)
    if total != quote.total:
        raise ValueError(
            f"quote {quote.request_id}: its tiers add up to {rupiah(total)}, "
            f"not to its total {rupiah(quote.total)}"
        )
    valid_until = issued + dt.timedelta(days=VALID_DAYS)
    down_payment = -(-total * DOWN_PAYMENT_PERCENT // 100)
    certifications, non_food = _certifications(quote, catalog)
    return QuoteDocument(
        number=quote_number(request, issued) if number is None else number,
        issued=issued,
        valid_until=valid_until,
        issuer=issuer,
        season=catalog.season,
        request_id=request.id,
        company=request.company,
        koperasi=request.koperasi,
        delivery_date=request.delivery_date,
        tiers=tiers,
        total=total,
        total_words=terbilang_rupiah(total),
        down_payment=down_payment,
        balance=total - down_payment,
        price_note=_price_note(request),
        payment_terms=_payment_terms(down_payment, total - down_payment, valid_until),
        certifications=certifications,
        non_food=non_food,
    )


def _tier_section(quote: Quote, request: Request, catalog: Catalog, index: int) -> TierSection:
    tier = quote.tiers[index]
    if tier.name not in {t.name for t in request.tiers}:
        raise ValueError(f"quote {quote.request_id}: tier {tier.name!r} is not in the request")
    variants = tuple(
        _variant_section(quote, request, catalog, tier.name, number, variant)
        for number, variant in enumerate(tier.variants, start=1)
    )
    return TierSection(name=tier.name, parcels=tier.parcels, budget=tier.budget, variants=variants)


def _variant_section(
    quote: Quote,
    request: Request,
    catalog: Catalog,
    tier: str,
    number: int,
    variant: Variant,
) -> VariantSection:
    where = f"quote {quote.request_id}, tier {tier!r}, variant {number}"
    products = tuple(
        ItemLine(
            description=_product(catalog, item.sku, where).name,
            producer=_producer_name(catalog, _product(catalog, item.sku, where).producer_id),
            qty=item.qty,
            unit_price=item.unit_price,
        )
        for item in variant.items
    )
    package = catalog.packaging_by_id.get(variant.packaging)
    if package is None:
        raise ValueError(f"{where}: packaging {variant.packaging!r} is not in the catalog")
    charges = (
        ItemLine(
            description=f"Kemasan: {package.name}",
            producer=_producer_name(catalog, package.producer_id),
            qty=1,
            unit_price=package.price,
        ),
        *_fee_lines(request),
    )
    section = VariantSection(
        number=number,
        parcels=variant.parcels,
        packaging=package.name,
        products=products,
        charges=charges,
        price=variant.price,
    )
    lines_total = sum(line.line_total for line in section.lines)
    if lines_total != variant.price:
        raise ValueError(
            f"{where}: products, packaging and fees add up to {rupiah(lines_total)}, "
            f"not to the parcel price {rupiah(variant.price)}"
        )
    return section


def _fee_lines(request: Request) -> Iterator[ItemLine]:
    fees = (("Biaya perakitan", request.fees.assembly), ("Biaya koperasi", request.fees.koperasi))
    for description, amount in fees:
        if amount:
            yield ItemLine(description=description, producer="", qty=1, unit_price=amount)


def _product(catalog: Catalog, sku: str, where: str) -> Product:
    product = catalog.product_by_sku.get(sku)
    if product is None:
        raise ValueError(f"{where}: sku {sku!r} is not in the catalog")
    return product


def _producer_name(catalog: Catalog, producer_id: str | None) -> str:
    if producer_id is None:
        return ""
    producer = catalog.producer_by_id.get(producer_id)
    return producer.name if producer is not None else producer_id


def _certifications(
    quote: Quote, catalog: Catalog
) -> tuple[tuple[CertificationLine, ...], tuple[str, ...]]:
    """The food products' numbers, and the names of the other goods, in order of appearance."""
    skus = dict.fromkeys(
        item.sku for tier in quote.tiers for variant in tier.variants for item in variant.items
    )
    products = [catalog.product_by_sku[sku] for sku in skus]
    lines = tuple(
        CertificationLine(
            product=p.name,
            producer=_producer_name(catalog, p.producer_id),
            halal_cert=p.halal_cert,
            pirt=p.pirt,
            bpom=p.bpom,
        )
        for p in products
        if p.food
    )
    return lines, tuple(p.name for p in products if not p.food)


def _price_note(request: Request) -> str:
    included = ["kemasan"] + [line.description.lower() for line in _fee_lines(request)]
    listed = (
        included[0] if len(included) == 1 else ", ".join(included[:-1]) + " dan " + included[-1]
    )
    return f"Harga per parsel sudah termasuk {listed}."


def _payment_terms(down_payment: int, balance: int, valid_until: dt.date) -> tuple[str, ...]:
    rest = 100 - DOWN_PAYMENT_PERCENT
    return (
        f"Uang muka {DOWN_PAYMENT_PERCENT}% sebesar {rupiah(down_payment)} dibayarkan saat "
        "pemesanan; produksi dimulai setelah uang muka diterima.",
        f"Pelunasan {rest}% sebesar {rupiah(balance)} dibayarkan sebelum pengiriman.",
        f"Penawaran ini berlaku {VALID_DAYS} hari, sampai dengan {indonesian_date(valid_until)}.",
    )
