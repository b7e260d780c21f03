"""The fill round of the season's fairness stage (`parcelkit.solve.fill`)."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcelkit.models import Catalog, Request, SeasonPlan
from parcelkit.solve import season as season_module
from parcelkit.solve.fill import (
    broken_tiers,
    fill_bound,
    fill_box,
    fill_value,
    round_toward_lp,
    water_level,
    within_rules,
)
from parcelkit.solve.leximin import Fairness
from parcelkit.solve.master import SeasonLP, TierRow
from parcelkit.solve.patterns import Pattern
from parcelkit.solve.season import plan
from parcelkit.solve.season_state import WALL_SHARE, Answer, Policy, usage
from parcelkit.verify import check_plan
from tests.strategies import catalogs, requests_for
from tests.test_plan import (
    _bare_season,
    _catalog,
    _parcels,
    _product,
    _request,
    _revenue,
    _untimed,
)

QUICK = 3.0

# --------------------------------------------------------------------------- the target


def test_water_level_shares_the_total_evenly_below_every_cap() -> None:
    caps = {"a": 100.0, "b": 100.0, "c": 100.0}
    assert water_level(caps, dict.fromkeys(caps, 1.0), 150.0) == pytest.approx(50.0)


def test_water_level_gives_a_capped_producer_its_cap_and_the_rest_more() -> None:
    # "a" can take 10 at most; the 80 left are shared by "b" and "c".
    caps = {"a": 10.0, "b": 100.0, "c": 100.0}
    assert water_level(caps, dict.fromkeys(caps, 1.0), 90.0) == pytest.approx(40.0)


def test_water_level_when_the_caps_cannot_hold_the_total_is_every_cap() -> None:
    caps = {"a": 10.0, "b": 30.0}
    assert water_level(caps, dict.fromkeys(caps, 1.0), 100.0) == 30.0
    assert water_level({}, {}, 100.0) == 0.0


def test_water_level_in_proportional_units() -> None:
    # Levels per million of reachable: a level of 250,000 pays a quarter of each reach.
    reach = {"a": 400.0, "b": 800.0}
    per_level = {j: r / 1_000_000 for j, r in reach.items()}
    assert water_level(reach, per_level, 300.0) == pytest.approx(250_000.0)


@settings(max_examples=60, deadline=None)
@given(
    caps=st.lists(st.integers(0, 1_000_000), min_size=1, max_size=12),
    share=st.floats(0.0, 1.5),
)
def test_water_level_pays_out_the_total_when_the_caps_allow(caps: list[int], share: float) -> None:
    named = {f"p{i}": float(c) for i, c in enumerate(caps)}
    per_level = dict.fromkeys(named, 1.0)
    total = share * sum(named.values())
    level = water_level(named, per_level, total)
    paid = sum(min(c, level) for c in named.values())
    if total <= sum(named.values()):
        assert paid == pytest.approx(total, rel=1e-9, abs=1e-3)
    else:
        assert level == max(named.values())


def test_fill_box_runs_from_each_floor_to_the_target_or_the_reach() -> None:
    fair = Fairness({"a": 1, "b": 1}, 1, {"a": 30, "b": 500}, set(), floors={"a": 20, "b": 40})
    assert fill_box(fair, 100) == {"a": (20.0, 30.0), "b": (40.0, 100.0)}
    assert fill_value({"a": 25, "b": 160}, 100) == 125
    assert fill_bound(fair, 100, None) == 130.0
    assert fill_bound(fair, 100, 120.5) == 120.5


# --------------------------------------------------------------------------- the LP


def _two_producer_lp() -> SeasonLP:
    """One tier of 10 parcels; a parcel pays producer A or producer B 10,000."""
    lp = SeasonLP(
        tiers=[TierRow(0, 10, 0)],
        request_parcels=[10],
        stock={"A": 100, "B": 4},
        owner={"A": "PA", "B": "PB"},
        fairness={"PA": 1.0, "PB": 1.0},
        fairness_cap=1e9,
        max_share=None,
        producers=["PA", "PB"],
        base={},
    )
    for sku, producer in (("A", "PA"), ("B", "PB")):
        lp.add(0, Pattern("BOX", ((sku, 1),), 12_000, ((sku, 1),), ((producer, 10_000),)))
    return lp


def test_the_fill_lp_raises_each_level_to_its_box_and_its_bound_holds() -> None:
    lp = _two_producer_lp()
    lp.hold_served(10.0)
    lp.set_fill({"PA": (0.0, 30_000.0), "PB": (20_000.0, 60_000.0)})
    lp.set_stage("fill")
    duals = lp.solve()
    assert duals is not None
    # B's stock pays it 40,000 at most; A's six parcels pay 60,000, counted up to 30,000.
    assert duals.objective == pytest.approx(70_000.0)
    assert lp.fill_value() == pytest.approx(70_000.0)
    # Every pattern is in the LP: the Lagrangian bound from the best pattern's
    # gain at these duals is the LP optimum itself (it counts each z_j's box).
    gains = duals.weights({"A": 10_000, "B": 10_000})
    best = max(gains["A"], gains["B"])
    assert duals.bound([best]) == pytest.approx(duals.objective)


def test_a_rebuilt_fill_lp_keeps_its_boxes() -> None:
    lp = _two_producer_lp()
    lp.set_fill({"PA": (0.0, 30_000.0), "PB": (0.0, 30_000.0)})
    lp.set_stage("fill")
    lp._rebuild()
    assert lp.solve() is not None
    assert lp.fill_value() == pytest.approx(60_000.0)


# --------------------------------------------------------------------------- the start


def _world() -> tuple[Catalog, list[Request]]:
    """A's goods are the dearest and fill a parcel best; D has little stock."""
    products = [
        _product("A1", "P-A", 29_000),
        _product("B1", "P-B", 17_000),
        _product("C1", "P-C", 15_000),
        _product("D1", "P-D", 10_000, stock=60),
    ]
    return _catalog(products), [
        _request(f"R{i}", 100, 95_000, max_same_product=3) for i in range(1, 4)
    ]


