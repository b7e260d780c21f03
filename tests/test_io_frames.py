"""Tests of parcelkit.io.frames: pandas views of catalogs and requests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcelkit.io import (
    load_catalog,
    load_requests,
    packaging_frame,
    producers_frame,
    products_frame,
    tiers_frame,
)
from parcelkit.models import Catalog, Request, effective_rules
from tests.strategies import catalogs, requests_for


@pytest.fixture(scope="module")
def example(spec_examples: Path) -> tuple[Catalog, tuple[Request, ...]]:
    """FORMAT.md's example catalog and requests."""
    catalog = load_catalog(spec_examples / "catalog.json")
    return catalog, load_requests(spec_examples / "requests.json", catalog)


def test_products_are_joined_with_their_producers(example: tuple[Catalog, object]) -> None:
    """Each product row carries its producer's name, district and certifications."""
    catalog, _ = example
    frame = products_frame(catalog)
    assert frame.shape == (12, 19)
    row = frame.set_index("sku").loc["KRW-002-01"]
    assert row["producer_name"] == "Kopi Abah Sanggabuana"
    assert row["district"] == "Tegalwaru"
    assert row["certifications"] == ("halal", "pirt")
    assert row["tags"] == ("local-icon",)


def test_product_dtypes(example: tuple[Catalog, object]) -> None:
    """Money and counts are int64, optional counts nullable Int64, flags bool."""
    frame = products_frame(example[0])
    for column in ("price", "stock", "min_order", "weight_g", "volume_ml"):
        assert frame[column].dtype == "int64", column
    assert frame["shelf_life_days"].dtype == "Int64"
    assert frame["halal"].dtype == bool and frame["food"].dtype == bool
    batik = frame.set_index("sku").loc["KRW-006-01"]
    assert pd.isna(batik["shelf_life_days"]) and pd.isna(batik["halal_cert"])
    assert pd.api.types.is_string_dtype(frame["sku"])
    assert int(frame["price"].sum()) == sum(p.price for p in example[0].products)


def test_producers_and_packaging(example: tuple[Catalog, object]) -> None:
    """Producers list one row each; packaging names the producer that makes it, if any."""
    catalog, _ = example
    producers = producers_frame(catalog)
    assert producers.shape == (8, 4)
    assert list(producers.columns) == ["id", "name", "district", "certifications"]
    packaging = packaging_frame(catalog)
    assert packaging.shape == (3, 8)
    assert packaging["price"].dtype == "int64"
    makers = dict(zip(packaging["id"], packaging["producer_name"], strict=True))
    assert makers["PKG-BAMBU-M"] == "Anyaman Bambu Balebat"
    assert pd.isna(makers["PKG-BOX-M"])


def test_tiers_frame_uses_effective_rules(example: tuple[Catalog, tuple[Request, ...]]) -> None:
    """One row per tier with its request's fields and the effective rules of FORMAT.md."""
    _, requests = example
    frame = tiers_frame(requests)
    assert frame.shape == (4, 22)
    assert list(frame["request_id"]) == ["REQ-0001", "REQ-0001", "REQ-0002", "REQ-0003"]
    manager = frame[(frame["request_id"] == "REQ-0001") & (frame["tier"] == "manager")].iloc[0]
    assert manager["min_items"] == 6 and manager["max_items"] == 12
    assert manager["categories"] == {"beverage": (1, 2), "cookies": (1, 2), "fashion": (1, 1)}
    assert manager["exclude_tags"] == ("contains-nuts",)
    assert manager["total_budget"] == 15 * 500000
    assert manager["fee_assembly"] == 5000
    assert frame.loc[2, "max_same_product"] == 1 and frame.loc[0, "max_same_product"] == 2
    assert frame["min_budget_use"].tolist() == [Decimal("0.85")] * 4
    for column in ("parcels", "budget", "total_budget", "fee_assembly", "fee_koperasi"):
        assert frame[column].dtype == "int64", column
    assert pd.api.types.is_datetime64_any_dtype(frame["delivery_date"])
    assert frame["min_shelf_life_days"].tolist()[-1] == 90


def test_empty_inputs_give_typed_empty_frames() -> None:
    """No records still give every column with its dtype."""
    assert products_frame(Catalog()).shape == (0, 19)
    frame = tiers_frame([])
    assert frame.shape == (0, 22)
    assert frame["budget"].dtype == "int64"


@given(st.data(), catalogs())
@settings(max_examples=15)
def test_frames_match_the_models(data: st.DataObject, catalog: Catalog) -> None:
    """Frames have a row per record, in order, whose values equal the models'."""
    requests = data.draw(requests_for(catalog))
    products = products_frame(catalog)
    assert list(products["sku"]) == [p.sku for p in catalog.products]
    assert list(products["price"]) == [p.price for p in catalog.products]
    tiers = tiers_frame(requests)
    expected = [effective_rules(r, t) for r in requests for t in r.tiers]
    assert list(tiers["max_items"]) == [rules.max_items for rules in expected]
    assert list(tiers["variant_price_spread"]) == [r.variant_price_spread for r in expected]


def test_problems_frame_keeps_every_problem_with_its_place(tmp_path: Path) -> None:
    """A broken workbook's problems become one row each: sheet, row, field, value, message."""
    import openpyxl

    from parcelkit.data import karawang_catalog
    from parcelkit.errors import CatalogError
    from parcelkit.io import problems_frame, save_catalog

    path = tmp_path / "katalog.xlsx"
    save_catalog(karawang_catalog(), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["products"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=5, column=header.index("price") + 1).value = None
    sheet.cell(row=7, column=header.index("stock") + 1).value = "banyak"
    workbook.save(path)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    frame = problems_frame(caught.value.problems)
    assert list(frame[["sheet", "row", "field"]].itertuples(index=False, name=None)) == [
        ("products", 5, "price"),
        ("products", 7, "stock"),
    ]
    assert frame.loc[1, "value"] == "banyak"
    assert frame["file"].str.endswith("katalog.xlsx").all()
    assert problems_frame([]).shape == (0, 7)
