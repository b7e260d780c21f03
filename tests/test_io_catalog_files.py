"""Tests of parcelkit.io.catalog_files: catalogs to and from JSON, xlsx and CSV folders."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

from parcelkit.errors import CatalogError
from parcelkit.io import catalog_to_json, load_catalog, save_catalog
from parcelkit.models import Catalog, Packaging, Producer, Product
from tests.strategies import catalogs

FORMS = ("catalog.json", "catalog.xlsx", "catalog-csv")


def _round_trip(catalog: Catalog, name: str) -> Catalog:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        save_catalog(catalog, path)
        return load_catalog(path)


@given(catalogs())
def test_json_round_trip(catalog: Catalog) -> None:
    """A catalog saved as JSON loads back equal."""
    assert _round_trip(catalog, "catalog.json") == catalog


@given(catalogs())
@settings(max_examples=20)
def test_csv_round_trip(catalog: Catalog) -> None:
    """A catalog saved as a folder of CSV files loads back equal, quoting and all."""
    assert _round_trip(catalog, "catalog-csv") == catalog


@given(catalogs())
@settings(max_examples=12)
def test_xlsx_round_trip(catalog: Catalog) -> None:
    """A catalog saved as an .xlsx workbook loads back equal."""
    assert _round_trip(catalog, "catalog.xlsx") == catalog


@pytest.mark.parametrize("name", FORMS)
def test_spec_example_survives_each_form(spec_examples: Path, name: str) -> None:
    """FORMAT.md's example catalog loads and survives a trip through every form."""
    catalog = load_catalog(spec_examples / "catalog.json")
    assert len(catalog.producers) == 8
    assert len(catalog.products) == 12
    assert len(catalog.packaging) == 3
    assert _round_trip(catalog, name) == catalog


def test_spec_example_json_output_is_minimal_and_equivalent(spec_examples: Path) -> None:
    """The JSON written leaves defaults out, keeps format first and reads as the example."""
    original = json.loads((spec_examples / "catalog.json").read_text(encoding="utf-8"))
    text = catalog_to_json(load_catalog(spec_examples / "catalog.json"))
    written = json.loads(text)
    assert next(iter(written)) == "format"
    assert text.startswith('{\n  "format": "parcelkit.catalog/1",\n')
    batik = next(p for p in written["products"] if p["sku"] == "KRW-006-01")
    assert "tags" in batik and "food" in batik  # not defaults: kept
    assert "min_order" not in batik and "shelf_life_days" not in batik  # defaults: left out
    assert written["season"] == original["season"]
    assert Catalog.model_validate(written) == Catalog.model_validate(original)


def test_season_survives_a_spreadsheet(tmp_path: Path) -> None:
    """The optional catalog sheet carries the season through a CSV folder."""
    catalog = Catalog(season="Lebaran 2027; Karawang", producers=(Producer(id="P", name="A"),))
    save_catalog(catalog, tmp_path / "out")
    assert (tmp_path / "out" / "catalog.csv").is_file()
    assert load_catalog(tmp_path / "out").season == "Lebaran 2027; Karawang"


def test_catalog_sheet_is_optional(tmp_path: Path) -> None:
    """A CSV folder without catalog.csv loads with an empty season."""
    save_catalog(Catalog(season="x", producers=(Producer(id="P", name="A"),)), tmp_path)
    (tmp_path / "catalog.csv").unlink()
    assert load_catalog(tmp_path).season == ""


def test_catalog_sheet_with_a_wrong_format_is_reported(tmp_path: Path) -> None:
    """A catalog sheet naming another format is a problem at its cell."""
    save_catalog(Catalog(producers=(Producer(id="P", name="A"),)), tmp_path)
    (tmp_path / "catalog.csv").write_text("format,season\nparcelkit.catalog/9,x\n", "utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.field) == ("catalog.csv", 2, "format")


def test_writing_a_list_item_with_a_comma_is_refused(tmp_path: Path) -> None:
    """A tag holding a comma cannot go into a list cell, so saving to CSV says so."""
    catalog = Catalog(
        producers=(Producer(id="P", name="A"),),
        products=(
            Product(
                sku="S",
                producer_id="P",
                name="n",
                category="snack",
                price=1,
                stock=1,
                weight_g=1,
                volume_ml=1,
                shelf_life_days=9,
                tags=("nuts, peanuts",),
            ),
        ),
    )
    with pytest.raises(ValueError, match="comma"):
        save_catalog(catalog, tmp_path / "csv")
    save_catalog(catalog, tmp_path / "ok.json")  # JSON has real lists
    assert load_catalog(tmp_path / "ok.json") == catalog


def test_an_empty_catalog_round_trips(tmp_path: Path) -> None:
    """A catalog with no records at all is written and read back in every form."""
    for name in FORMS:
        assert _round_trip(Catalog(), name) == Catalog()


def test_a_file_that_is_not_there_is_one_problem(tmp_path: Path) -> None:
    """Loading a missing path raises CatalogError naming the path."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "nope.json")
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "nope.json")
    assert "no such file" in problem.message


def test_a_broken_workbook_is_one_problem(tmp_path: Path) -> None:
    """A file with the .xlsx suffix that is not a workbook is reported, not a traceback."""
    path = tmp_path / "catalog.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert "cannot open the workbook" in caught.value.problems[0].message


def test_json_collection_that_is_not_a_list(tmp_path: Path) -> None:
    """A JSON catalog whose products is not a list names that key."""
    path = tmp_path / "c.json"
    path.write_text('{"format": "parcelkit.catalog/1", "products": {}}', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert [p.field for p in caught.value.problems] == ["products"]


def test_packaging_of_a_broken_producer_row_is_not_called_unknown(tmp_path: Path) -> None:
    """A producer row with another mistake still counts as known for references."""
    path = tmp_path / "c.json"
    document = {
        "producers": [{"id": "P1", "name": ""}],
        "packaging": [
            {
                "id": "B",
                "name": "Box",
                "price": 1,
                "capacity_ml": 1,
                "max_weight_g": 1,
                "stock": 1,
                "producer_id": "P1",
            }
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.field) == ("producers", 1, "name")


def test_duplicate_in_json_names_positions_in_the_file(tmp_path: Path) -> None:
    """A duplicate id after a broken record names positions as they are in the file."""
    producer = {"id": "P1", "name": "A"}
    document = {"producers": [{"id": "X"}, producer, producer]}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    duplicate = next(p for p in caught.value.problems if "duplicate" in p.message)
    assert duplicate.row == 3
    assert "position 2" in duplicate.message


def test_loaded_packaging_keeps_its_producer(tmp_path: Path) -> None:
    """Optional references survive a CSV round trip (empty cell = None)."""
    catalog = Catalog(
        producers=(Producer(id="P", name="A"),),
        packaging=(
            Packaging(id="B1", name="b", price=1, capacity_ml=1, max_weight_g=1, stock=0),
            Packaging(
                id="B2", name="b", price=1, capacity_ml=1, max_weight_g=1, stock=0, producer_id="P"
            ),
        ),
    )
    loaded = _round_trip(catalog, "csv")
    assert [p.producer_id for p in loaded.packaging] == [None, "P"]
