"""A season plan: every request at once, shared stock, revenue spread fairly.

How `plan` works (DESIGN.md, "Solving: what scales"):

1. The greedy planner (`parcelkit.solve.greedy`) gives a first valid plan; its
   parcels are the first patterns (columns) and the hint of every stage, so the
   answer never serves fewer parcels than greedy (`parcelkit.solve.season_start`;
   the planner's state is in `parcelkit.solve.season_state`).
2. Stages, in FORMAT.md's priority order: **serve** (parcels served, then
   earlier requests), **fairness** (leximin rounds on the policy's level F,
   `parcelkit.solve.leximin`, then the fill round, `parcelkit.solve.fill`),
   **value** (the rupiah of all parcels, i.e. the companies' budget use). Each stage first
   grows the master LP by column generation (`parcelkit.solve.master`): the
   LP's optimum over all patterns, or its Lagrangian bound while pricing has
   not converged, is the stage's proven bound. Then CP-SAT solves the integer
   master over the patterns found (`parcelkit.solve.season_model`), starting
   from the last stage's plan, and the reached objective is held for the next
   stage.
3. The plan is assembled (`parcelkit.solve.season_answer`) and checked by
   `parcelkit.verify.check_plan` before it is returned.

Fairness levels: ``maxmin_share`` maximizes F with every eligible producer's
revenue >= F; ``proportional`` the same on revenue / reachable (F per
million). The first round is leximin's first level; after each round the
producers that cannot go higher keep the level reached as a floor and the
next round raises the others, up to `LEXIMIN_ROUNDS` rounds, while the work
counted leaves the fill round and the value stage their reserves. The fill
round then raises every eligible producer at once toward one level (each level
counted up to it, summed), and the value stage holds what it reached (README,
"How a season is planned"). When no whole first round fits (Karawang scale:
serving takes the time), a quick round of exchange moves
(`parcelkit.solve.exchange`) takes its place (`_quick_round`).

Reproducibility: all work is counted in deterministic units (CP-SAT
deterministic time, GLOP, a fixed number of pricing rounds); ``time_limit`` is
a wall-clock cap, and ``solver.deterministic`` is false when it is what
stopped a stage. Decisions between stages (whether a leximin round starts)
read the work counted so far (`Season.spent`), not the clock.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from ortools.sat.python import cp_model

from parcelkit.errors import Problem, ResultError, SolverError
from parcelkit.models import (
    Catalog,
    Ineligible,
    Quote,
    Request,
    SeasonPlan,
    SolverInfo,
    Stage,
    Status,
    Unserved,
)
from parcelkit.solve.diagnose import precheck
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.exchange import exchange
from parcelkit.solve.fill import (
    broken_tiers,
    fill_bound,
    fill_box,
    fill_target,
    fill_value,
    levels_of,
    round_toward_lp,
    within_rules,
)
from parcelkit.solve.greedy import SeasonChoice
from parcelkit.solve.leximin import (
    Fairness,
    capped,
    cover,
    fairness_rows,
    hold_floor,
    next_round,
    paying_patterns,
    producer_levels,
    repair_patterns,
    servable_parcels,
    short_producers,
)
from parcelkit.solve.master import Duals, SeasonLP, TierRow
from parcelkit.solve.patterns import Pattern, Priced, price_pattern, weight_bound
from parcelkit.solve.reach import ineligible_reason
from parcelkit.solve.season_answer import fairness, producer_table, season_quote
from parcelkit.solve.season_model import SeasonModel, StageResult, TierPlan, serve_weights
from parcelkit.solve.season_start import alone, begin, offer_rounded, round_lp, seed_pools
from parcelkit.solve.season_state import (
    PRICING_WORK,
    WALL_SHARE,
    Answer,
    Policy,
    Progress,
    ProgressCallback,
    Season,
    SpecCache,
    keys_of,
)
from parcelkit.solve.stages import hint_values, parameters
from parcelkit.verify import check_plan

log = logging.getLogger(__name__)

POLICIES: Final[tuple[Policy, ...]] = ("maxmin_share", "proportional", "none")

SOLVER_NAME = "parcelkit season (column generation + CP-SAT)"

STAGE_SHARE: Final = {"serve": 0.1, "fairness": 0.2, "value": 0.08}
"""Share of ``time_limit`` each integer stage gets as CP-SAT deterministic time.

