"""The season planner: every plan verifies, and the policies move the answer the right way."""

from __future__ import annotations

import math
import time
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import (
    Catalog,
    Packaging,
    Producer,
    Product,
    Quote,
    Request,
    Rules,
    SeasonPlan,
    Status,
    Tier,
)
from parcelkit.solve.greedy import greedy_season
from parcelkit.solve.season import Progress, plan
from parcelkit.solve.season_state import Season
from parcelkit.verify import check_plan
from tests.strategies import catalogs, requests_for

QUICK = 3.0


def _units(plan_: SeasonPlan) -> Counter[str]:
    used: Counter[str] = Counter()
    for quote in plan_.quotes:
        for tier in quote.tiers:
            for variant in tier.variants:
                used[variant.packaging] += variant.parcels
                for item in variant.items:
                    used[item.sku] += item.qty * variant.parcels
    return used


def _stock(catalog: Catalog) -> dict[str, int]:
    stock = {p.sku: p.stock for p in catalog.products}
    stock.update({p.id: p.stock for p in catalog.packaging})
    return stock


def _revenue(plan_: SeasonPlan) -> dict[str, int]:
    return {row.producer_id: row.revenue for row in plan_.producers}


def _parcels(plan_: SeasonPlan) -> int:
    return sum(t.parcels for q in plan_.quotes for t in q.tiers)


# --------------------------------------------------------------------------- small worlds


def _product(sku: str, producer: str, price: int, **extra: object) -> Product:
    fields: dict[str, object] = {
        "sku": sku,
        "producer_id": producer,
        "name": f"Produk {sku}",
        "category": "kue",
        "price": price,
        "stock": 1_000,
        "halal": True,
        "weight_g": 200,
        "volume_ml": 300,
        "shelf_life_days": 180,
    }
    fields.update(extra)
    return Product.model_validate(fields)


def _catalog(products: list[Product], box_stock: int = 10_000) -> Catalog:
    producers = sorted({p.producer_id for p in products})
    return Catalog(
        season="Lebaran 2027",
        producers=tuple(
            Producer(id=pid, name=f"UMKM {pid}", district="Klari") for pid in producers
        ),
        products=tuple(products),
        packaging=(
            Packaging(
                id="BOX",
                name="Kardus",
                price=5_000,
                capacity_ml=10_000,
                max_weight_g=10_000,
                stock=box_stock,
            ),
        ),
    )


def _request(rid: str, parcels: int, budget: int, **rules: object) -> Request:
    return Request(
        id=rid,
        company=f"PT {rid}",
        tiers=(Tier(name="staff", parcels=parcels, budget=budget),),
        rules=Rules.model_validate(
            {"min_items": 3, "max_items": 6, "min_budget_use": "0.8", **rules}
        ),
    )


def _shared_world() -> tuple[Catalog, list[Request]]:
    """Four producers; two of them cheap enough to fill every parcel on their own."""
    products = [
        _product("A1", "P-A", 20_000),
        _product("B1", "P-B", 20_000),
        _product("C1", "P-C", 21_000, stock=400),
        _product("D1", "P-D", 19_000, stock=400),
    ]
    requests = [_request(f"R{i}", 100, 90_000, max_same_product=3) for i in range(1, 5)]
    return _catalog(products), requests


def _bare_season(catalog: Catalog, requests: list[Request]) -> Season:
    """The planner's state for ``requests`` at the catalog's stock, 60 s, maxmin_share."""
    return Season(
        catalog=catalog,
        requests=requests,
        left={p.sku: p.stock for p in catalog.products}
        | {p.id: p.stock for p in catalog.packaging},
        ordered={},
        policy="maxmin_share",
        max_share=None,
        time_limit=60.0,
        seed=0,
        workers=1,
        progress=None,
    )


