"""Tests of parcelkit.io.result_files: quotes and plans as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcelkit.errors import ResultError
from parcelkit.io import load_result, result_to_json, save_result
from parcelkit.models import Quote, SeasonPlan, Status


def test_example_quote_and_plan_round_trip(spec_examples: Path, tmp_path: Path) -> None:
    """FORMAT.md's quote and plan load by their format and survive a save."""
    quote = load_result(spec_examples / "quote.json")
    plan = load_result(spec_examples / "plan.json")
    assert isinstance(quote, Quote) and quote.status is Status.FEASIBLE
    assert isinstance(plan, SeasonPlan) and len(plan.quotes) == 3
    for result in (quote, plan):
        save_result(result, tmp_path / "out.json")
        assert load_result(tmp_path / "out.json") == result


def test_result_json_is_written_in_full() -> None:
    """Results keep every key, defaults included, with the format first."""
    quote = Quote(request_id="R", company="A", status=Status.UNKNOWN, solver={"name": "x"})
    document = json.loads(result_to_json(quote))
    assert next(iter(document)) == "format"
    assert document["tiers"] == [] and document["reasons"] == []
    assert document["solver"]["deterministic"] is True


def test_unknown_format_is_reported(tmp_path: Path) -> None:
    """A document that is not a quote or plan names its format field."""
    path = tmp_path / "r.json"
    path.write_text('{"format": "parcelkit.catalog/1"}', encoding="utf-8")
    with pytest.raises(ResultError) as caught:
        load_result(path)
    (problem,) = caught.value.problems
    assert problem.field == "format" and problem.value == "parcelkit.catalog/1"
    assert "parcelkit.quote/1" in (problem.expected or "")


def test_plan_problem_names_quote_and_path(spec_examples: Path, tmp_path: Path) -> None:
    """A bad value deep in a plan is placed by list, position and path."""
    document = json.loads((spec_examples / "plan.json").read_text(encoding="utf-8"))
    document["quotes"][1]["tiers"][0]["variants"][0]["parcels"] = 0
    document["status"] = "great"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ResultError) as caught:
        load_result(path)
    places = {(p.sheet, p.row, p.field) for p in caught.value.problems}
    assert places == {(None, None, "status"), ("quotes", 2, "tiers[1].variants[1].parcels")}


def test_invalid_result_json(tmp_path: Path) -> None:
    """A result file that is not JSON is one located problem."""
    path = tmp_path / "r.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ResultError, match="line 1"):
        load_result(path)