Serve had 0.15; with 0.1 its integer search on size L took 6.4 s instead of
15.5 s, time its column generation (which decides what L serves) now has.
Fairness had 0.12: with the serve stage serving more on size M its first round
found Rp25.898.000 against an LP level of Rp49.290.000; with 0.2, Rp47.272.500
(measured, 60 s)."""
SERVE_SEARCH_MIN_WALL: Final = 0.05
"""Share of ``time_limit`` that must be left on the clock once the serve LP is rounded for
the serve stage's integer master to be built and searched; with less the rounded plan
stands. Size XL at 600 s: the LP was rounded at 544 s, past the stages' deadline; the
master's build and a 0.17 s search then took 3 s more and found nothing."""
END_MARGIN: Final = 0.05
"""Share of ``time_limit`` of counted work the serve search leaves unspent after the value
search's share: the wall clock runs a few seconds either side of the work counted
(size L: the value stage started 3.6 s behind it in one run, 0.7 s ahead in another)."""
MIN_SEARCH_SHARE: Final = 0.02
"""The least work the serve search gets, as a share of ``time_limit``: enough to complete
its hint on size L (1.6 s at 60 s) and search a little."""
QUICK_MIN_SHARE: Final = 0.005
"""Least work, as a share of ``time_limit``, for which a quick first leximin round runs
when a whole one does not fit (`_quick_round`)."""
QUICK_SHARE: Final = 0.1
"""Most work a quick round gets, as a share of ``time_limit``. On size L at 60 s the
least revenue reached its bound with 1 s of it counted; more raises the levels above
(eligible producers' gini 0.458 with 1 s, 0.438 with 3 s, 0.432 with 6 s, the 0.6, 1.8
and 3.7 s on the clock)."""
FIRST_ROUND_MIN_SHARE: Final = 0.1
"""Least work, as a share of ``time_limit``, a whole first leximin round needs beyond the
value stage's reserve; with less the quick round runs instead. On size L under
``proportional`` at 60 s a whole round started with 0.3 s of work beyond the reserve:
its column generation met its wall cap, and three runs gave three plans (least level
0, 14,904 and 29,861 per million of `reachable`)."""
UNSTICK_SHARE: Final = 0.03
"""Work, as a share of ``time_limit``, of the exchange moves after a leximin round left an
active producer paid nothing (`_unstick`)."""
QUICK_WALL_PER_WORK: Final = 1.5
"""Wall seconds per second of work counted a quick round may take (size L: 0.6)."""
PRICING_SHARE: Final = {"serve": 0.75, "fairness": 0.25, "value": 0.1}
"""Share of ``time_limit`` each stage's column generation gets as deterministic time.

Serve had 0.15: size L's LP then stopped at 233,893 parcels after five rounds
(converged it is 291,455) and the plan served 247,955; with 0.5 and
`SERVE_PRICING_WALL` it reaches 278,086 and the plan serves 278,770 (measured,
60 s). Size M's LP now converges (88,710, round 17, 6.6 s). Since the LP's own
solves count against this budget (`SeasonLP.work`), serve has 0.65: on L the
budget ends its column generation after 20 rounds at 40 s, LP 284,017, and the
plan serves 283,910 (2026-12-02). With 0.75 (and `SERVE_PRICING_WALL` 0.85) the
plan serves 286,815 instead of 284,355, 1.59 % below its bound instead of 2.44 %,
and the value stage still runs (Rp72.40 instead of Rp71.70 billion), in 52 s,
reproducible in two runs; 0.8 met the wall cap and served 286,755 (2026-12-07)."""
PRICING_SOLVE_SECONDS: Final = 0.015
"""Wall seconds one pricing solve takes, about (measured 12 ms on the sample's tiers)."""
PRICING_BUILD_SECONDS: Final = 0.006
"""Wall seconds a pricing solve takes besides CP-SAT's search (building its model)."""
WALL_PER_WORK: Final = 3.2
"""Wall seconds per deterministic second of CP-SAT's search in a pricing solve.

With `PRICING_BUILD_SECONDS`, fitted on size M at 60 s (2026-12-04): serve's
solves 0.8 ms of deterministic time and 8 ms on the clock, fairness's 1.3 and
13 ms, value's 11 and 41 ms. Counted as one `PRICING_SOLVE_SECONDS` each, the
value stage's 400 solves would have taken 16 s; its wall cap (about 10 s) cut
it after 246 to 308 of them, and the plan was not reproducible (`pricing_charge`)."""
SEARCH_GAP: Final = 0.001
"""The integer master's search stops within this of its own bound over the patterns.

Its bound is over the patterns offered, not over all parcels, so the last
0.1 % there is not worth the time. (0.5 % saved 12 s on size L but cost the
sample 0.46 % of its parcels: measured.)
"""
VALUE_SEARCH_GAP: Final = 0.0
"""`SEARCH_GAP` for the value stage, the last: nothing comes after it to spend the
time on, so it searches until proven or out of work. With 0.001 size S's value
search stopped after 0.12 s at Rp3.658.070.500, 0.09 % below its own bound; now
it proves Rp3.661.364.000 in 2 s (M: Rp22.455.576.000 -> Rp22.463.724.500 with
1e-5, its work spent; measured 2026-12-02)."""
FIRST_LEVEL_GAP: Final = 0.0
"""`SEARCH_GAP` for the first leximin round: the smallest revenue comes first in the
policy's order, so its search goes on until proven or out of work. With 0.001
size M's first level stopped at Rp49.257.000 against the LP's Rp49.290.000
(which HiGHS reached); exact, it proves Rp49.290.000 in 1.4 s instead of 1.1 s.
The sample's first level rises Rp20.385.000 -> Rp20.400.000 and its second,
held below that, falls Rp23.964.500 -> Rp23.030.000 (gini 0.329 -> 0.336):
better in the leximin order, worse by gini. Size S: the same plan (2026-12-07)."""
FIRST_ROUND_SHARE: Final = 0.6
"""Share of the fairness stage's pricing and search the first leximin round may use."""
GREEDY_REQUEST_SECONDS: Final = 0.0004
"""Wall seconds greedy takes for one request alone, about: the serve stage's pricing
rounds measured 0.30 ms a request on sizes L and M at 60 s, 0.23 to 0.37 ms on L's
seeds 0 to 2, in the machine's fast state (2026-12-07, once a category's minimum stopped
working out min_items' room for every product tried). It was 0.8 ms from a measured
0.7 ms before that; with 0.4 ms size L's serve stage gets more rounds where its LP has
not converged (seed 1: 276,180 -> 285,325 parcels served; seed 2: 288,155 -> 289,660;
seed 0 the same 290,090), and M's fill round more work (gini 0.309 -> 0.294). Earlier
still it was 2 ms, before the filling loops' fast limit (`greedy._Fill.fits`)."""
PRICING_ROUNDS: Final = 12
"""Most column generation rounds per stage (each prices the promising tier classes once)."""
SERVE_PRICING_ROUNDS: Final = 40
"""Most rounds in the serve stage, whose LP still rises after 12 on sizes M and L (its
rounds are cheap there: greedy pricing on the duals; the budget and the wall cap end it)."""
LEXIMIN_ROUNDS: Final = 6
"""Leximin rounds: raise the smallest level, fix who is blocked there, raise the rest..."""
PATTERNS_PER_TIER: Final = 4
"""Patterns a tier offers the serve stage's integer master beyond the plan's and the LP's."""
GAIN_EPSILON: Final = 1e-6
LIFT_SHARE: Final = 0.5
"""Share of a leximin round's search kept for lifting the low producers (`SeasonModel.lift`)
and searching again, when the plan it starts from pays several of them nothing and the
max-min search alone stays at 0 (measured: at L, a dozen producers at 0 and a first
level of 0 without it, Rp2.546.000 with it; run before the max-min search, it left
S's first level at Rp6.785.000 against Rp7.050.500, and M's final smallest revenue at
Rp27.0 million against Rp47.3 million)."""
MANY_ROUNDS_TIERS: Final = 1_000
"""Fairness column generation runs many short rounds up to this many tiers, one broad above.

Short rounds follow the moving duals and reach the LP's level (size M, 608
tiers: converged in 11 rounds, 4 s); at Karawang scale (L, 1,916 tiers) each
LP solve takes 1.5 to 3 s: twelve rounds took 22 s, still short of converging,
and left the round's integer search 1.6 s (measured)."""
SERVE_PRICING_WALL: Final = 0.85
"""The serve stage's column generation stops once this share of ``time_limit`` has
passed (a wall-clock cap; its deterministic budget is `PRICING_SHARE`).

Serving comes first, and on size L the plan serves what the rounded LP serves:
with 0.4 its LP stopped at 265,909 parcels and the plan served 267,225; with
0.65 the budget ends it at 278,086 and the plan serves 278,770 (measured, 60 s;
the value stage then has no time left there). Sizes S and M converge long before.
With its LP solves counted in the budget (`PRICING_SHARE`), 0.75 leaves that
budget to end it on this development machine (L: at 40 s); 0.85 does the same
for the budget of 0.75."""
SERVED_EPSILON: Final = 1e-6
"""A request the LP serves less than 1 - this of is served in part (greedy pricing)."""
GREEDY_CHUNK: Final = 500
"""Requests greedy pricing fills between two looks at the clock (size XL: about 10 s)."""
VALUE_RESERVE: Final = 0.25
"""Share of ``time_limit`` kept for the value stage: later leximin rounds give way to it.

Read against the work counted (`Season.spent`, `_work_left`), so that the same
rounds run on every run; with less than this left the value stage also leaves
out its column generation.

The value stage also serves more: on size M the serve stage ends at 87,715
parcels, and a value stage with its time lifted that to 88,550 (0.48 % from
the bound); in a benchmark run where, with 0.18 kept, the leximin rounds left
it less, it ended at 87,890 (1.2 %)."""
VALUE_SLACK_SHARE: Final = 0.25
"""Share of the work still counted as left that the value stage's column generation
may use when that is more than its `PRICING_SHARE` (the stages before it ended
early: small seasons). Read from counted work, so the plan stays reproducible."""
FILL_STAGE: Final = "fairness fill"
"""The stage record of the fill round (`parcelkit.solve.fill`), after the leximin levels."""
FILL_MIN_SHARE: Final = 0.1
"""Share of ``time_limit`` of counted work, beyond the value stage's search, the fill
round needs to run at all."""
FILL_PRICING_SHARE: Final = 0.35
"""Share of ``time_limit`` the fill round's column generation may use (as counted work).

Size M (608 tiers) uses what it leaves at 60 s: three rounds, the LP's fill
Rp15.7 -> 18.5 billion (measured at 2b34b1f; an earlier version of the round
with 0.15 stopped after one round at Rp16.9 billion). Size S converges within
it (Rp3.34 billion, every producer at its target or its reachable)."""
FILL_SEARCH_SHARE: Final = 0.1
"""Share of ``time_limit`` the fill round's integer search gets as deterministic time."""
FILL_NEAR_SHARE: Final = 0.5
"""Part of the fill round's search that goes to repairing its start on the tiers that
break a rule, the others held (`SeasonModel.search_near`)."""
FILL_PRICING_PART: Final = 0.7
"""When less than both shares is left, the part of it that goes to column generation."""
MIN_PRICED_PER_ROUND: Final = 20
"""Fewest tier classes a column generation round prices (the most promising first)."""


