"""Quotes: every rule holds, the objective terms act, infeasible is true, runs repeat."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings

from parcelkit.data import karawang_catalog
from parcelkit.models import Catalog, Quote, Request, Rules, Status, Tier
from parcelkit.solve import QuoteObjective, quote
from parcelkit.verify import check_quote
from tests.tiny import best_total, tiny_cases


def _example(folder: Path) -> tuple[Catalog, list[Request]]:
    catalog = Catalog.model_validate_json((folder / "catalog.json").read_text())
    raw = json.loads((folder / "requests.json").read_text())
    return catalog, [Request.model_validate(r) for r in raw["requests"]]


@pytest.fixture(scope="module")
def example(spec_examples: Path) -> tuple[Catalog, list[Request]]:
    """The spec's example catalog and its three requests."""
    return _example(spec_examples)


def test_example_requests_are_served_and_verify(example: tuple[Catalog, list[Request]]) -> None:
    """Each example request gets a served quote that the independent checker accepts."""
    catalog, requests = example
    for request in requests:
        result = quote(catalog, request, time_limit=10)
        assert result.served, result.reasons
        assert check_quote(catalog, request, result) == []
        assert [t.name for t in result.tiers] == [t.name for t in request.tiers]


def test_same_input_same_quote(example: tuple[Catalog, list[Request]]) -> None:
    """Two runs with the same input and seed give the same quote, timings aside."""
    catalog, requests = example
    first = quote(catalog, requests[0], seed=3)
    second = quote(catalog, requests[0], seed=3)
    assert first.solver.deterministic and second.solver.deterministic

    def strip(q: Quote) -> dict[str, object]:
        data = q.model_dump(mode="json")
        data["solver"]["wall_time_s"] = 0
        return data

    assert strip(first) == strip(second)


def test_value_only_reaches_proven_optimum(example: tuple[Catalog, list[Request]]) -> None:
    """With value as the only term, an optimal quote's total equals its stage bound."""
    catalog, requests = example
    result = quote(catalog, requests[2], objective=QuoteObjective(order=("value",)))
    assert result.status == Status.OPTIMAL
    stage = result.solver.stages[0]
    assert stage.objective == stage.bound == result.total


def test_spread_uses_more_producers() -> None:
    """With spread on, a 500-parcel order buys from more producers than with it off."""
    catalog = karawang_catalog()
    request = Request(
        id="REQ-SPREAD",
        company="PT Uji Sebaran",
        tiers=(Tier(name="staff", parcels=500, budget=250_000),),
        rules=Rules(categories={"beverage": (1, 2)}),
    )
    without = quote(catalog, request, objective=QuoteObjective(order=("value",)))
    with_spread = quote(catalog, request, objective=QuoteObjective(order=("value", "spread")))
    assert with_spread.total >= 0.99 * without.total
    assert len(with_spread.producers) > len(without.producers)


@settings(max_examples=30)
@given(tiny_cases())
def test_tiny_quotes_match_brute_force(case: tuple[Catalog, Request]) -> None:
    """On tiny cases the quote verifies, its value matches brute force, infeasible is true."""
    catalog, request = case
    result = quote(catalog, request, objective=QuoteObjective(order=("value",)), time_limit=5)
    best = best_total(catalog, request)
    if best is None:
        assert result.status == Status.INFEASIBLE
        assert result.reasons
    else:
        assert result.status == Status.OPTIMAL, result.reasons
        assert result.total == best
        assert check_quote(catalog, request, result) == []
