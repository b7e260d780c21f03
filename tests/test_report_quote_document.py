"""The penawaran's content: `parcelkit.report.quote_document` built from real sample quotes."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import (
    Catalog,
    Fees,
    Item,
    Quote,
    Request,
    SolverInfo,
    Status,
    Tier,
    TierQuote,
    Variant,
)
from parcelkit.report.quote_document import (
    DEFAULT_ISSUER,
    DELIVERY_TO_BE_AGREED,
    VALID_DAYS,
    QuoteDocument,
    indonesian_date,
    quote_document,
    quote_number,
)
from parcelkit.report.terbilang import terbilang_rupiah
from parcelkit.report.text import rupiah
from parcelkit.solve import quote

ISSUED = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class Sample:
    """A real request of the Karawang sample with its quote and its document."""

    catalog: Catalog
    request: Request
    quote: Quote
    doc: QuoteDocument


@pytest.fixture(scope="module")
def sample() -> Sample:
    """REQ-0004 (two tiers, staff and manager) quoted on the sample catalog, issued 28/11/2026."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0004")
    result = quote(catalog, request, time_limit=5)
    assert result.served
    return Sample(catalog, request, result, quote_document(result, request, catalog, issued=ISSUED))


def long_quote(
    catalog: Catalog,
    tiers: int = 8,
    variants: int = 3,
    fees: Fees = Fees(assembly=5000, koperasi=2500),  # noqa: B008 (frozen)
) -> tuple[Quote, Request]:
    """A served quote of many tiers and variants of 12 items each, its prices adding up."""
    products = itertools.cycle(p for p in catalog.products if p.halal or not p.food)
    package = catalog.packaging[0]
    tier_quotes = []
    for t in range(tiers):
        variant_list = []
        for v in range(variants):
            items = tuple(
                Item(sku=p.sku, qty=1 + (i % 2), unit_price=p.price)
                for i, p in enumerate(itertools.islice(products, 12))
            )
            price = sum(i.qty * i.unit_price for i in items) + package.price + fees.per_parcel
            variant_list.append(
                Variant(parcels=10 + v, packaging=package.id, items=items, price=price)
            )
        budget = max(v.price for v in variant_list)
        tier_quotes.append(
            TierQuote(
                name=f"golongan {t + 1}",
                parcels=sum(v.parcels for v in variant_list),
                budget=budget,
                variants=tuple(variant_list),
            )
        )
    request = Request(
        id="REQ-9001",
        company="PT Panjang Sekali Indonesia",
        koperasi="Kopkar Panjang",
        tiers=tuple(Tier(name=t.name, parcels=t.parcels, budget=t.budget) for t in tier_quotes),
        fees=fees,
    )
    result = Quote(
        request_id=request.id,
        company=request.company,
        status=Status.FEASIBLE,
        tiers=tuple(tier_quotes),
        total=sum(v.parcels * v.price for t in tier_quotes for v in t.variants),
        solver=SolverInfo(name="test"),
    )
    return result, request


# ----------------------------------------------------------------------------------- figures


def test_total_is_the_quote_total(sample: Sample) -> None:
    """The grand total is the quote's total, and the tiers' subtotals add up to it."""
    assert sample.doc.total == sample.quote.total
    assert sum(t.subtotal for t in sample.doc.tiers) == sample.quote.total
    assert sample.doc.parcels == sum(t.parcels for t in sample.request.tiers)


def test_tier_subtotals(sample: Sample) -> None:
    """Each tier keeps its name, parcels and budget, and costs its variants' parcels x price."""
    assert [t.name for t in sample.doc.tiers] == ["staff", "manager"]
    for section, tier in zip(sample.doc.tiers, sample.quote.tiers, strict=True):
        assert (section.name, section.parcels, section.budget) == (
            tier.name,
            tier.parcels,
            tier.budget,
        )
        assert section.subtotal == sum(v.parcels * v.price for v in tier.variants)
        assert [v.subtotal for v in section.variants] == [
            v.parcels * v.price for v in tier.variants
        ]