def plan(
    catalog: Catalog,
    requests: Sequence[Request],
    *,
    policy: Policy = "maxmin_share",
    max_share: Decimal | float | None = None,
    fixed: Sequence[Quote] = (),
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    fairness_floor: float | None = None,
) -> SeasonPlan:
    """Plan a season (FORMAT.md, ``parcelkit.plan/1``).

    Parameters
    ----------
    catalog, requests
        The season: ``requests`` in arrival order.
    policy
        ``maxmin_share``, ``proportional`` or ``none`` (FORMAT.md, "Plan").
    max_share
        No producer above this share of all producer revenue.
    fixed
        Quotes companies accepted: kept exactly, their stock taken first.
    time_limit
        Wall-clock cap in seconds; the work itself is counted deterministically.
    progress
        Called with a `Progress` after each round of every phase.
    fairness_floor
        A floor instead of the policy's fairness stage: after serving, one
        ``proportional`` round raises the smallest revenue / reachable, and the
        value stage keeps every eligible producer at this floor (0..1), or at
        what the round reached when that is less. `parcelkit.tradeoff` sweeps
        it to price fairness.

    Notes
    -----
    Ctrl-C (KeyboardInterrupt) during the search ends it: the best plan found
    so far is verified and returned, with status ``feasible``.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    share = _share(max_share)
    if fairness_floor is not None and not 0 <= fairness_floor <= 1:
        raise ValueError(f"fairness_floor must be in [0, 1], not {fairness_floor}")
    started = time.monotonic()
    fixed_by_id = {q.request_id: q for q in fixed}
    known = {r.id for r in requests}
    for quote in fixed:
        if quote.request_id not in known:
            raise ValueError(f"fixed quote {quote.request_id!r} is not one of the requests")
        if not quote.served:
            raise ValueError(f"fixed quote {quote.request_id!r} is not a served quote")
    left, ordered = _after_fixed(catalog, fixed)
    season = Season(
        catalog=catalog,
        requests=[r for r in requests if r.id not in fixed_by_id],
        left=left,
        ordered=ordered,
        policy=policy,
        max_share=share,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        progress=progress,
        floor=fairness_floor,
        base=_fixed_revenue(fixed),
        started=started,
    )
    begun = begin(season)
    reach, greedy, best = begun.reach, begun.greedy, begun.answer
    stages: list[Stage] = []
    seed_pools(season)
    season.report("patterns", float(best.parcels(season)), None)
    season.best = best
    try:
        best = _solve(season, reach, best, stages)
    except KeyboardInterrupt:
        log.warning("interrupted: returning the best plan found so far")
        season.wall_stopped = True
        best = season.best or best
    result = _assemble(season, requests, fixed, reach, best, stages, greedy)
    violations = check_plan(catalog, requests, result, fixed=fixed, max_share=share)
    if violations:
        listed = "\n".join(f"  - {v}" for v in violations[:20])
        raise SolverError(f"the season plan does not verify:\n{listed}")
    return result


def _share(max_share: Decimal | float | None) -> Fraction | None:
    if max_share is None:
        return None
    value = Fraction(str(max_share)) if isinstance(max_share, float) else Fraction(max_share)
    if not 0 < value <= 1:
        raise ValueError(f"max_share must be in (0, 1], not {max_share}")
    return value


def _after_fixed(catalog: Catalog, fixed: Sequence[Quote]) -> tuple[dict[str, int], dict[str, int]]:
    """Stock left once the fixed quotes take theirs, and the sku units they ordered.

    Accepted quotes that together take more than the stock are bad input
    (`ResultError`, one problem per sku or packaging), not a plan to repair.
    """
    left = available_stock(catalog, None)
    ordered: dict[str, int] = {}
    for quote in fixed:
        for tier in quote.tiers:
            for variant in tier.variants:
                left[variant.packaging] = left.get(variant.packaging, 0) - variant.parcels
                for item in variant.items:
                    units = item.qty * variant.parcels
                    left[item.sku] = left.get(item.sku, 0) - units
                    ordered[item.sku] = ordered.get(item.sku, 0) + units
    over = [
        Problem(
            message=f"the accepted quotes together take {-units} more units than the stock",
            field="fixed",
            value=key,
        )
        for key, units in sorted(left.items())
        if units < 0
    ]
    if over:
        raise ResultError(problems=over)
    return left, ordered


def _fixed_revenue(quotes: Sequence[Quote]) -> dict[str, int]:
    revenue: dict[str, int] = {}
    for quote in quotes:
        for entry in quote.producers:
            revenue[entry.producer_id] = revenue.get(entry.producer_id, 0) + entry.revenue
    return revenue


# --------------------------------------------------------------------------- solving


def master_lp(season: Season, fair: Fairness) -> SeasonLP:
    """The season's master LP with its fairness rows and every pattern in the pools."""
    lp = SeasonLP(
        tiers=[TierRow(ref.request, ref.parcels, ref.spec.fees) for ref in season.tiers],
        request_parcels=[sum(t.parcels for t in r.tiers) for r in season.requests],
        stock=dict(season.left),
        owner=season.owner,
        fairness={pid: weight / fair.scale for pid, weight in fair.weights.items()},
        fairness_cap=fair.cap(),
        max_share=season.max_share,
        producers=[p.id for p in season.catalog.producers],
        base=season.base,
        deadline=season.deadline,
    )
    for t, patterns in enumerate(season.pool):
        for pattern in patterns.values():
            lp.add(t, pattern)
    return lp