def test_round_toward_lp_moves_parcels_off_what_oversells() -> None:
    catalog, requests = _world()
    season = _bare_season(catalog, requests[:1])
    season.left["B1"] = 150
    only_b = Pattern("BOX", (("B1", 3),), 56_000, (("B1", 3), ("BOX", 1)), (("P-B", 51_000),))
    only_c = Pattern("BOX", (("C1", 3),), 52_000, (("C1", 3), ("BOX", 1)), (("P-C", 45_000),))

    class _LP:
        def counts(self) -> list[tuple[object, float]]:
            column = type("Column", (), {})
            first, second = column(), column()
            first.tier, first.pattern = 0, only_b  # type: ignore[attr-defined]
            second.tier, second.pattern = 0, only_c  # type: ignore[attr-defined]
            return [(first, 70.0), (second, 30.0)]

    start = Answer((0,), {0: ((only_c, 100),)})
    rounded = round_toward_lp(season, _LP(), start)  # type: ignore[arg-type]
    fill = dict(rounded.fills[0])
    assert sum(fill.values()) == 100
    assert usage(rounded.fills.values())["B1"] <= 150  # 70 parcels of three would be 210
    assert fill[only_b] == 50


def _only_a_and_mixed() -> tuple[Pattern, Pattern]:
    """Two parcels of `_world`: three of A's goods, or one of A's with B's and C's."""
    only_a = Pattern("BOX", (("A1", 3),), 92_000, (("A1", 3), ("BOX", 1)), (("P-A", 87_000),))
    mixed = Pattern(
        "BOX",
        (("A1", 1), ("B1", 2), ("C1", 2)),
        98_000,
        (("A1", 1), ("B1", 2), ("C1", 2), ("BOX", 1)),
        (("P-A", 29_000), ("P-B", 34_000), ("P-C", 30_000)),
    )
    return only_a, mixed