# --------------------------------------------------------------------------- properties


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_small_season_plan_verifies(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(max_producers=4, max_products=12, max_packaging=2))
    requests = data.draw(requests_for(catalog, max_size=6))
    result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    mentioned = [q.request_id for q in result.quotes] + [u.request_id for u in result.unserved]
    assert sorted(mentioned) == sorted(r.id for r in requests)
    stock = _stock(catalog)
    assert all(units <= stock[key] for key, units in _units(result).items())
    assert all(u.reason.strip() for u in result.unserved)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)


def test_sample_season_serves_at_least_greedy_and_verifies() -> None:
    catalog, requests = karawang_catalog(), karawang_requests()
    seen: list[Progress] = []
    result = plan(catalog, requests, time_limit=20.0, progress=seen.append)
    assert check_plan(catalog, requests, result) == []
    greedy = greedy_season(catalog, requests)
    served_by_greedy = {c.request_id for c in greedy if c.served}
    greedy_parcels = sum(
        sum(t.parcels for t in r.tiers) for r in requests if r.id in served_by_greedy
    )
    assert _parcels(result) >= greedy_parcels
    names = [s.name for s in result.solver.stages]
    assert names[0] == "serve" and "fairness" in names and names[-1] == "value"
    for stage in result.solver.stages:
        if stage.objective is not None:
            assert stage.bound is not None and stage.bound >= stage.objective - 1e-6
    assert {p.phase for p in seen} >= {"serve", "value"}
    ineligible = {i.producer_id for i in result.fairness.ineligible}
    assert ineligible, "the sample has non-halal food producers nobody may buy from"
    assert all(_revenue(result)[pid] == 0 for pid in ineligible)


# --------------------------------------------------------------------------- policies


def test_maxmin_share_raises_the_smallest_revenue() -> None:
    catalog, requests = _shared_world()
    fair = plan(catalog, requests, policy="maxmin_share", time_limit=QUICK)
    plain = plan(catalog, requests, policy="none", time_limit=QUICK)
    assert _parcels(fair) == _parcels(plain) == 400
    assert min(_revenue(fair).values()) > min(_revenue(plain).values())
    assert fair.fairness.gini <= plain.fairness.gini