def _solve(season: Season, reach: Mapping[str, int], best: Answer, stages: list[Stage]) -> Answer:
    """Serve, fairness (leximin rounds, the fill round), value; ``stages`` receives each
    record as it ends.

    Each leximin level is one record, "fairness", "fairness 2" and so on, and
    the fill round one more, `FILL_STAGE`. A
    round whose integer plan stays well below its LP level is tried again
    once (`next_round`); the second try's record replaces the first's, since
    the plan holds what the second reached for that level.
    """
    fair = fairness_rows(season.policy, reach)
    if season.floor is not None:
        fair = fairness_rows("proportional", reach)
    lp = master_lp(season, fair)
    rounds = (1 if season.floor is not None else LEXIMIN_ROUNDS) if fair.active else 0
    steps = ["serve"] + ["fairness"] * rounds + ["value"]
    served_hold: int | None = None
    pricing_left = PRICING_SHARE["fairness"] * season.time_limit / PRICING_SOLVE_SECONDS
    fairness_work = STAGE_SHARE["fairness"] * season.time_limit
    done = 0  # fairness rounds run
    retry: int | None = None  # the record of the level the next round tries again
    fill_hold: FillHold | None = None
    quick_ran = False  # a quick round took the value search's share
    fills = bool(fair.weights) and season.floor is None
    fill_time = (FILL_PRICING_SHARE + FILL_SEARCH_SHARE) * season.time_limit if fills else 0.0
    for kind in steps:
        if kind == "fairness" and not fair.active:
            continue
        if kind == "value" and fills and not quick_ran:
            best, fill_hold = _fill_round(season, lp, best, fair, served_hold, stages)
        name = kind
        if kind == "fairness":
            levels = sum(1 for s in stages if s.name.startswith("fair"))
            name = stages[retry].name if retry is not None else _level_name(levels)
        value_time = VALUE_RESERVE * season.time_limit
        # the value stage, and after the first level the fill round, go before
        # more leximin rounds; a first round needs room of its own, or the quick
        # round runs instead
        room_of_its_own = FIRST_ROUND_MIN_SHARE * season.time_limit if season.floor is None else 0.0
        held = value_time + (fill_time if done else room_of_its_own)
        if kind == "fairness" and (
            _work_left(season) < held or season.deadline - time.monotonic() < value_time
        ):
            # when the clock decided rather than the work counted, the plan is not
            # reproducible
            season.wall_stopped |= _work_left(season) >= held
            first = name == "fairness" and retry is None
            quick = 0.0
            if first and done == 0 and season.floor is None:
                quick = _quick_work(season)
            room = _quick_room(season)
            if quick > room:
                season.wall_stopped = True  # the clock, not the work counted, limits it
                quick = room if room >= QUICK_MIN_SHARE * season.time_limit else 0.0
            if quick > 0:
                best = _quick_round(season, lp, best, fair, stages, quick)
                quick_ran = True
                done += 1
            elif first:
                stages.append(Stage(name=name))
            retry = None  # a level not tried again keeps its first record
            continue
        if kind == "value" and (quick_ran or time.monotonic() >= season.deadline):
            # the quick round took the value search's time (fairness comes first), or
            # the clock left none: a record, no search
            season.wall_stopped |= not quick_ran
            reached = _measure(season, best, kind, fair)
            bound = capped(season, fair, kind, math.inf)
            stages.append(_record(name, reached, bound))
            season.report(name, reached, bound)
            continue
        if time.monotonic() >= season.deadline:
            season.wall_stopped = True
            if retry is None or kind != "fairness":
                stages.append(Stage(name=name))
            retry = None
            continue
        log.debug(
            "%s: %.1f s of work counted, %.1f s on the clock", name, season.spent, season.elapsed()
        )
        lp.set_stage(kind)
        if kind == "fairness" and not stages[-1].name.startswith("fair"):
            covered = cover(season, lp, fair)
            pricing_left -= covered
            season.spent += covered * PRICING_SOLVE_SECONDS
        pool = PRICING_SHARE[kind] * season.time_limit / PRICING_SOLVE_SECONDS
        if kind == "fairness":
            # the first round starts the fairness columns from nothing: it gets
            # most of the pool; later rounds share the rest, and what is unused
            pool = pricing_left * FIRST_ROUND_SHARE if done == 0 else pricing_left / (rounds - done)
        if kind == "value":
            pool = max(pool, VALUE_SLACK_SHARE * _work_left(season) / PRICING_SOLVE_SECONDS)
        wall_cap = season.deadline
        if kind == "serve":
            wall_cap = season.started + SERVE_PRICING_WALL * season.time_limit
        else:
            # leave the integer search half of what the later stages do not need
            later = value_time if kind == "fairness" else 0.0
            wall_cap -= later + max(0.0, season.deadline - time.monotonic() - later) / 2
        if kind == "value" and _work_left(season) < value_time:
            # Less than the value stage's reserve is left (size L, 60 s): its
            # column generation would be one LP solve of several seconds whose
            # bound is looser than every parcel at its budget (measured), so the
            # search over the patterns found gets the time instead.
            found: float | None = math.inf
            used = 0
        else:
            found, used = _generate(season, lp, kind, int(pool), wall_cap)
        if kind == "fairness":
            pricing_left -= used
        bound = capped(season, fair, kind, found)
        if kind == "serve":
            # the LP rounded with and without repairing stock failures: the better one
            plain, repaired = round_lp(season, lp), round_lp(season, lp, repair=True)
            rounded, filled = (
                repaired if repaired[0].parcels(season) > plain[0].parcels(season) else plain
            )
            offer_rounded(season, lp, filled)
            if rounded.parcels(season) > best.parcels(season):
                best = season.best = rounded
            left = season.deadline - time.monotonic()
            log.debug("serve: rounded, %.1f s on the clock, %.1f s left", season.elapsed(), left)
            if left < SERVE_SEARCH_MIN_WALL * season.time_limit:
                # no time to build and search the integer master: the rounded plan
                # stands, and what is left goes to the stages after
                season.wall_stopped = True
                served_hold = _serve_hold(season, best)
                reached = _measure(season, best, kind, fair)
                stages.append(_record(name, reached, bound))
                season.report(name, reached, bound)
                lp.hold_served(float(best.parcels(season)))
                continue
        model = _model(season, lp, best, fair, kind)
        if served_hold is not None:
            model.model.add(_objective(model, "serve") >= served_hold)
        if fill_hold is not None:
            lifted = model.lift(fill_hold.target, fill_hold.producers)
            model.model.add(lifted >= fill_hold.reached)
        _hint(model, best)
        work = STAGE_SHARE[kind] * season.time_limit
        if kind == "serve":
            work = _serve_search_work(season)
        if kind == "fairness":
            work = (
                fairness_work * FIRST_ROUND_SHARE if done == 0 else fairness_work / (rounds - done)
            )
        target = int(lp.level_value()) if kind == "fairness" else 0
        unpaid = sum(1 for v in producer_levels(season, best, fair).values() if v == 0)
        gap = VALUE_SEARCH_GAP if kind == "value" else SEARCH_GAP
        if kind == "fairness" and done == 0:
            gap = FIRST_LEVEL_GAP
        result, searched, wall = _search(
            season, model, kind, work, gap, target if unpaid > 1 else 0
        )
        season.spent += searched
        if kind == "fairness":
            fairness_work -= searched
        log.debug(
            "%s: CP-SAT %s, objective %s, bound %s, %.2f s, %d patterns",
            name,
            result.status,
            result.objective,
            result.bound,
            wall,
            sum(len(t.patterns) for t in model.tiers),
        )
        season.wall_stopped |= result.wall_clock_stopped
        if result.objective is not None:
            best = season.best = _answer_of(model)
        if kind == "serve":
            served_hold = _serve_hold(season, best)
        reached = _measure(season, best, kind, fair)
        if kind == "fairness" and reached == 0 and season.floor is None:
            best = _unstick(season, best, fair)
            reached = _measure(season, best, kind, fair)
        if retry is not None and kind == "fairness":
            stages[retry], retry = _record(name, reached, bound), None
        else:
            stages.append(_record(name, reached, bound))
        season.report(name, reached, bound)
        if kind == "serve":
            lp.hold_served(float(best.parcels(season)))
        elif kind == "fairness" and season.floor is not None:
            hold_floor(lp, fair, season.floor, int(reached))
        elif kind == "fairness":
            next_round(lp, fair, int(reached), bound, producer_levels(season, best, fair))
            if fair.retried:
                retry = len(stages) - 1
        done += kind == "fairness"
    return best


