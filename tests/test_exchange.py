"""Exchange moves (`parcelkit.solve.exchange`): the quick leximin round's plan changes."""

from __future__ import annotations

import time
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from parcelkit.models import Catalog, Request
from parcelkit.solve.exchange import Book, _within_share, exchange, fits, shelf_of
from parcelkit.solve.leximin import Fairness, fairness_rows, producer_levels
from parcelkit.solve.parcel import add_composition
from parcelkit.solve.season import _assemble
from parcelkit.solve.season_start import begin
from parcelkit.solve.season_state import Answer, Season, answer_revenue
from parcelkit.verify import check_plan
from tests.strategies import catalogs, request_for, requests_for
from tests.test_plan import _bare_season, _catalog, _product, _request

FAR = 3600.0  # a deadline no test meets


def _model_allows(season: Season, package: str, quantities: dict[str, int]) -> bool:
    """Whether the parcel model (`add_composition`) accepts exactly this parcel."""
    spec = season.tiers[0].spec
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "p")
    for box, chosen in composition.packaging.items():
        model.add(chosen == int(box == package))
    for sku, qty in composition.qty.items():
        model.add(qty == quantities.get(sku, 0))
    if any(sku not in composition.qty for sku in quantities):
        return False
    solver = cp_model.CpSolver()
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fits_says_what_the_parcel_model_says(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(max_producers=3, max_products=8, max_packaging=2))
    request = data.draw(request_for(catalog))
    season = _bare_season(catalog, [request])
    spec = season.tiers[0].spec
    if not spec.packaging or not spec.products:
        return
    package = data.draw(st.sampled_from([p.id for p in spec.packaging]))
    skus = [p.sku for p in spec.products]
    quantities = {
        sku: qty
        for sku in data.draw(st.lists(st.sampled_from(skus), unique=True, max_size=5))
        if (qty := data.draw(st.integers(1, spec.max_same[sku] + 1))) > 0
    }
    allowed = fits(season, 0, shelf_of(season, 0), package, quantities)
    assert allowed == _model_allows(season, package, quantities)


def _start(catalog: Catalog, requests: list[Request]) -> tuple[Season, Fairness, Answer, object]:
    season = _bare_season(catalog, requests)
    start = begin(season)
    fair = fairness_rows("maxmin_share", start.reach)
    return season, fair, start.answer, start


def _sorted_levels(season: Season, answer: Answer, fair: Fairness) -> list[int]:
    return sorted(producer_levels(season, answer, fair).values())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_exchange_keeps_every_rule_and_never_worsens_the_leximin_order(
    data: st.DataObject,
) -> None:
    catalog = data.draw(catalogs(max_producers=4, max_products=12, max_packaging=2))
    requests = list(data.draw(requests_for(catalog, max_size=6)))
    season, fair, answer, start = _start(catalog, requests)
    if not fair.weights:
        return
    revenue = answer_revenue(season, answer)
    total = sum(revenue.values())
    if total and data.draw(st.booleans()):
        # a cap the start meets with a little room: moves must not break it
        season.max_share = Fraction(max(revenue.values()), total) + Fraction(1, 100)
    changed, _, clock = exchange(season, answer, fair, 1.0, time.monotonic() + FAR)
    assert not clock
    assert changed.served == answer.served
    assert _sorted_levels(season, changed, fair) >= _sorted_levels(season, answer, fair)
    result = _assemble(season, requests, (), start.reach, changed, (), start.greedy)  # type: ignore[attr-defined]
    assert check_plan(catalog, requests, result, max_share=season.max_share) == []


def _one_rich_producer() -> tuple[Catalog, list[Request]]:
    """Greedy fills every parcel with three of A's goods; B's cost Rp1.000 less, and B has
    stock for 80 parcels."""
    products = [_product("A1", "P-A", 31_000), _product("B1", "P-B", 30_000, stock=80)]
    return _catalog(products), [_request("R1", 100, 100_000, max_same_product=3)]


def test_the_lowest_producer_is_raised_to_what_its_stock_allows() -> None:
    catalog, requests = _one_rich_producer()
    season, fair, answer, start = _start(catalog, requests)
    before = producer_levels(season, answer, fair)
    assert before["P-B"] == 0
    changed, used, _ = exchange(season, answer, fair, 1.0, time.monotonic() + FAR)
    after = producer_levels(season, changed, fair)
    assert after["P-B"] == 80 * 30_000  # all of B's stock sold
    assert after["P-A"] >= after["P-B"]  # the one who gave stays above
    assert 0 < used <= 1.0
    result = _assemble(season, requests, (), start.reach, changed, (), start.greedy)
    assert check_plan(catalog, requests, result) == []


def test_exchange_stops_at_its_work_and_is_the_same_every_time() -> None:
    catalog, requests = _one_rich_producer()
    season, fair, answer, _ = _start(catalog, requests)
    nothing, used, _ = exchange(season, answer, fair, 0.0, time.monotonic() + FAR)
    assert nothing == answer and used == 0
    first = exchange(season, answer, fair, 1.0, time.monotonic() + FAR)
    second = exchange(season, answer, fair, 1.0, time.monotonic() + FAR)
    assert first == second


def test_a_past_deadline_stops_the_moves_and_says_so() -> None:
    catalog, requests = _one_rich_producer()
    season, fair, answer, _ = _start(catalog, requests)
    same, _, clock = exchange(season, answer, fair, 1.0, time.monotonic() - 1)
    assert clock and same == answer


def test_min_order_is_met_or_the_sku_is_not_used() -> None:
    """B's goods sell 150 at least or none: one in each of 100 parcels is too few."""
    products = [
        _product("A1", "P-A", 31_000),
        _product("B1", "P-B", 30_000, stock=300, min_order=150),
    ]
    catalog, requests = _catalog(products), [_request("R1", 100, 100_000, max_same_product=3)]
    season, fair, answer, start = _start(catalog, requests)
    changed, _, _ = exchange(season, answer, fair, 1.0, time.monotonic() + FAR)
    result = _assemble(season, requests, (), start.reach, changed, (), start.greedy)
    assert check_plan(catalog, requests, result) == []
    sold = {row.producer_id: row.revenue for row in result.producers}
    assert sold["P-B"] == 0 or sold["P-B"] >= 150 * 20_000


def test_a_move_that_lowers_the_total_may_not_lift_the_top_producer_over_max_share() -> None:
    """A at 60 of 100 under a cap of 0.6: C giving 10 for B's 5 leaves A at 60 of 95."""
    catalog, requests = _one_rich_producer()
    season, fair, _, _ = _start(catalog, requests)
    season.max_share = Fraction(3, 5)
    book = Book(season, fair, {}, {}, {"P-A": 60, "P-B": 30, "P-C": 10}, {})
    assert not _within_share(book, {"P-C": -10, "P-B": 5}, 1)
    assert _within_share(book, {"P-B": 5}, 1)  # the total grows: A at 60 of 105
    assert not _within_share(book, {"P-B": 50}, 2)  # B at 130 of 200