def test_variant_lines(sample: Sample) -> None:
    """A variant lists its products by name and producer, then its packaging and fees."""
    catalog, request = sample.catalog, sample.request
    for section, tier in zip(sample.doc.tiers, sample.quote.tiers, strict=True):
        for number, (lines, variant) in enumerate(
            zip(section.variants, tier.variants, strict=True), start=1
        ):
            assert lines.number == number
            assert lines.price == variant.price
            expected = [
                (
                    catalog.product_by_sku[i.sku].name,
                    catalog.producer_by_id[catalog.product_by_sku[i.sku].producer_id].name,
                    i.qty,
                    i.unit_price,
                )
                for i in variant.items
            ]
            assert [(p.description, p.producer, p.qty, p.unit_price) for p in lines.products] == (
                expected
            )
            package = catalog.packaging_by_id[variant.packaging]
            assert lines.packaging == package.name
            charges = [(c.description, c.line_total) for c in lines.charges]
            assert charges == [
                (f"Kemasan: {package.name}", package.price),
                ("Biaya perakitan", request.fees.assembly),
            ]  # REQ-0004 has no koperasi fee, so no line for it
            assert sum(line.line_total for line in lines.lines) == variant.price


def test_total_in_words(sample: Sample) -> None:
    """The total is spelled out as the document prints it."""
    assert sample.doc.total_words == terbilang_rupiah(sample.quote.total)
    assert sample.doc.total_words.endswith(" rupiah")


def test_payment_terms(sample: Sample) -> None:
    """Half down on ordering (production starts then), the rest before delivery."""
    doc = sample.doc
    assert doc.down_payment + doc.balance == doc.total
    assert doc.down_payment == doc.total // 2  # REQ-0004's total is even
    down, balance, validity = doc.payment_terms
    assert down.startswith("Uang muka 50%") and rupiah(doc.down_payment) in down
    assert "produksi dimulai setelah uang muka diterima" in down
    assert balance.startswith("Pelunasan 50%") and rupiah(doc.balance) in balance
    assert "sebelum pengiriman" in balance
    assert "30 hari" in validity and "28 Desember 2026" in validity


def test_price_note_names_the_fees(sample: Sample) -> None:
    """The note on prices names packaging and each fee the request charges."""
    catalog = sample.catalog
    assert sample.doc.price_note == "Harga per parsel sudah termasuk kemasan dan biaya perakitan."
    both = quote_document(*long_quote(catalog, tiers=1), catalog, issued=ISSUED)
    assert both.price_note.endswith("kemasan, biaya perakitan dan biaya koperasi.")
    none = quote_document(*long_quote(catalog, tiers=1, fees=Fees()), catalog, issued=ISSUED)
    assert none.price_note == "Harga per parsel sudah termasuk kemasan."
    assert [c.description for c in none.tiers[0].variants[0].charges] == [
        f"Kemasan: {catalog.packaging[0].name}"
    ]


# ------------------------------------------------------------------------------- head of letter


def test_dates_and_number(sample: Sample) -> None:
    """Issued as given, valid 30 days, numbered PNW/year/month/request id by default."""
    doc = sample.doc
    assert doc.issued == ISSUED
    assert doc.valid_until == ISSUED + dt.timedelta(days=VALID_DAYS) == dt.date(2026, 12, 28)
    assert doc.number == "PNW/2026/11/REQ-0004" == quote_number(sample.request, ISSUED)
    assert (doc.issued_text, doc.valid_until_text) == ("28 November 2026", "28 Desember 2026")


def test_given_number_and_default_date(sample: Sample) -> None:
    """A number given is printed as given; without a date the quote is issued today."""
    doc = quote_document(sample.quote, sample.request, sample.catalog, number="017/PRS/2026")
    assert doc.number == "017/PRS/2026"
    assert doc.issued == dt.date.today()
    assert doc.valid_until - doc.issued == dt.timedelta(days=30)


def test_parties(sample: Sample) -> None:
    """The company, its koperasi, the delivery date, the season and the Karawang issuer."""
    doc = sample.doc
    assert (doc.company, doc.koperasi) == ("PT Sinar Ban Indonesia", "Kopkar PT Sinar Ban")
    assert doc.request_id == "REQ-0004"
    assert doc.delivery_date == sample.request.delivery_date
    assert doc.delivery_text == "3 Maret 2027"
    assert doc.season == "Lebaran 2027"
    assert doc.issuer == DEFAULT_ISSUER
    assert "Karawang" in doc.issuer.name and "Koperasi" in doc.issuer.name


def test_delivery_to_be_agreed(sample: Sample) -> None:
    """A request without a delivery date says the date is still to be agreed."""
    request = sample.request.model_copy(update={"delivery_date": None})
    doc = quote_document(sample.quote, request, sample.catalog, issued=ISSUED)
    assert doc.delivery_date is None
    assert doc.delivery_text == DELIVERY_TO_BE_AGREED


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2027, 1, 1), "1 Januari 2027"),
        (dt.date(2027, 2, 24), "24 Februari 2027"),
        (dt.date(2027, 3, 10), "10 Maret 2027"),
        (dt.date(2027, 5, 5), "5 Mei 2027"),
        (dt.date(2027, 8, 17), "17 Agustus 2027"),
        (dt.date(2026, 12, 31), "31 Desember 2026"),
    ],
)
def test_indonesian_date(day: dt.date, text: str) -> None:
    """Dates are written day, Indonesian month name, year."""
    assert indonesian_date(day) == text