@dataclass(frozen=True)
class FillHold:
    """What the fill round reached, held by the value stage: the sum over
    ``producers`` of each level counted up to ``target`` stays at least ``reached``."""

    target: int
    producers: tuple[str, ...]
    reached: int


def _fill_round(
    season: Season,
    lp: SeasonLP,
    best: Answer,
    fair: Fairness,
    served_hold: int | None,
    stages: list[Stage],
) -> tuple[Answer, FillHold | None]:
    """The fill round (`parcelkit.solve.fill`): every eligible producer toward one level.

    It runs only while the work counted leaves the value stage's integer
    search its share and the round `FILL_MIN_SHARE` of the time limit (size
    L at 60 s: not); the value stage's column generation gives way to it
    (size M at 60 s: with the whole value reserve kept, the fill's column
    generation stopped after two rounds, LP Rp17.5 billion, gini 0.343;
    without, three rounds, LP Rp18.5 billion, gini 0.295, measured). Its
    column generation and search get what is left of `FILL_PRICING_SHARE`
    and `FILL_SEARCH_SHARE`. The integer master starts from the fill LP's
    rounded fills (`round_toward_lp`), and when CP-SAT finds no plan from
    there within its work, from them put back within every rule
    (`within_rules`); a plan no better than ``best`` is not kept, so the
    round never lowers the fill. Returns the plan and what the value stage
    must hold.
    """
    value_time = VALUE_RESERVE * season.time_limit
    value_search = STAGE_SHARE["value"] * season.time_limit
    room = _work_left(season) - value_search
    if room < FILL_MIN_SHARE * season.time_limit or season.deadline - time.monotonic() < value_time:
        season.wall_stopped |= room >= FILL_MIN_SHARE * season.time_limit
        return best, None
    pricing = min(FILL_PRICING_SHARE * season.time_limit, room * FILL_PRICING_PART)
    work = min(FILL_SEARCH_SHARE * season.time_limit, room * (1 - FILL_PRICING_PART))
    target = fill_target(season, best, fair)
    producers = tuple(sorted(fair.weights))
    levels = levels_of(season, best, fair)
    before = fill_value(levels, target)
    lp.set_fill(fill_box(fair, target))
    lp.set_stage("fill")
    # the wall-clock cap leaves the round's search and the value stage's theirs
    cap = season.deadline - value_search - work
    found, _ = _generate(season, lp, "fill", int(pricing / PRICING_SOLVE_SECONDS), cap)
    model = _model(season, lp, best, fair, "fill", {j for j in producers if levels[j] < target})
    if served_hold is not None:
        model.model.add(_objective(model, "serve") >= served_hold)
    objective = model.lift(target, producers)
    start = round_toward_lp(season, lp, best)
    result, solver = _fill_search(season, model, objective, best, start, fair, before, work)
    log.debug(
        "fill: target %d, from %d, LP %.0f, CP-SAT %s %s, bound %s, %.2f s",
        target,
        before,
        lp.fill_value(),
        result.status,
        result.objective,
        result.bound,
        solver.wall_time,
    )
    reached = before
    if result.objective is not None and result.objective > before:
        best = season.best = _answer_of(model)
        reached = result.objective
    bound = fill_bound(fair, target, found)
    stages.append(_record(FILL_STAGE, float(reached), bound))
    season.report(FILL_STAGE, float(reached), bound)
    return best, FillHold(target, producers, reached)


def _fill_search(
    season: Season,
    model: SeasonModel,
    objective: cp_model.LinearExpr,
    best: Answer,
    start: Answer,
    fair: Fairness,
    before: int,
    work: float,
) -> tuple[StageResult, cp_model.CpSolver]:
    """The fill round's integer search, from the rounded LP fills ``start``; each try
    only when the one before found no plan better than ``before``.

    1. The whole model hinted with ``start``, which may break a rule: CP-SAT
       repairs it (sizes S and M: far better than from ``best``).
    2. When it finds nothing better within ``work``, the tiers touching a
       broken rule (`broken_tiers`) are searched with the others held as
       rounded (`SeasonModel.search_near`, half of ``work``), and the whole
       model from there (the sample season at d44470a: Rp5.88 of Rp6.50
       billion, against Rp5.09 billion from the start put back within every
       rule; since greedy pricing's second pass, try 1 repairs it there).
    3. Then the whole model from ``start`` put back within every rule
       (`within_rules`), a valid plan.
    Tries 2 and 3 start only while the value stage's search keeps its share.
    Returns the last search's result and solver.
    """
    value_search = STAGE_SHARE["value"] * season.time_limit

    def run(share: float) -> tuple[StageResult, cp_model.CpSolver]:
        solver = parameters(season.limits(share), linearization=1)
        result = model.run(objective, solver, hold=False)
        season.spent += solver.deterministic_time
        season.wall_stopped |= result.wall_clock_stopped
        return result, solver

    def better(result: StageResult) -> bool:
        return result.objective is not None and result.objective > before

    _hint(model, start)
    result, solver = run(work)
    if better(result) or _work_left(season) - value_search < work:
        return result, solver
    free = broken_tiers(season, start, best, fair)
    held = [t for t in range(len(season.tiers)) if t not in free]
    near_solver = parameters(season.limits(work * FILL_NEAR_SHARE), linearization=1)
    near = model.search_near(objective, near_solver, _values_of(model, start, held))
    season.spent += near_solver.deterministic_time
    log.debug(
        "fill: %d of %d tiers free to repair the rounded start, %s in %.2f s",
        len(free),
        len(season.tiers),
        "repaired" if near is not None else "not repaired",
        near_solver.wall_time,
    )
    if near is not None:
        hint_values(model.model, near)
        result, solver = run(work * (1 - FILL_NEAR_SHARE))
    if better(result) or _work_left(season) - value_search < work:
        return result, solver
    _hint(model, within_rules(season, start, best, fair))
    return run(work)


def _serve_hold(season: Season, answer: Answer) -> int:
    """The serve objective ``answer`` reaches (`serve_weights`), held by the later stages."""
    weights = serve_weights([sum(t.parcels for t in r.tiers) for r in season.requests])
    return sum(weights[r] for r in answer.served)


def _serve_search_work(season: Season) -> float:
    """The serve search's work: its share, less what the value stage's search and
    `END_MARGIN` would lose to it, but at least `MIN_SEARCH_SHARE` of the time limit.

    On size L at 60 s the serve stage's column generation uses its whole
    budget; the serve search's 6 s then pushed the value search past the
    wall clock (`deterministic: false` in 3 of 5 runs), while all it found
    there was its hint completed (at 1.6 s; measured with CP-SAT's log).
    """
    limit = season.time_limit
    value = (STAGE_SHARE["value"] + END_MARGIN) * limit
    share = STAGE_SHARE["serve"] * limit
    return min(share, max(MIN_SEARCH_SHARE * limit, _work_left(season) - value))


def _quick_work(season: Season) -> float:
    """The work a quick first leximin round may use (`_quick_round`): what is left but
    `END_MARGIN`, at most `QUICK_SHARE` of the limit; 0 when below `QUICK_MIN_SHARE`."""
    limit = season.time_limit
    work = _work_left(season) - END_MARGIN * limit
    if work < QUICK_MIN_SHARE * limit:
        return 0.0
    return min(work, QUICK_SHARE * limit)


def _quick_room(season: Season) -> float:
    """The most work a quick round can do before the deadline, at `QUICK_WALL_PER_WORK`."""
    return max(0.0, season.deadline - time.monotonic()) / QUICK_WALL_PER_WORK