def test_within_rules_puts_tiers_back_until_stock_min_order_and_floors_hold() -> None:
    """Whatever the rounded LP proposes, the start handed back keeps every rule."""
    catalog, requests = _world()
    season = _bare_season(catalog, requests)
    season.left["A1"] = 500
    only_a, mixed = _only_a_and_mixed()
    fair = Fairness(
        {"P-A": 1, "P-B": 1, "P-C": 1, "P-D": 1},
        1,
        dict.fromkeys(("P-A", "P-B", "P-C", "P-D"), 10**8),
        set(),
        floors={"P-A": 8_000_000},
    )
    plan_ = Answer((0, 1), {0: ((only_a, 100),), 1: ((mixed, 100),)})
    # Both tiers mixed leave A 5.8 million, below its floor: one goes back.
    start = Answer((0, 1), {0: ((mixed, 100),), 1: ((mixed, 100),)})
    kept = within_rules(season, start, plan_, fair)
    assert kept.fills == plan_.fills
    # Three tiers of only A's parcels would take 900 of A's 500 units: two go back.
    plan_ = Answer((0, 1, 2), {0: ((mixed, 100),), 1: ((mixed, 100),), 2: ((only_a, 100),)})
    start = Answer((0, 1, 2), {t: ((only_a, 100),) for t in range(3)})
    kept = within_rules(season, start, plan_, fair)
    assert all(units <= season.left[k] for k, units in usage(kept.fills.values()).items())
    assert sum(dict(f).get(only_a, 0) for f in kept.fills.values()) == 100
    # B's min_order is met by two mixed tiers (400 units), not by one (200).
    catalog_b = catalog.model_copy(
        update={
            "products": tuple(
                p.model_copy(update={"min_order": 300}) if p.sku == "B1" else p
                for p in catalog.products
            )
        }
    )
    season.catalog = catalog_b
    plan_ = Answer((0, 1, 2), {0: ((only_a, 100),), 1: ((mixed, 100),), 2: ((mixed, 100),)})
    start = Answer((0, 1, 2), {0: ((only_a, 100),), 1: ((only_a, 100),), 2: ((mixed, 100),)})
    kept = within_rules(season, start, plan_, fair)
    assert kept.fills == plan_.fills


def test_broken_tiers_are_those_touching_a_broken_rule() -> None:
    """Oversold keys free the tiers using them; a producer below its floor frees
    the tiers that paid it before or now; a start within every rule frees none."""
    catalog, requests = _world()
    season = _bare_season(catalog, requests)
    only_a, mixed = _only_a_and_mixed()
    only_b = Pattern("BOX", (("B1", 3),), 56_000, (("B1", 3), ("BOX", 1)), (("P-B", 51_000),))
    producers = ("P-A", "P-B", "P-C", "P-D")
    fair = Fairness(dict.fromkeys(producers, 1), 1, dict.fromkeys(producers, 10**8), set())
    plan_ = Answer((0, 1, 2), {0: ((mixed, 100),), 1: ((mixed, 100),), 2: ((only_b, 100),)})
    assert broken_tiers(season, plan_, plan_, fair) == set()
    # A has 500 units: two tiers of only A's parcels take 600 with the third's 100 more
    season.left["A1"] = 500
    start = Answer((0, 1, 2), {0: ((only_a, 100),), 1: ((only_a, 100),), 2: ((only_b, 100),)})
    assert broken_tiers(season, start, plan_, fair) == {0, 1}
    # enough A, but C kept at a floor only the mixed parcels pay
    season.left["A1"] = 1_000
    fair.floors = {"P-C": 5_000_000}
    assert broken_tiers(season, start, plan_, fair) == {0, 1}
    fair.floors = {"P-B": 1_000_000}
    assert broken_tiers(season, start, plan_, fair) == set()