def test_proportional_uses_reachable_and_verifies() -> None:
    catalog, requests = _shared_world()
    result = plan(catalog, requests, policy="proportional", time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert all(row.reachable >= row.revenue for row in result.producers)
    assert result.fairness.coverage == 1.0


def test_max_share_caps_the_largest_producer() -> None:
    catalog, requests = _shared_world()
    capped = plan(catalog, requests, policy="none", max_share=Decimal("0.3"), time_limit=QUICK)
    assert check_plan(catalog, requests, capped, max_share=Decimal("0.3")) == []
    assert capped.fairness.max_share <= 0.3 + 1e-9
    assert _parcels(capped) == 400


def test_a_producer_nobody_may_buy_from_is_ineligible_and_does_not_pin_the_minimum() -> None:
    catalog, requests = _shared_world()
    pork = _product("X1", "P-X", 20_000, halal=False)
    catalog = _catalog([*catalog.products, pork])
    halal = [
        r.model_copy(update={"rules": r.rules.model_copy(update={"halal_only": True})})
        for r in requests
    ]
    result = plan(catalog, halal, time_limit=QUICK)
    ineligible = {i.producer_id: i.reason for i in result.fairness.ineligible}
    assert "halal" in ineligible["P-X"]
    assert result.fairness.min_utilization > 0
    first = next(s for s in result.solver.stages if s.name == "fairness")
    assert first.objective is not None and first.objective > 0


def test_stock_tight_season_leaves_the_latest_request_unserved_with_a_reason() -> None:
    products = [_product("A1", "P-A", 20_000, stock=900), _product("B1", "P-B", 20_000, stock=900)]
    catalog = _catalog(products)
    requests = [_request(f"R{i}", 150, 90_000, max_same_product=3) for i in range(1, 5)]
    # each parcel needs at least 3 units (min_items); 1,800 units serve at most 600 parcels
    result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert _parcels(result) == 450
    assert [u.request_id for u in result.unserved] == ["R4"]
    reason = result.unserved[0].reason
    assert "A1" in reason or "B1" in reason or "stock" in reason


def test_a_request_that_cannot_be_served_while_others_can() -> None:
    catalog, requests = _shared_world()
    poor = _request("R-POOR", 50, 30_000)
    season = [requests[0], poor, requests[1]]
    result = plan(catalog, season, time_limit=QUICK)
    assert [u.request_id for u in result.unserved] == ["R-POOR"]
    assert {q.request_id for q in result.quotes} == {requests[0].id, requests[1].id}
    assert "Rp" in result.unserved[0].reason


def test_fixed_quotes_are_kept_exactly_and_their_stock_counted_first() -> None:
    catalog, requests = _shared_world()
    first = plan(catalog, requests[:1], policy="none", time_limit=QUICK)
    accepted: Quote = first.quotes[0]
    result = plan(catalog, requests, fixed=[accepted], time_limit=QUICK)
    assert check_plan(catalog, requests, result, fixed=[accepted]) == []
    kept = next(q for q in result.quotes if q.request_id == accepted.request_id)
    assert kept == accepted


def test_same_input_same_plan() -> None:
    catalog, requests = _shared_world()
    one = plan(catalog, requests, time_limit=30.0, seed=3)
    two = plan(catalog, requests, time_limit=30.0, seed=3)
    assert one.solver.deterministic and two.solver.deterministic
    assert _untimed(one) == _untimed(two)


def _untimed(plan_: SeasonPlan) -> dict[str, object]:
    """The plan as JSON without its timings: what two runs with the same input share."""
    data = plan_.model_dump(mode="json")
    data["solver"].pop("wall_time_s")
    for quote in data["quotes"]:
        quote["solver"].pop("wall_time_s")
    return data


def test_bad_options_are_refused() -> None:
    catalog, requests = _shared_world()
    with pytest.raises(ValueError, match="policy"):
        plan(catalog, requests, policy="fairest")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_share"):
        plan(catalog, requests, max_share=Decimal("1.5"))


def test_an_empty_season_is_a_valid_plan() -> None:
    catalog, _ = _shared_world()
    result = plan(catalog, [], time_limit=QUICK)
    assert result.quotes == () and result.unserved == ()
    assert check_plan(catalog, [], result) == []


def test_tradeoff_sweeps_the_floor_and_prices_it() -> None:
    from parcelkit import tradeoff

    catalog, requests = _shared_world()
    table = tradeoff(catalog, requests, points=3, time_limit=QUICK)
    assert list(table.columns[:4]) == ["floor", "floor_met", "served_parcels", "value"]
    assert len(table) == 3 and table["floor"].is_monotonic_increasing
    assert table.loc[0, "price_of_fairness"] == 0.0
    met = table[table["floor_met"]]
    assert (met["min_ratio"] >= met["floor"] - 1e-12).all()
    proven = table.dropna(subset=["value_bound"])
    assert (proven["value"] <= proven["value_bound"] + 1e-6).all()
    assert table["floor"].iloc[-1] > 0, "the top floor is what a proportional plan reached"


def test_tradeoff_floor_above_what_is_possible_is_reported_unmet() -> None:
    from parcelkit.solve.tradeoff import tradeoff_points

    catalog, requests = _shared_world()
    (point,) = tradeoff_points(catalog, requests, levels=[1.0], time_limit=QUICK)
    assert not point.floor_met


def test_accepted_quotes_that_oversell_the_stock_are_bad_input() -> None:
    from parcelkit.errors import ResultError

    catalog, requests = _shared_world()
    first = plan(catalog, requests[:1], policy="none", time_limit=QUICK)
    accepted = first.quotes[0]
    tight = catalog.model_copy(
        update={"packaging": (catalog.packaging[0].model_copy(update={"stock": 50}),)}
    )
    with pytest.raises(ResultError, match="more units than the stock"):
        plan(tight, requests, fixed=[accepted], time_limit=QUICK)


class _LeximinLP:
    """The part of the master LP a leximin step talks to, recording what it is told."""

    def __init__(self, blocked: list[str]) -> None:
        self._blocked = blocked
        self.fixed: dict[str, float] = {}
        self.held: float | None = None

    def blocked(self, caps: object) -> list[str]:
        return list(self._blocked)

    def fix_floor(self, producer: str, level: float) -> None:
        self.fixed[producer] = level

    def next_level(self, cap: float) -> None:
        pass

    def hold_level(self, level: float) -> None:
        self.held = level


def test_a_leximin_round_retires_who_the_lp_or_the_integer_plan_keeps_at_the_level() -> None:
    # The LP blocks only "a"; the integer plan could not lift "b" above the
    # level either, so "b" keeps it as its floor and only "c" goes on rising.
    from parcelkit.solve.leximin import Fairness, next_round

    fair = Fairness({"a": 1, "b": 1, "c": 1}, 1, {"a": 90, "b": 90, "c": 90}, {"a", "b", "c"})
    lp = _LeximinLP(blocked=["a"])
    next_round(lp, fair, 40, None, {"a": 40, "b": 40, "c": 55})  # type: ignore[arg-type]
    assert fair.active == {"c"}
    assert lp.fixed == {"a": 40.0, "b": 40.0}
    assert lp.held == 40.0
    assert fair.floors == {"a": 40, "b": 40, "c": 40}


def test_the_master_lp_stops_at_its_deadline() -> None:
    import time

    from parcelkit.solve.master import SeasonLP, TierRow

    def lp(deadline: float | None) -> SeasonLP:
        return SeasonLP(
            tiers=[TierRow(0, 10, 0)],
            request_parcels=[10],
            stock={"SKU": 5},
            owner={},
            fairness={},
            fairness_cap=0.0,
            max_share=None,
            producers=[],
            base={},
            deadline=deadline,
        )

    assert lp(None).solve() is not None
    assert lp(time.monotonic() + 60).solve() is not None
    assert lp(time.monotonic() - 1).solve() is None


def test_the_master_lp_counts_its_work_from_glop_iterations() -> None:
    """`SeasonLP.work` grows with each solve by its iterations (so the same LP, built
    twice, counts the same work), and a solve from an optimal basis adds nothing."""
    from parcelkit.solve import master
    from parcelkit.solve.master import SeasonLP, TierRow
    from parcelkit.solve.patterns import Pattern

    def solved_twice() -> tuple[float, float, int]:
        lp = SeasonLP(
            tiers=[TierRow(0, 10, 0), TierRow(1, 20, 0)],
            request_parcels=[10, 20],
            stock={"A": 25, "B": 30},
            owner={"A": "P1", "B": "P2"},
            fairness={},
            fairness_cap=0.0,
            max_share=None,
            producers=["P1", "P2"],
            base={},
        )
        for tier in (0, 1):
            for sku in ("A", "B"):
                pattern = Pattern("BOX", ((sku, 2),), 10_000, ((sku, 2),), (("P1", 10_000),))
                lp.add(tier, pattern)
        lp.set_stage("serve")
        assert lp.solve() is not None
        first = lp.work
        iterations = lp.solver.iterations()
        assert lp.solve() is not None
        return first, lp.work, iterations

    first, again, iterations = solved_twice()
    per_iteration = master.ITERATION_SECONDS + master.COLUMN_ITERATION_SECONDS * 4
    assert iterations > 0
    assert first == pytest.approx(iterations * per_iteration)
    assert again == first
    assert solved_twice() == (first, again, iterations)


def test_the_lift_objective_counts_each_producer_up_to_its_target() -> None:
    # One tier, one variant: three units of A's, or one of each producer's.
    # Max-min prefers the mixed parcel (10 x 10,000 each against 0), and so
    # does the lift at a target of 50,000 (3 x 50,000 against 50,000); a
    # plain revenue sum would not tell them apart.
    from fractions import Fraction

    from ortools.sat.python import cp_model

    from parcelkit.solve.patterns import Pattern
    from parcelkit.solve.season_model import SeasonModel, TierPlan

    catalog = _catalog([_product(s, f"P-{s[0]}", 10_000) for s in ("A1", "B1", "C1")])
    only_a = Pattern("BOX", (("A1", 3),), 35_000, (("A1", 3), ("BOX", 1)), (("P-A", 30_000),))
    mixed = Pattern(
        "BOX",
        (("A1", 1), ("B1", 1), ("C1", 1)),
        35_000,
        (("A1", 1), ("B1", 1), ("C1", 1), ("BOX", 1)),
        (("P-A", 10_000), ("P-B", 10_000), ("P-C", 10_000)),
    )
    producers = {"P-A": 1, "P-B": 1, "P-C": 1}
    model = SeasonModel(
        catalog=catalog,
        tiers=[TierPlan(0, 10, 1, Fraction(1, 10), (only_a, mixed))],
        request_parcels=[10],
        stock={"A1": 100, "B1": 100, "C1": 100, "BOX": 100},
        ordered={},
        owner={"A1": "P-A", "B1": "P-B", "C1": "P-C"},
        levels=producers,
        active=frozenset(producers),
        floors={},
        level_scale=1,
        max_share=None,
        base={},
    )
    result = model.run(model.lift(50_000), cp_model.CpSolver(), hold=False)
    assert result.objective == 150_000
    assert model.chosen() == [(0, [(mixed, 10)])]


def test_with_little_work_left_fairness_and_value_pricing_give_way_reproducibly() -> None:
    """When the work counted leaves less than the value stage's reserve, the
    leximin rounds and the value stage's column generation are left out: a
    decision from counted work, so the plan stays reproducible (it was the
    wall clock's at size L), and the value stage keeps a valid bound."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    catalog, requests = _shared_world()
    with (
        patch.object(season_module, "_work_left", lambda season: 0.0),
        patch.object(season_module, "_generate", wraps=season_module._generate) as generate,
    ):
        result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert result.solver.deterministic
    stages = {s.name: s for s in result.solver.stages}
    assert stages["fairness"].objective is None
    assert "fairness 2" not in stages
    assert [call.args[2] for call in generate.call_args_list] == ["serve"]
    every_budget = sum(t.parcels * t.budget for r in requests for t in r.tiers)
    assert stages["value"].bound == every_budget
    assert stages["value"].objective is not None
    assert stages["value"].objective <= every_budget


def test_a_value_stage_the_clock_left_no_time_records_the_plan_and_its_bound() -> None:
    """The deadline met after serving (size XL): the value stage still records the
    plan's value against every parcel at its budget, and the plan says the clock
    decided."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    original = season_module._search

    def late(season: Season, model: object, kind: str, *rest: object) -> object:
        found = original(season, model, kind, *rest)  # type: ignore[arg-type]
        if kind == "serve":
            season.deadline = time.monotonic() - 1.0
        return found

    catalog, requests = _shared_world()
    with patch.object(season_module, "_search", late):
        result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert not result.solver.deterministic
    stages = {s.name: s for s in result.solver.stages}
    assert stages["fairness"].objective is None
    every_budget = sum(t.parcels * t.budget for r in requests for t in r.tiers)
    parcels_value = sum(
        v.price * v.parcels for q in result.quotes for t in q.tiers for v in t.variants
    )
    assert stages["value"].objective == parcels_value
    assert stages["value"].bound == every_budget


def test_without_time_for_the_serve_search_the_rounded_plan_stands() -> None:
    """Too little left on the clock once the serve LP is rounded (size XL): no integer
    master is built for serving, the rounded plan is served and valid, and the plan
    says the clock decided."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    catalog, requests = _shared_world()
    with (
        patch.object(season_module, "SERVE_SEARCH_MIN_WALL", 10.0),
        patch.object(season_module, "_search", wraps=season_module._search) as search,
    ):
        result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert not result.solver.deterministic
    assert "serve" not in [call.args[2] for call in search.call_args_list]
    serve = result.solver.stages[0]
    assert serve.name == "serve" and serve.objective == _parcels(result)


def test_the_serve_search_leaves_the_value_search_its_share() -> None:
    """With plenty of work left the serve search gets its share; near the end, what
    the value search's share and the margin leave, and never less than its floor."""
    from parcelkit.solve import season as season_module

    season = _bare_season(*_shared_world())
    limit = season.time_limit
    share = season_module.STAGE_SHARE["serve"] * limit
    assert season_module._serve_search_work(season) == share
    kept = (season_module.STAGE_SHARE["value"] + season_module.END_MARGIN) * limit
    season.spent = season_module.WALL_SHARE * limit - kept - 2.0
    assert season_module._serve_search_work(season) == pytest.approx(2.0)
    season.spent = season_module.WALL_SHARE * limit - 1.0
    floor = season_module.MIN_SEARCH_SHARE * limit
    assert season_module._serve_search_work(season) == pytest.approx(floor)


def test_the_value_stage_keeps_its_arithmetic_bound_when_its_lp_fails() -> None:
    """An LP that fails or meets the deadline gives no bound (size XL's value stage):
    every parcel at its full budget still bounds the value."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    real = season_module._generate

    def failing(season: Season, lp: object, stage: str, *rest: object) -> tuple[None, int]:
        if stage == "value":
            return None, 0
        return real(season, lp, stage, *rest)  # type: ignore[arg-type]

    catalog, requests = _shared_world()
    with patch.object(season_module, "_generate", failing):
        result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    value = {s.name: s for s in result.solver.stages}["value"]
    every_budget = sum(t.parcels * t.budget for r in requests for t in r.tiers)
    assert value.bound == every_budget
    assert value.objective is not None and value.objective <= every_budget


def test_a_leximin_level_tried_again_is_one_record_holding_the_second_try() -> None:
    """A round that falls well short of its LP level is run once more for the same
    producers; the level keeps one record, the second try's, which is what the
    plan holds, and the later levels are numbered on from it."""
    from typing import Any
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    reached: list[int] = []
    real = season_module.next_round

    def short_first(lp: Any, fair: Any, level: int, bound: float | None, levels: Any) -> None:
        reached.append(level)
        if len(reached) == 1:
            bound = 10.0 * level + 10.0  # far above what the round reached: try again
        real(lp, fair, level, bound, levels)

    catalog, requests = _shared_world()
    with patch.object(season_module, "next_round", short_first):
        result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    names = [s.name for s in result.solver.stages]
    levels = [
        s
        for s in result.solver.stages
        if s.name.startswith("fair") and s.name != season_module.FILL_STAGE
    ]
    assert len(reached) >= 2
    assert len(names) == len(set(names))
    assert [s.name for s in levels] == ["fairness"] + [
        f"fairness {k + 2}" for k in range(len(levels) - 1)
    ]
    assert len(levels) == len(reached) - 1
    assert levels[0].objective == pytest.approx(reached[1])


def test_a_pricing_solve_counts_by_the_work_it_did() -> None:
    """A quick pricing solve counts as one; one that searched to its deterministic
    limit counts as several, so a stage of such solves ends by its counted budget
    before its wall cap (size M's value stage met the cap when each counted one)."""
    from parcelkit.models import Status
    from parcelkit.solve.patterns import Priced
    from parcelkit.solve.season import pricing_charge
    from parcelkit.solve.season_state import PRICING_WORK

    def charged(work: float) -> int:
        return pricing_charge(Priced(Status.OPTIMAL, None, None, 0.0, work))

    assert charged(0.0) == charged(0.001) == 1
    assert charged(PRICING_WORK) >= 3
    works = [0.0, 0.002, 0.004, 0.01, 0.02, PRICING_WORK]
    assert [charged(w) for w in works] == sorted(charged(w) for w in works)


def test_the_value_stage_prices_with_a_share_of_the_work_left() -> None:
    """When the stages before it leave much counted work, the value stage's column
    generation may use a quarter of it, beyond its fixed share of the limit; the
    pool is read from counted work, never from the clock."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module

    catalog, requests = _shared_world()
    fixed = season_module.PRICING_SHARE["value"] * QUICK / season_module.PRICING_SOLVE_SECONDS
    for left, pool in ((0.0, fixed), (1_000.0, 250.0 / season_module.PRICING_SOLVE_SECONDS)):
        with (
            patch.object(season_module, "_work_left", lambda season, left=left: left),
            patch.object(season_module, "VALUE_RESERVE", 0.0),
            patch.object(season_module, "_generate", wraps=season_module._generate) as generate,
        ):
            plan(catalog, requests, time_limit=QUICK)
        value = [call.args[3] for call in generate.call_args_list if call.args[2] == "value"]
        assert value == [int(pool)]


def test_pricing_past_its_wall_cap_marks_the_plan_not_reproducible() -> None:
    """Column generation flags the wall clock only when it cut pricing short, not
    when it converged or its counted budget ended it."""
    import time as clock

    from parcelkit.solve import season as season_module
    from parcelkit.solve.leximin import fairness_rows
    from parcelkit.solve.season_start import begin, seed_pools

    catalog, requests = _shared_world()

    def value_stage(wall_cap: float, solves: int = 1_000) -> bool:
        season = _bare_season(catalog, requests)
        begun = begin(season)
        seed_pools(season)
        lp = season_module.master_lp(season, fairness_rows("maxmin_share", begun.reach))
        lp.set_stage("value")
        season_module._generate(season, lp, "value", solves, wall_cap)
        assert season.spent > 0
        return season.wall_stopped

    assert not value_stage(clock.monotonic() + 60)
    assert not value_stage(clock.monotonic() - 1, solves=0)
    assert value_stage(clock.monotonic() - 1)


def test_a_rounded_fill_short_of_stock_is_repaired_from_the_pool() -> None:
    """`_fitting` keeps a tier's rounded fill when it fits the stock left, takes a
    pool pattern of which every parcel fits when it does not, and gives up when
    nothing fits."""
    from parcelkit.solve.season_start import _fitting, seed_pools
    from parcelkit.solve.season_state import usage

    catalog, requests = _shared_world()
    season = _bare_season(catalog, requests)
    seed_pools(season)
    (t,) = season.tiers_of[0]
    parcels = season.tiers[t].parcels
    pool = list(season.pool[t].values())
    assert len(pool) >= 2
    rounded = {t: ((pool[0], parcels),)}
    plenty = dict(season.left)
    assert _fitting(season, 0, rounded, plenty) == rounded
    # one unit short of a sku the second pattern uses less of: that one must do
    short = dict(plenty)
    sku = next(k for k, qty in pool[0].items if dict(pool[1].items).get(k, 0) < qty)
    short[sku] = usage([rounded[t]])[sku] - 1
    repaired = _fitting(season, 0, rounded, short)
    assert repaired and repaired[t] != rounded[t]
    assert all(units <= short[key] for key, units in usage(repaired.values()).items())
    assert sum(n for _, n in repaired[t]) == parcels
    assert _fitting(season, 0, rounded, dict.fromkeys(plenty, 0)) == {}


def test_a_request_with_no_valid_parcel_is_proven_unservable_and_leaves_the_serve_bound() -> None:
    """A tier whose cheapest valid parcel costs more than its budget has no pattern,
    which CP-SAT proves: its request leaves the serve stage's cap, and pricing skips
    its class. A tier merely without a pattern in its pool is not taken for one."""
    import math

    from parcelkit.solve.leximin import capped, fairness_rows, servable_parcels
    from parcelkit.solve.season_start import begin, prove_unservable, seed_pools

    catalog, requests = _shared_world()
    # three items of at least Rp19.000 and a Rp5.000 box do not fit in Rp50.000
    requests = [*requests, _request("R-LOW", 50, 50_000)]
    season = _bare_season(catalog, requests)
    begun = begin(season)
    seed_pools(season)
    assert season.unservable == {4}
    assert season.empty_classes == {season.class_of[season.tiers_of[4][0]]}
    assert servable_parcels(season) == 400
    fair = fairness_rows("maxmin_share", begun.reach)
    assert capped(season, fair, "serve", math.inf) == 400.0
    assert capped(season, fair, "value", math.inf) == 400.0 * 90_000
    # no LP bound (it failed or met the deadline): serving and value keep their caps
    assert capped(season, fair, "serve", None) == 400.0
    assert capped(season, fair, "value", None) == 400.0 * 90_000
    assert capped(season, fair, "fairness", None) is None
    # pools emptied by hand are no proof: CP-SAT finds the class's valid parcels
    for t in range(4):
        season.pool[t].clear()
    season.empty_classes.clear()
    prove_unservable(season)
    assert season.unservable == {4}
    result = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, result) == []
    assert [u.request_id for u in result.unserved] == ["R-LOW"]
    serve = result.solver.stages[0]
    assert serve.name == "serve" and serve.objective == 400 and serve.bound == 400


def test_greedy_pricing_fills_a_request_served_in_part_from_the_stock_the_lp_leaves() -> None:
    """The second greedy pass gets, for the requests the LP serves only in part,
    the stock its solution leaves unused (`SeasonLP.unused`), not the whole stock."""
    from unittest.mock import patch

    from parcelkit.solve import season as season_module
    from parcelkit.solve.leximin import fairness_rows
    from parcelkit.solve.season_start import begin, seed_pools

    catalog, requests = _shared_world()
    # C1 and D1 have 400 units each; with 500 boxes only five requests of 100 fit
    requests = [*requests, _request("R5", 100, 90_000, max_same_product=3)]
    catalog = _catalog(list(catalog.products), box_stock=450)
    season = _bare_season(catalog, requests)
    begun = begin(season)
    seed_pools(season)
    lp = season_module.master_lp(season, fairness_rows("maxmin_share", begun.reach))
    lp.set_stage("serve")
    duals = lp.solve()
    assert duals is not None
    unused = lp.unused()
    used = sum(n * dict(c.pattern.uses).get("BOX", 0) for c, n in lp.counts())
    assert unused["BOX"] == 450 - round(used)
    assert all(0 <= unused[k] <= season.left[k] for k in season.left)
    partly = [r for r, share in enumerate(lp.last_served) if share < 1 - 1e-6]
    assert partly
    calls: list[tuple[list[str], dict[str, int]]] = []
    original = season_module.alone

    def spy(season_: object, asked: list[Request], stock: dict[str, int]) -> list[object]:
        calls.append(([r.id for r in asked], dict(stock)))
        return original(season_, asked, stock)  # type: ignore[arg-type]

    weights = {cls: {} for cls in set(season.class_of)}
    with patch.object(season_module, "alone", side_effect=spy):
        season_module._greedy_round(season, lp, duals, weights, wall_cap=math.inf)
    assert len(calls) == 2
    asked, stock = calls[1]
    assert asked == [requests[r].id for r in partly if requests[r].id in calls[0][0]]
    assert stock == {key: min(units, unused[key]) for key, units in calls[0][1].items()}
    assert stock != calls[0][1]