def _quick_round(
    season: Season, lp: SeasonLP, best: Answer, fair: Fairness, stages: list[Stage], work: float
) -> Answer:
    """A first leximin round by exchange moves, when a whole one does not fit.

    At Karawang scale serving comes first and its column generation takes
    most of the time limit; the value stage's reserve then leaves no time for
    a leximin round (an LP solved to its level, and a search). Fairness
    comes before value, so here the value search gives way (the value stage
    only records the plan's value and its bound), and the plan is changed
    one item at a time (`parcelkit.solve.exchange`): the lowest producer's
    goods in place of others' in parcels of served tiers, each move better
    in the leximin order, within every rule.

    No LP is solved, so the stage's bound is arithmetic: the least
    `reachable` of the eligible producers (`Fairness.cap`). On size L at 60 s
    the least revenue reaches it (Rp102.225.000: proven) with 1 s of the
    ``work`` counted; the rest raises the levels above. Every producer keeps
    the level reached in the stages after; no further round runs.
    """
    best = _exchanged(season, best, fair, work, "quick fairness")
    reached = _measure(season, best, "fairness", fair)
    bound = capped(season, fair, "fairness", math.inf)
    stages.append(_record("fairness", reached, bound))
    season.report("fairness", reached, bound)
    for producer in fair.active:
        fair.floors[producer] = int(reached)
    fair.active.clear()
    lp.hold_level(reached)
    return best


def _unstick(season: Season, best: Answer, fair: Fairness) -> Answer:
    """Exchange moves (`parcelkit.solve.exchange`) after a leximin round whose search left
    an active producer paid nothing, with `UNSTICK_SHARE` of the limit as work.

    Max-min stays at 0 while one producer is unpaid, and a search seldom moves
    every low producer at once: on size L under ``proportional`` at 60 s a
    whole first round once ended at 0, against an LP level of 612 per million
    (before `FIRST_ROUND_MIN_SHARE` sent that case to the quick round).
    """
    limit = season.time_limit
    work = min(UNSTICK_SHARE * limit, _quick_room(season))
    if work < UNSTICK_SHARE * limit:
        season.wall_stopped = True  # the clock, not the work counted, limits it
    if work <= 0:
        return best
    return _exchanged(season, best, fair, work, "unstick")


def _exchanged(season: Season, best: Answer, fair: Fairness, work: float, label: str) -> Answer:
    """``best`` after exchange moves within ``work``, counted; the plan kept as the best."""
    before = _measure(season, best, "fairness", fair)
    best, used, clock = exchange(season, best, fair, work, season.deadline)
    season.spent += used
    season.wall_stopped |= clock
    season.best = best
    after = _measure(season, best, "fairness", fair)
    log.debug("%s: least level %d -> %d, %.2f s counted", label, before, after, used)
    return best


def _level_name(level: int) -> str:
    """The stage name of leximin level ``level`` (from 0): "fairness", "fairness 2", ..."""
    return "fairness" if level == 0 else f"fairness {level + 1}"


def _work_left(season: Season) -> float:
    """Estimated seconds of work left before the deadline, from the work counted so far."""
    return WALL_SHARE * season.time_limit - season.spent


def _search(
    season: Season, model: SeasonModel, kind: str, work: float, gap: float, lift_target: int
) -> tuple[StageResult, float, float]:
    """The stage's CP-SAT search, ended within ``gap`` of its own bound: its result,
    deterministic work and wall seconds.

    With a ``lift_target`` (several producers get nothing in the plan the
    search starts from) and a max-min search that stays at 0, max-min cannot
    move: every producer at the minimum would have to move at once. Then
    `LIFT_SHARE` of the work lifts each active producer toward
    ``lift_target`` (`SeasonModel.lift`), and max-min is searched again from
    there.
    """
    first = work * (1 - LIFT_SHARE) if lift_target else work
    solver = parameters(season.limits(first), linearization=1)
    solver.parameters.relative_gap_limit = gap
    result = model.run(_objective(model, kind), solver)
    used, wall = solver.deterministic_time, solver.wall_time
    if lift_target and not result.objective:
        stopped = result.wall_clock_stopped
        lifter = parameters(season.limits(work * LIFT_SHARE / 2), linearization=1)
        lifted = model.run(model.lift(lift_target), lifter, hold=False)
        log.debug("lift: CP-SAT %s, objective %s", lifted.status, lifted.objective)
        solver = parameters(season.limits(work * LIFT_SHARE / 2), linearization=1)
        solver.parameters.relative_gap_limit = gap
        result = model.run(_objective(model, kind), solver)
        result.wall_clock_stopped |= stopped or lifted.wall_clock_stopped
        used += lifter.deterministic_time + solver.deterministic_time
        wall += lifter.wall_time + solver.wall_time
    return result, used, wall