def test_search_near_holds_what_it_is_told_and_repairs_the_rest() -> None:
    """With one tier held at its start, the neighbourhood search moves only the
    other to keep the stock; held where no plan fits, it finds none."""
    from fractions import Fraction

    from ortools.sat.python import cp_model

    from parcelkit.solve.season_model import SeasonModel, TierPlan

    catalog, _ = _world()
    only_a, mixed = _only_a_and_mixed()
    producers = {"P-A": 1, "P-B": 1, "P-C": 1}
    model = SeasonModel(
        catalog=catalog,
        tiers=[TierPlan(r, 100, 1, Fraction(1, 10), (only_a, mixed)) for r in range(2)],
        request_parcels=[100, 100],
        stock={"A1": 400, "B1": 1_000, "C1": 1_000, "BOX": 1_000},
        ordered={},
        owner={"A1": "P-A", "B1": "P-B", "C1": "P-C"},
        levels=producers,
        active=frozenset(),
        floors={},
        level_scale=1,
        max_share=None,
        base={},
    )
    held = {model.served[0].index: 1, model.served[1].index: 1}
    held |= {model.counts[0][0].index: 100, model.counts[0][1].index: 0}
    found = model.search_near(model.value(), cp_model.CpSolver(), held)
    assert found is not None
    assert found[model.counts[0][0].index] == 100  # held: 300 of A's 400 units
    assert found[model.counts[1][1].index] == 100  # only the mixed parcel fits the 100 left
    held[model.counts[0][0].index], held[model.counts[0][1].index] = 0, 100
    held |= {model.counts[1][0].index: 100, model.counts[1][1].index: 0}
    assert model.search_near(model.value(), cp_model.CpSolver(), held) is not None
    held[model.counts[0][0].index], held[model.counts[0][1].index] = 100, 0
    assert model.search_near(model.value(), cp_model.CpSolver(), held) is None  # 600 > 400


# --------------------------------------------------------------------------- in a plan


def test_the_fill_round_evens_out_what_one_leximin_level_leaves() -> None:
    """With one leximin level, the value stage alone pours A's dear goods into
    every parcel it can; the fill round first brings B and C up to A's level."""
    catalog, requests = _world()
    with patch.object(season_module, "LEXIMIN_ROUNDS", 1):
        filled = plan(catalog, requests, time_limit=QUICK)
        with patch.object(season_module, "_fill_round", lambda season, lp, best, *_: (best, None)):
            plain = plan(catalog, requests, time_limit=QUICK)
    for result in (filled, plain):
        assert check_plan(catalog, requests, result) == []
    assert filled.fairness.gini < plain.fairness.gini - 0.1
    revenue = _revenue(filled)
    assert min(revenue["P-B"], revenue["P-C"]) > min(_revenue(plain)[j] for j in ("P-B", "P-C"))
    names = [s.name for s in filled.solver.stages]
    assert names == ["serve", "fairness", season_module.FILL_STAGE, "value"]
    stage = filled.solver.stages[2]
    assert stage.objective is not None and stage.bound is not None
    assert stage.objective <= stage.bound


def test_no_fill_round_without_a_fairness_policy_or_under_a_floor() -> None:
    catalog, requests = _world()
    plain = plan(catalog, requests, policy="none", time_limit=QUICK)
    assert season_module.FILL_STAGE not in [s.name for s in plain.solver.stages]


# --------------------------------------------------------------------------- the quick round


def _starved(catalog: Catalog, requests: list[Request], quick: bool) -> SeasonPlan:
    """A plan whose value reserve leaves no whole leximin round (as on size L at 60 s)."""
    with patch.object(season_module, "VALUE_RESERVE", WALL_SHARE):
        if quick:
            return plan(catalog, requests, time_limit=QUICK)
        with patch.object(season_module, "_quick_work", lambda season: 0.0):
            return plan(catalog, requests, time_limit=QUICK)


def test_a_quick_round_lifts_the_lowest_when_no_whole_round_fits() -> None:
    """With the value reserve taking every whole round, the quick round still raises
    the least-paid producers (serving held), records a fairness stage with the
    arithmetic bound, and the value stage only records the plan's value."""
    catalog, requests = _world()
    lifted = _starved(catalog, requests, quick=True)
    plain = _starved(catalog, requests, quick=False)
    for result in (lifted, plain):
        assert check_plan(catalog, requests, result) == []
    assert [s.name for s in lifted.solver.stages] == ["serve", "fairness", "value"]
    assert plain.solver.stages[1].objective is None  # no round ran
    assert _parcels(lifted) == _parcels(plain)
    low = sorted(_revenue(lifted).values())
    assert low > sorted(_revenue(plain).values())  # leximin: better
    fairness = lifted.solver.stages[1]
    assert fairness.objective == low[0]
    reach = {row.producer_id: row.reachable for row in lifted.producers if row.reachable > 0}
    assert fairness.bound == min(reach.values())
    value = lifted.solver.stages[2]
    parcels_value = sum(
        v.price * v.parcels for q in lifted.quotes for t in q.tiers for v in t.variants
    )
    assert value.objective == parcels_value
    assert value.bound is not None and value.bound >= parcels_value
    again = _starved(catalog, requests, quick=True)
    assert lifted.solver.deterministic and again.solver.deterministic
    assert _untimed(again) == _untimed(lifted)


