"""Tests of parcelkit.io.request_files: requests to and from JSON, xlsx and CSV folders."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcelkit.errors import RequestError
from parcelkit.io import load_catalog, load_requests, requests_to_json, save_requests
from parcelkit.io.request_files import tier_conflicts
from parcelkit.models import Catalog, Request, Rules, Tier, effective_rules
from tests.strategies import catalogs, requests_for

FORMS = ("requests.json", "requests.xlsx", "requests-csv")


def _round_trip(requests: tuple[Request, ...], name: str) -> tuple[Request, ...]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        save_requests(requests, path)
        return load_requests(path)


@given(st.data(), catalogs())
def test_json_round_trip(data: st.DataObject, catalog: Catalog) -> None:
    """Requests saved as JSON load back equal, in order."""
    requests = data.draw(requests_for(catalog))
    assert _round_trip(requests, "requests.json") == requests


@given(st.data(), catalogs())
@settings(max_examples=20)
def test_csv_round_trip(data: st.DataObject, catalog: Catalog) -> None:
    """Requests saved as a CSV folder load back equal: rules, tiers, fees, preferences."""
    requests = data.draw(requests_for(catalog))
    assert _round_trip(requests, "requests-csv") == requests


@given(st.data(), catalogs())
@settings(max_examples=12)
def test_xlsx_round_trip(data: st.DataObject, catalog: Catalog) -> None:
    """Requests saved as an .xlsx workbook load back equal, also against their catalog."""
    requests = data.draw(requests_for(catalog))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "requests.xlsx"
        save_requests(requests, path)
        assert load_requests(path, catalog) == requests


@pytest.mark.parametrize("name", FORMS)
def test_spec_example_survives_each_form(spec_examples: Path, name: str) -> None:
    """FORMAT.md's example requests load against the example catalog and survive every form."""
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog)
    assert [r.id for r in requests] == ["REQ-0001", "REQ-0002", "REQ-0003"]
    assert _round_trip(requests, name) == requests


def test_spec_example_manager_tier_replaces_categories(spec_examples: Path) -> None:
    """The manager tier of REQ-0001 read from a workbook keeps its own categories whole."""
    requests = _round_trip(load_requests(spec_examples / "requests.json"), "r.xlsx")
    request = requests[0]
    rules = effective_rules(request, request.tier("manager"))
    assert rules.categories == {"beverage": (1, 2), "cookies": (1, 2), "fashion": (1, 1)}
    assert rules.exclude_tags == ("contains-nuts",)


def test_empty_overrides_survive_a_spreadsheet() -> None:
    """A tier giving no categories and no excluded tags ('-') differs from not giving them."""
    request = Request(
        id="R",
        company="PT A",
        tiers=(
            Tier(name="a", parcels=1, budget=1000, rules=Rules(categories={}, exclude_tags=())),
            Tier(name="b", parcels=1, budget=1000),
        ),
        rules=Rules(categories={"snack": (1, 2)}, exclude_tags=("contains-nuts",)),
    )
    for name in FORMS:
        (loaded,) = _round_trip((request,), name)
        assert loaded == request
        assert effective_rules(loaded, loaded.tier("a")).categories == {}
        assert effective_rules(loaded, loaded.tier("b")).categories == {"snack": (1, 2)}


def test_single_request_json_file(tmp_path: Path) -> None:
    """A JSON file holding one request (not a list) loads as a one-request tuple."""
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "format": "parcelkit.request/1",
                "id": "R1",
                "company": "PT A",
                "tiers": [{"name": "all", "parcels": 3, "budget": 100000}],
                "rules": {"min_budget_use": 0.9},
            }
        ),
        encoding="utf-8",
    )
    (request,) = load_requests(path)
    assert request.rules.min_budget_use == Decimal("0.9")


def test_single_request_problem_names_its_path(tmp_path: Path) -> None:
    """In a one-request file a tier's problem is placed by the tiers list and position."""
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {"id": "R1", "company": "A", "tiers": [{"name": "x", "parcels": 0, "budget": 1}]}
        ),
        encoding="utf-8",
    )
    with pytest.raises(RequestError) as caught:
        load_requests(path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.field) == ("tiers", 1, "parcels")


def test_json_output_keeps_format_and_drops_defaults() -> None:
    """requests_to_json writes the format first in each request and leaves defaults out."""
    request = Request(id="R", company="A", tiers=(Tier(name="t", parcels=1, budget=5),))
    document = json.loads(requests_to_json((request,)))
    assert document == {
        "requests": [
            {
                "format": "parcelkit.request/1",
                "id": "R",
                "company": "A",
                "tiers": [{"name": "t", "parcels": 1, "budget": 5}],
            }
        ]
    }


def test_shares_are_written_as_json_numbers() -> None:
    """Decimal shares appear as JSON numbers and load back as the same Decimal."""
    request = Request(
        id="R",
        company="A",
        tiers=(Tier(name="t", parcels=1, budget=5),),
        rules=Rules(min_budget_use=Decimal("0.85"), variant_price_spread=Decimal("0.125")),
    )
    text = requests_to_json((request,))
    assert '"min_budget_use": 0.85' in text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.json"
        path.write_text(text, encoding="utf-8")
        assert load_requests(path)[0].rules.variant_price_spread == Decimal("0.125")


def test_tier_conflicts_find_the_tier_and_rule() -> None:
    """A tier's max_items below the request's min_items is placed at the tier's max_items."""
    record = {
        "rules": {"min_items": 6},
        "tiers": [{"name": "a", "rules": {}}, {"name": "b", "rules": {"max_items": 5}}],
    }
    (issue,) = tier_conflicts(record)
    assert issue.loc == ("tiers", 1, "rules", "max_items")


def test_tier_conflicts_leave_one_scope_to_the_model() -> None:
    """A conflict inside one tier's own rules is the Rules model's to report, not repeated."""
    record = {"tiers": [{"name": "a", "rules": {"min_items": 9, "max_items": 5}}]}
    assert tier_conflicts(record) == []


def test_tier_conflicts_against_defaults_point_at_the_request() -> None:
    """A request min_items above the default max_items is placed at the request's min_items."""
    record = {"rules": {"min_items": 20}, "tiers": [{"name": "a"}, {"name": "a"}]}
    locs = [issue.loc for issue in tier_conflicts(record)]
    assert locs == [("rules", "min_items"), ("tiers", 1, "name"), ("rules", "min_items")]