def _generate(
    season: Season, lp: SeasonLP, stage: str, solves: int, wall_cap: float
) -> tuple[float | None, int]:
    """Column generation for ``stage``: new patterns into the pools; the proven bound.

    Each round solves the LP and then looks for patterns with a positive
    reduced cost in two ways. In the serve stage, first greedy, per request
    with a tier the LP would serve more of, on the stock minus everything the
    duals price: its parcels cost nothing at the current prices
    (`_greedy_round`). When that finds little, and in the other stages (whose
    duals greedy cannot follow), CP-SAT prices the tier classes whose cheap bound says a
    better pattern may exist, most promising first. Work is counted in
    pricing solves (deterministic): at most ``solves`` of them, each an
    estimated `PRICING_SOLVE_SECONDS`, the LP's solves counted in the same
    units (`SeasonLP.work`, from GLOP's iterations); ``wall_cap`` is the wall-clock cap
    (the plan's deadline, earlier for fairness). Up to `MANY_ROUNDS_TIERS`
    tiers, fairness prices half its budget in a first broad round, then a
    share per round, since its duals move with every round (they price a few
    producers at a time). Returns the bound (the least Lagrangian bound seen)
    and the solves used.
    """
    prices = {p.sku: p.price for p in season.catalog.products}
    prices.update({p.id: p.price for p in season.catalog.packaging})
    solves_left = solves
    lp_work = lp.work
    members: dict[int, list[int]] = {}
    for t, cls in enumerate(season.class_of):
        members.setdefault(cls, []).append(t)
    keys = {cls: keys_of(season.tiers[tiers[0]].spec) for cls, tiers in members.items()}
    bound = math.inf
    duals = lp.solve()
    best_lp = 0.0
    rounds = SERVE_PRICING_ROUNDS if stage == "serve" else PRICING_ROUNDS
    per_round = [len(members)] * rounds
    if stage in ("fairness", "fill") and len(season.tiers) <= MANY_ROUNDS_TIERS:
        rest = max(MIN_PRICED_PER_ROUND, solves // (2 * rounds))
        per_round = [solves // 2] + [rest] * (rounds - 1)
    servable = float(servable_parcels(season))
    for round_ in range(rounds):
        if duals is None:
            break
        best_lp = duals.objective
        weights: dict[int, dict[str, float]] = {}
        cheap: dict[int, float] = {}
        reach: dict[int, float] = {}
        # a key's gain does not depend on the tier: worked out once a round
        gains = duals.weights(prices)
        for cls, tiers in members.items():
            spec = season.tiers[tiers[0]].spec
            weights[cls] = {k: gains[k] for k in keys[cls]}
            if cls in season.empty_classes:  # proven: no pattern to price
                cheap[cls], reach[cls] = -math.inf, -math.inf
                continue
            cheap[cls] = weight_bound(spec, weights[cls])
            reach[cls] = cheap[cls] + max(duals.tier_constant(t) for t in tiers)
        gain = dict(cheap)
        added = 0
        cut = False  # whether the wall clock, not the work counted, ended pricing early
        if stage == "serve":
            added, tried, cut = _greedy_round(season, lp, duals, weights, wall_cap)
            solves_left -= math.ceil(tried * GREEDY_REQUEST_SECONDS / PRICING_SOLVE_SECONDS)
        if added < len(members) // 20 + 1:
            promising = sorted(
                (c for c in members if reach[c] > GAIN_EPSILON), key=lambda c: -reach[c]
            )
            for cls in promising[: per_round[round_]]:
                if solves_left <= 0:
                    break
                if time.monotonic() >= wall_cap:
                    cut = True
                    break
                spec = season.tiers[members[cls][0]].spec
                priced = price_pattern(spec, weights[cls], season.limits(PRICING_WORK))
                solves_left -= pricing_charge(priced)
                gain[cls] = min(cheap[cls], priced.bound)
                if priced.pattern is not None and priced.value is not None:
                    added += _offer_all(season, lp, duals, members[cls], priced)
        # the LP's own solves count too: at size L they take more than the pricing
        solves_left -= math.ceil((lp.work - lp_work) / PRICING_SOLVE_SECONDS)
        lp_work = lp.work
        bound = min(bound, duals.bound([gain[c] for c in season.class_of]))
        if stage == "serve":
            bound = min(bound, servable)
        season.report(stage, duals.objective, bound)
        log.debug(
            "%s round %d: lp %.1f, bound %.1f, %d new columns, %d pricing solves left",
            stage,
            round_,
            duals.objective,
            bound,
            added,
            solves_left,
        )
        out_of_work = solves_left <= 0
        past_cap = time.monotonic() >= wall_cap
        if cut or (past_cap and added and not out_of_work):
            season.wall_stopped = True
        stop = out_of_work or past_cap
        if added == 0 or stop:
            if added:
                duals = lp.solve()  # the integer master reads the LP's solution next
            break
        duals = lp.solve()
    if duals is not None:
        best_lp = duals.objective
    used = solves - max(0, solves_left)
    season.spent += (solves - solves_left) * PRICING_SOLVE_SECONDS
    if math.isinf(bound) and best_lp == 0.0 and duals is None:
        return None, used  # the LP itself failed (infeasible with a fairness floor): no bound
    return max(bound, best_lp), used


def pricing_charge(priced: Priced) -> int:
    """The pricing solves a solve counts as: one, or as many as its deterministic
    work says it took on the clock (a value stage's solve, about three)."""
    seconds = PRICING_BUILD_SECONDS + WALL_PER_WORK * priced.work
    return max(1, math.ceil(seconds / PRICING_SOLVE_SECONDS - 1e-9))


def _offer_all(
    season: Season, lp: SeasonLP, duals: Duals, tiers: Sequence[int], priced: Priced
) -> int:
    """Offer a priced pattern to every tier of its class where its reduced cost is positive."""
    added = 0
    assert priced.pattern is not None and priced.value is not None
    for t in tiers:
        if priced.value + duals.tier_constant(t) > GAIN_EPSILON and season.offer(t, priced.pattern):
            lp.add(t, season.newest(t))
            added += 1
    return added


def _greedy_round(
    season: Season,
    lp: SeasonLP,
    duals: Duals,
    weights: Mapping[int, Mapping[str, float]],
    wall_cap: float,
) -> tuple[int, int, bool]:
    """Greedy pricing: parcels built from what the duals leave unpriced; (added,
    tried, whether ``wall_cap`` left requests untried).

    For each request with a tier whose row says more of it would pay, the
    greedy planner fills the request alone from the stock minus every sku and
    packaging with a positive stock price. Those of them the LP serves only in
    part are then filled once more from the stock the LP leaves unused
    (`SeasonLP.unused`): at a degenerate optimum many rows without a price
    are still full, and a parcel built from them cannot raise the request
    without a pivot, while one that fits in what is left can. On size L that
    second pass made the serve LP converge in 39 s instead of 51 s
    (`benchmarks/serve_lp_convergence.py L`), and within 60 s the plan
    serves 290,090 parcels instead of 286,815. A parcel found enters where
    its reduced cost (computed exactly) is positive. Requests go in chunks
    of `GREEDY_CHUNK`, none started past ``wall_cap``.
    """
    priced = {key for key, price in duals.stock.items() if price > GAIN_EPSILON}
    stock = {key: (0 if key in priced else units) for key, units in season.left.items()}
    wanted = [
        r
        for r in range(len(season.requests))
        if r not in season.unservable
        and max(duals.tier_constant(t) for t in season.tiers_of[r]) > GAIN_EPSILON
    ]
    choices: list[SeasonChoice] = []
    for start in range(0, len(wanted), GREEDY_CHUNK):
        if time.monotonic() >= wall_cap:
            break
        chunk = wanted[start : start + GREEDY_CHUNK]
        choices += alone(season, [season.requests[r] for r in chunk], stock)
    asked = wanted[: len(choices)]
    first = len(choices)
    short = [r for r in asked if lp.last_served[r] < 1 - SERVED_EPSILON]
    if short and time.monotonic() < wall_cap:
        # a parcel that fits in what the LP leaves unused lets the LP serve
        # more of its request without taking anything from another
        unused = lp.unused()
        slack = {key: min(units, unused.get(key, units)) for key, units in stock.items()}
        choices += alone(season, [season.requests[r] for r in short], slack)
        asked += short
    added = 0
    for r, choice in zip(asked, choices, strict=True):
        if choice.tiers is None:
            continue
        for t in season.tiers_of[r]:
            package, quantities = choice.tiers[season.tiers[t].name]
            gains = weights[season.class_of[t]]
            gain = gains.get(package, 0.0) + sum(
                gains.get(sku, 0.0) * qty for sku, qty in quantities.items()
            )
            if gain + duals.tier_constant(t) > GAIN_EPSILON and season.offer(
                t, (package, quantities)
            ):
                lp.add(t, season.newest(t))
                added += 1
    return added, len(choices), first < len(wanted)


def _model(
    season: Season,
    lp: SeasonLP,
    best: Answer,
    fair: Fairness,
    stage: str,
    short: set[str] | None = None,
) -> SeasonModel:
    """The integer master over each tier's patterns worth offering.

    Per tier: the patterns of the current plan and those the last LP uses;
    the serve stage also gets the priciest, up to `PATTERNS_PER_TIER`. More
    patterns make the integer master slower than they make it better
    (measured on the sample and size S): max-min over the plan's and the LP's
    patterns was proven in 0.1 s, with 12 per tier not found in 10 s; value
    over them was proven in 0.3 s, with 4 more per tier 0.03 % lower after
    12 s. Serving, though, lost 1.6 % of its parcels without the extra four.
    """
    in_lp: dict[int, list[Pattern]] = {}
    for column, _ in lp.counts():
        in_lp.setdefault(column.tier, []).append(column.pattern)
    paying: dict[int, list[Pattern]] = {}
    if stage == "fairness" or short is not None:
        if short is None:
            short = short_producers(season, lp, best, fair)
        paying = paying_patterns(season, best, short)
        for t, patterns in repair_patterns(season, best, short, fair).items():
            paying.setdefault(t, []).extend(patterns)
    tiers = []
    for t, ref in enumerate(season.tiers):
        chosen: dict[tuple[object, ...], Pattern] = {}
        for pattern in [p for p, _ in best.fills.get(t, ())] + in_lp.get(t, []):
            chosen[(pattern.package, pattern.items)] = pattern
        by_price = sorted(season.pool[t].values(), key=lambda p: (-p.price, p.package, p.items))
        limit = PATTERNS_PER_TIER if stage == "serve" else 0
        for pattern in by_price:
            if len(chosen) >= limit:
                break
            chosen.setdefault((pattern.package, pattern.items), pattern)
        for pattern in paying.get(t, ()):
            chosen.setdefault((pattern.package, pattern.items), pattern)
        tiers.append(
            TierPlan(
                request=ref.request,
                parcels=ref.parcels,
                max_variants=ref.spec.rules.max_variants,
                spread=Fraction(ref.spec.rules.variant_price_spread),
                patterns=tuple(
                    sorted(chosen.values(), key=lambda p: (-p.price, p.package, p.items))
                ),
            )
        )
    return SeasonModel(
        catalog=season.catalog,
        tiers=tiers,
        request_parcels=[sum(t.parcels for t in r.tiers) for r in season.requests],
        stock=season.left,
        ordered=season.ordered,
        owner=season.owner,
        levels=fair.weights,
        active=frozenset(fair.active),
        floors=fair.floors,
        level_scale=fair.scale,
        max_share=season.max_share,
        base=season.base,
    )


def _objective(model: SeasonModel, stage: str) -> cp_model.LinearExpr:
    if stage == "serve":
        return model.serve()
    if stage == "fairness":
        return cp_model.LinearExpr.sum([model.level])
    return model.value()


def _hint(model: SeasonModel, best: Answer) -> None:
    """Start from ``best``: every one of its patterns is in the model."""
    choice: dict[int, dict[int, int]] = {}
    for t, fill in best.fills.items():
        index = {(p.package, p.items): i for i, p in enumerate(model.tiers[t].patterns)}
        choice[t] = {index[(p.package, p.items)]: count for p, count in fill}
    model.hint(choice, best.served)


def _values_of(model: SeasonModel, answer: Answer, tiers: Sequence[int]) -> dict[int, int]:
    """Variable index -> value: ``answer``'s served requests, and its parcels in ``tiers``
    (every pattern of those tiers, 0 where it has none)."""
    served = set(answer.served)
    values = {var.index: int(r in served) for r, var in enumerate(model.served)}
    for t in tiers:
        given = {(p.package, p.items): n for p, n in answer.fills.get(t, ())}
        for pattern, count, used in zip(
            model.tiers[t].patterns, model.counts[t], model.used[t], strict=True
        ):
            parcels = given.get((pattern.package, pattern.items), 0)
            values[count.index] = parcels
            values[used.index] = int(parcels > 0)
    return values


def _answer_of(model: SeasonModel) -> Answer:
    served = tuple(model.served_requests())
    fills = {t: tuple(fill) for t, fill in model.chosen() if fill}
    return Answer(served, fills)


def _measure(season: Season, answer: Answer, stage: str, fair: Fairness) -> float:
    """A stage's objective on ``answer``, in the units of its bound."""
    if stage == "serve":
        return float(answer.parcels(season))
    if stage == "value":
        return float(sum(p.price * n for fill in answer.fills.values() for p, n in fill))
    return float(min(producer_levels(season, answer, fair).values(), default=0))


def _record(name: str, objective: float, bound: float | None) -> Stage:
    """A stage entry: the bound never below the objective reached (rounding aside)."""
    if bound is None:
        return Stage(name=name, objective=objective)
    bound = max(bound, objective)
    gap = 0.0 if bound == objective else (bound - objective) / max(abs(bound), 1e-9)
    return Stage(name=name, objective=objective, bound=bound, gap=min(1.0, gap))


# --------------------------------------------------------------------------- the plan


def _assemble(
    season: Season,
    requests: Sequence[Request],
    fixed: Sequence[Quote],
    reach: Mapping[str, int],
    best: Answer,
    stages: Sequence[Stage],
    greedy: Sequence[SeasonChoice],
) -> SeasonPlan:
    """FORMAT.md's plan from the chosen parcels, fixed quotes first in their places."""
    info = SolverInfo(
        name=SOLVER_NAME,
        wall_time_s=round(season.elapsed(), 3),
        stages=tuple(stages),
        deterministic=not season.wall_stopped,
    )
    fixed_by_id = {q.request_id: q for q in fixed}
    index = {request.id: r for r, request in enumerate(season.requests)}
    served = set(best.served)
    left = _left_after(season, best)
    left_specs = SpecCache(season.catalog, left)
    quotes: list[Quote] = []
    unserved: list[Unserved] = []
    for request in requests:
        if request.id in fixed_by_id:
            quotes.append(fixed_by_id[request.id])
            continue
        r = index[request.id]
        if r in served:
            fills = {
                season.tiers[t].name: [(p.contents, n) for p, n in best.fills[t]]
                for t in season.tiers_of[r]
            }
            quotes.append(
                season_quote(season.catalog, request, fills, info.model_copy(update={"stages": ()}))
            )
        else:
            reason = _unserved_reason(season, request, left_specs, greedy[r])
            unserved.append(Unserved(request_id=request.id, reason=reason))
    table = producer_table(season.catalog, quotes, reach)
    specs = list(season.specs.specs.values())
    ineligible = [
        Ineligible(
            producer_id=row.producer_id,
            reason=ineligible_reason(season.catalog, row.producer_id, specs, season.left),
        )
        for row in table
        if row.reachable <= 0
    ]
    proven = len(stages) > 0 and all(s.gap == 0.0 for s in stages)
    return SeasonPlan(
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        quotes=tuple(quotes),
        unserved=tuple(unserved),
        producers=table,
        fairness=fairness(season.policy, table, ineligible),
        solver=info,
    )


def _left_after(season: Season, answer: Answer) -> dict[str, int]:
    """Stock left once ``answer``'s parcels are taken."""
    left = dict(season.left)
    for fill in answer.fills.values():
        for pattern, count in fill:
            for key, units in pattern.uses:
                left[key] = left.get(key, 0) - units * count
    return left


def _unserved_reason(
    season: Season, request: Request, specs_left: SpecCache, choice: SeasonChoice
) -> str:
    """What ran out for ``request``, in words, with the numbers."""
    left = specs_left.stock
    specs = {tier.name: specs_left.of(request, tier) for tier in request.tiers}
    found = precheck(season.catalog, request, specs, left)
    if found.reasons:
        return "Not served: what the plan leaves cannot fill it. " + " ".join(found.reasons)
    empty = [
        ref.name
        for t, ref in enumerate(season.tiers)
        if season.requests[ref.request].id == request.id and not season.pool[t]
    ]
    if empty and choice.reason:
        return f"Not served: {choice.reason}"
    parcels = sum(t.parcels for t in request.tiers)
    short = sorted(
        key for spec in specs.values() for key in keys_of(spec) if left.get(key, 0) < parcels
    )
    scarce = ", ".join(short[:6]) + (f" and {len(short) - 6} more" if len(short) > 6 else "")
    words = f"; nearly sold out: {scarce}" if scarce else ""
    return (
        f"Not served: its {parcels} parcels do not fit in the stock the served requests "
        f"leave (shared stock, min_order and the serve-earlier-requests-first rule){words}."
    )


__all__ = ["POLICIES", "Policy", "Progress", "ProgressCallback", "plan"]