# ------------------------------------------------------------------------------ certification


def test_certifications(sample: Sample) -> None:
    """Every food product of the quote is listed once with its halal and permit numbers."""
    catalog = sample.catalog
    skus = {i.sku for t in sample.quote.tiers for v in t.variants for i in v.items}
    food = [catalog.product_by_sku[s] for s in skus if catalog.product_by_sku[s].food]
    listed = {c.product: c for c in sample.doc.certifications}
    assert len(listed) == len(sample.doc.certifications) == len(food)
    for product in food:
        line = listed[product.name]
        assert (line.halal_cert, line.pirt, line.bpom) == (
            product.halal_cert,
            product.pirt,
            product.bpom,
        )
        assert line.producer == catalog.producer_by_id[product.producer_id].name
    assert all(c.halal_cert and c.halal_cert.startswith("ID") for c in listed.values())
    non_food = {catalog.product_by_sku[s].name for s in skus if not catalog.product_by_sku[s].food}
    assert set(sample.doc.non_food) == non_food


# ----------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("status", [Status.INFEASIBLE, Status.UNKNOWN])
def test_unserved_quote_refused(sample: Sample, status: Status) -> None:
    """An infeasible or unknown quote has nothing to offer: ValueError, saying so."""
    unserved = sample.quote.model_copy(
        update={"status": status, "tiers": (), "total": 0, "reasons": ("stock runs out",)}
    )
    with pytest.raises(ValueError, match=f"REQ-0004 is {status.value}.*served"):
        quote_document(unserved, sample.request, sample.catalog, issued=ISSUED)


def test_other_request_refused(sample: Sample) -> None:
    """A quote printed against another request is refused."""
    other = next(r for r in karawang_requests() if r.id == "REQ-0001")
    with pytest.raises(ValueError, match="does not answer request REQ-0001"):
        quote_document(sample.quote, other, sample.catalog, issued=ISSUED)


def test_figures_that_do_not_add_up_refused(sample: Sample) -> None:
    """A parcel price its lines do not make, or a wrong total, is refused, not printed."""
    tier = sample.quote.tiers[0]
    variant = tier.variants[0].model_copy(update={"price": tier.variants[0].price + 1000})
    wrong_price = sample.quote.model_copy(
        update={
            "tiers": (
                tier.model_copy(update={"variants": (variant, *tier.variants[1:])}),
                *sample.quote.tiers[1:],
            )
        }
    )
    with pytest.raises(ValueError, match=r"tier 'staff', variant 1: .* not to the parcel price"):
        quote_document(wrong_price, sample.request, sample.catalog, issued=ISSUED)
    wrong_total = sample.quote.model_copy(update={"total": sample.quote.total + 1})
    with pytest.raises(ValueError, match="not to its total"):
        quote_document(wrong_total, sample.request, sample.catalog, issued=ISSUED)


def test_unknown_sku_refused(sample: Sample) -> None:
    """A sku the catalog lacks is named in the error."""
    tier = sample.quote.tiers[1]
    variant = tier.variants[0]
    odd = variant.model_copy(update={"items": (Item(sku="KRW-999-99", qty=1, unit_price=1),)})
    changed = sample.quote.model_copy(
        update={"tiers": (sample.quote.tiers[0], tier.model_copy(update={"variants": (odd,)}))}
    )
    with pytest.raises(ValueError, match="'KRW-999-99' is not in the catalog"):
        quote_document(changed, sample.request, sample.catalog, issued=ISSUED)


# ------------------------------------------------------------------------------- a long quote


def test_long_quote() -> None:
    """A quote of many tiers and variants keeps every variant, fee line and total."""
    catalog = karawang_catalog()
    result, request = long_quote(catalog)
    doc = quote_document(result, request, catalog, issued=ISSUED)
    assert len(doc.tiers) == 8 and all(len(t.variants) == 3 for t in doc.tiers)
    assert doc.total == result.total
    first = doc.tiers[0].variants[0]
    assert [c.description for c in first.charges][1:] == ["Biaya perakitan", "Biaya koperasi"]
    assert len(first.lines) == 12 + 3