def test_a_quick_round_the_clock_cuts_short_still_runs_and_says_so() -> None:
    """When the clock leaves less than the work counted allows, the quick round runs
    with what the clock leaves, and the plan says the clock decided."""
    catalog, requests = _world()
    with patch.object(season_module, "_quick_room", lambda season: 0.05):
        cut = _starved(catalog, requests, quick=True)
    assert check_plan(catalog, requests, cut) == []
    assert not cut.solver.deterministic
    fairness = cut.solver.stages[1]
    assert fairness.name == "fairness" and fairness.objective is not None
    with patch.object(season_module, "_quick_room", lambda season: 0.0):
        none = _starved(catalog, requests, quick=True)
    assert not none.solver.deterministic
    assert none.solver.stages[1].objective is None


def test_a_round_whose_search_leaves_a_producer_unpaid_is_unstuck_by_exchange_moves() -> None:
    """A max-min search that finds nothing leaves greedy's plan, where one producer sells
    everything; the exchange moves after it pay every producer, and the record says so."""
    from parcelkit.models import Status
    from parcelkit.solve.season_model import StageResult

    original = season_module._search

    def stuck(season: object, model: object, kind: str, *rest: object) -> object:
        if kind == "fairness":
            return StageResult(Status.UNKNOWN, None, None, False), 0.0, 0.0
        return original(season, model, kind, *rest)  # type: ignore[arg-type]

    catalog, requests = _world()
    with patch.object(season_module, "_search", stuck):
        unstuck = plan(catalog, requests, time_limit=QUICK)
        with patch.object(season_module, "_unstick", lambda season, best, fair: best):
            left = plan(catalog, requests, time_limit=QUICK)
    assert check_plan(catalog, requests, unstuck) == []
    assert min(_revenue(left).values()) == 0
    assert min(_revenue(unstuck).values()) > 0
    first = unstuck.solver.stages[1]
    assert first.name == "fairness" and first.objective == min(_revenue(unstuck).values())
    assert unstuck.solver.deterministic


def test_a_first_round_with_little_room_of_its_own_gives_way_to_the_quick_round() -> None:
    """Beyond the value stage's reserve a whole first round needs FIRST_ROUND_MIN_SHARE of
    the limit as work; with less the quick round runs (size L under proportional)."""
    catalog, requests = _world()
    reserve = season_module.VALUE_RESERVE * QUICK
    room = season_module.FIRST_ROUND_MIN_SHARE * QUICK
    rounds = []
    for left in (reserve + room / 2, reserve + 2 * room):
        with (
            patch.object(season_module, "_work_left", lambda season, left=left: left),
            patch.object(
                season_module, "_quick_round", wraps=season_module._quick_round
            ) as quick_round,
        ):
            result = plan(catalog, requests, time_limit=QUICK)
        assert check_plan(catalog, requests, result) == []
        rounds.append((result, quick_round.call_count))
    (quick, quick_calls), (whole, whole_calls) = rounds
    assert quick_calls == 1 and whole_calls == 0
    assert [s.name for s in quick.solver.stages] == ["serve", "fairness", "value"]
    assert quick.solver.stages[1].bound == min(
        row.reachable for row in quick.producers if row.reachable > 0
    )
    assert whole.solver.stages[1].name == "fairness"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), policy=st.sampled_from(["maxmin_share", "proportional"]))
def test_every_small_season_plan_with_a_quick_round_verifies(
    data: st.DataObject, policy: Policy
) -> None:
    catalog = data.draw(catalogs(max_producers=4, max_products=12, max_packaging=2))
    requests = list(data.draw(requests_for(catalog, max_size=6)))
    with patch.object(season_module, "VALUE_RESERVE", WALL_SHARE):
        result = plan(catalog, requests, time_limit=QUICK, policy=policy)
    assert check_plan(catalog, requests, result) == []
