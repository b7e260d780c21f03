"""A quote for one company: the public entry point and its steps.

1. Work out each tier's effective rules and what it may use (`eligibility`).
2. Cheap checks that prove infeasibility in words (`diagnose.precheck`).
3. The priciest single parcel per tier (`single`): a proven bound on value,
   and, filled into every parcel the stock allows, the first candidate answer
   (when the tiers cannot be filled one after another: a one-variant quote,
   or a small tier's parcel whose goods the other tiers are solved to lift,
   `_lifted_start`).
4. The quote model (`quote_model`), solved in stages (`stages`) in the
   order of the `QuoteObjective`. The spread stage starts from diverse parcels,
   improved by local search (`polish`: one tier, then one variant, re-filled
   at a time around the rest), and has a proven bound (`bounds`); the
   preference stage starts from the spread answer polished likewise, and its
   bound also counts the producer places the held spread leaves (`places`). A stage
   whose candidate reaches its bound needs no search. Otherwise each stage
   first searches with every tier's parcel counts fixed (`FOCUS_WORK`; the
   spread stage on one-tier quotes only, `SPREAD_SEARCH_TIERS`); the first
   stage then searches the whole model, the later stages do not.
5. The answer as a `Quote` (`answer`), checked by `parcelkit.verify` before
   it is returned: a quote that does not verify raises `SolverError`.

Steps that do not need each other's results run on two threads (`_staged`):
the tiers' best parcels, the value stage's candidate beside the building of
the model, and each later stage's bound beside its candidate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from math import ceil
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from parcelkit.errors import SolverError
from parcelkit.models import (
    Catalog,
    Quote,
    Request,
    SolverInfo,
    Stage,
    Status,
    Suggestion,
    Tier,
    TierQuote,
)
from parcelkit.models import effective_rules as rules_of
from parcelkit.solve import diagnose
from parcelkit.solve.answer import read_tier, with_totals
from parcelkit.solve.bounds import (
    forced_dislikes,
    joint_variants,
    preference_bound,
    spread_bound,
    tier_caps,
    value_window,
)
from parcelkit.solve.counted import Counted, Stopper, counted_quote
from parcelkit.solve.eligibility import Eligible, available_stock, eligible_for
from parcelkit.solve.objectives import (
    QuoteObjective,
    Term,
    owners,
    preference_term,
    producer_weights,
    sku_preferences,
    spread_term,
)
from parcelkit.solve.parcel import ParcelContents, TierSpec
from parcelkit.solve.places import places_bound
from parcelkit.solve.polish import Shelf, Splits, paired, polished
from parcelkit.solve.quote_model import QuoteModel, build_quote_model
from parcelkit.solve.single import (
    Aims,
    Fill,
    Window,
    best_parcel,
    contents_of,
    fewest_short_parcel,
    fill_tier,
    parcel_price,
    top_window,
    variant_counts,
)
from parcelkit.solve.stages import Limits, StagedSolve, parameters
from parcelkit.verify import check_quote

log = logging.getLogger(__name__)
T = TypeVar("T")

SOLVER_NAME = "parcelkit CP-SAT (variant slots, staged)"

STAGE_WORK = 0.4
"""Deterministic seconds for the first stage's search, and for each single-parcel
solve. Most first stages are proven without a search (the candidate reaches the
best-parcel bound); the rest mostly end within 1 % of it by then (measured with
benchmarks/quote_latency.py)."""

LOWER_WINDOWS = 3
"""Price windows the value stage's candidate tries below the best parcel's, one
after another, when a tier cannot be filled near the best price."""

CANDIDATE_WORK = 0.05
"""Deterministic seconds for each single-parcel solve of the later stages'
candidate (`_later_fills`): a parcel with the most producers new to the quote,
then the priciest. Against the 0.4 those solves had before, measured
interleaved on the first 25 sample requests: the same answers on all 25,
27.6 s -> 26.9 s in all; on a 450 + 50 parcel request (the README's) the quote
took 1.4 s instead of 2.5 s."""

CANDIDATE_PROBING: int | None = 0
"""CP-SAT's probing level in those single-parcel solves: none. Within their small
work, the search then finds better parcels than presolve's probing leaves time for.
Measured interleaved on the 100 benchmark quotes (`benchmarks/quote_latency.py`'s
set): preference score 20,349 -> 36,002 on the 26 with preferences, spread 36,770
-> 36,840 weighted producers, value the same, time the same (77.3 s and 76.5 s).
Probing off in the value stage's candidate as well was 11 % faster but cost
SYN-0007 2.8 % of its value; in the spread and preference bounds it changed
nothing."""

PREFERENCE_POLISH = True
"""Whether the preference stage starts from the spread stage's answer polished
for preferences (`_preference_hint`): variants re-filled, or re-filled for
fewer parcels that move to the variant liked most, never selling for fewer
producers. Measured interleaved on the latency benchmark's 26 quotes with
preferences: a score of 18,521 in all without, 29,443 with, the same median."""

PREFERENCE_ROUNDS = 3
"""Passes of that polish (it stops at a pass that raises nothing). Measured
interleaved on the latency benchmark's 26 quotes with preferences, with the
places bound (`PLACES_BOUND`): three passes scored 22,884 in all against
22,472 for one, no quote lower, and reached the bound on REQ-0009 (744) and
REQ-0025 (440); the median quote the same (0.476 s and 0.479 s), the 130
quotes 76.5 s against 73.0 s in all. (Before the spread stage searched on
one-tier quotes only, three passes had scored less than one.)"""

POLISH_WORK = 0.02
"""Deterministic seconds for each single-parcel solve of `polished`. Measured
interleaved on the latency benchmark's 130 quotes against 0.05: the same
median time (0.485 s and 0.487 s), 10 weighted producers more in all."""

LATER_STAGE_WORK = 0.05
"""Deterministic seconds for a later stage's search of the whole model, run only
when no answer to search around is known (its neighbourhood search, with
`FOCUS_WORK`, replaces it otherwise; the spread stage near its bound searches
the whole model after it, `SPREAD_WIDE`, and uses `SPREAD_WIDE_WORK` for
both): it refines an answer that is already valid, so it gets a fixed, small
amount of work and reports its gap honestly."""

LATER_BOUND_ROWS = False
"""Whether a later stage (spread, preferences) adds its bound to the model as a
row, as the first stage does. The extra row changes CP-SAT's search without
helping it prove anything: those bounds are arithmetic or per-parcel ones the
answer rarely meets. Measured (A/B, same machine state, see README): without
the rows the same value, more spread and preferences, and no slower."""

FOCUS_WORK = 0.15
"""Deterministic seconds for each neighbourhood search of a stage: every tier's
parcel counts fixed at the best answer's (`StagedSolve.run`'s ``focus``). With
the counts fixed, units per sku are linear in the contents and CP-SAT often
proves that neighbourhood quickly; left free, the counts and contents move
together and the search barely moves. Measured on the 70 sample requests
against 0.05 of search of the whole model: the spread stage reached more
producers on 22 and fewer on none, at about the same latency; 0.25 reached
more on 29, with the median quote 0.07 s slower (commit 71abfcb)."""


PREFERENCE_FOCUS_ROUNDS = 4
"""Rounds of the preference stage's neighbourhood searches (counts fixed, then
contents fixed), repeated while a round raises the score. Measured
interleaved on the latency benchmark's 130 quotes against one round: a
preference score of 25,074 in all against 22,884, median 0.417 and 0.424 s,
p95 1.14 and 1.11 s, all quotes 68.2 and 64.9 s. Longer searches found more
(0.5 deterministic seconds a search, three rounds: 39,954 on the 26 quotes
with preferences) but took a preference quote up to 2.9 s."""

HOST_PAIR_PARCELS = 1000
"""Tiers of at least this many parcels also get, in the preference stage's
neighbourhood searches, their first slot freed together with each other
slot (`_host_pairs`): counts and contents move between the two, so the liked
goods can gather in the slot of most parcels while the other takes the
producers they push out. Measured interleaved on the latency benchmark's
130 quotes (`benchmarks/quote_ab.py`) against none: a preference score of
34,090 in all against 27,190 (REQ-0053 10,140 -> 16,960, REQ-0068 3,220 ->
3,300; REQ-0040 unchanged), the same spread, median 0.476 and 0.472 s, p95
1.57 and 1.32 s, all quotes 81.3 and 78.7 s. A prototype (one round after
the stage, 0.1 deterministic seconds a search) on tiers of every size
reached 34,312 in all for 13.4 s more over the 26 quotes with preferences,
and with every pair of slots freed 34,520 for 18.4 s more: nearly all of
it REQ-0053's."""

SPREAD_SEARCH_TIERS = 1
"""The spread stage searches around its candidate (`FOCUS_WORK`) only on quotes
of at most this many tiers; on more, the polished candidate stands. Counted on
the latency benchmark's 130 quotes: the search raised the spread of 26 of 39
one-tier candidates, 8 of 36 two-tier ones and none of 26 three-tier ones, at
about 0.2 s each. Measured interleaved against searching on every quote:
median 0.516 -> 0.448 s, spread in all 52,890 -> 52,790 weighted producers,
preference score 28,642 -> 22,472, nearly all of it REQ-0053 (16,300 ->
10,140), whose spread search had found a producer more."""

DISLIKES_BOUND = True
"""Whether the preference stage's bound also counts the disliked goods the
spread held forces into the quote (`_dislikes_bound`)."""

PLACES_BOUND = True
"""Whether the preference stage's bound also counts producer places once the
spread is held (`parcelkit.solve.places`). On the latency benchmark's 26
quotes with preferences it proves REQ-0002, REQ-0047 and REQ-0051 optimal
(with `PREFERENCE_ROUNDS` REQ-0009 and REQ-0025 too), where the per-parcel
bound left them 24 to 100 % away; it runs beside the stage's candidate."""

LIFTED_START = True
"""Whether the value stage's candidate, when neither the tiers filled one after
another nor a one-variant quote serve, lifts the unfilled tiers' goods with
the other tiers (`_lifted_start`)."""

LIFT_WORK = 1.0
"""Deterministic seconds for `_lifted_start`'s model of the tiers that lift the
others' goods. On REQ-0042 (105 staff parcels lifting 5 managers' goods) it
reached Rp24.692.500 with 0.4, Rp25.930.000 with 1.0 and Rp25.993.000 with
2.0, against a bound of Rp26.000.000 (0.74, 1.88 and 3.78 s)."""

VARIANTS_TIERS = 1
"""The spread stage adds `joint_variants`'s bound to `spread_bound`'s, and its
variants to the candidates, on quotes of at most this many tiers.
Measured on the latency benchmark's 130 quotes: its bound took the spread
stages within 1 % of their bound from 32 to 45 (13 one-tier quotes proven
optimal, REQ-0001, REQ-0012, REQ-0017, REQ-0019, REQ-0023, REQ-0033, REQ-0049,
REQ-0050, REQ-0054, REQ-0065, REQ-0067, SYN-0031, SYN-0034), the model
solved in 0.01 to 0.26 s on one-tier quotes. Interleaved
(`benchmarks/quote_ab.py`): median 0.522 and 0.514 s without, the 130
quotes 82.3 and 81.9 s. On the 74 quotes of two or three tiers (a
prototype) it tightened 2 bounds by a producer or two and brought none
within 1 %, in 0.5 to 1.1 s each: their bounds are loose because min_order
decides what a small tier can sell for, which this model leaves out. Its
variants as a candidate (`_joint_start`) then proved SYN-0012 too (46)."""

SHORT_FIRST = True
"""Whether the later stages' candidate, for tiers that cannot be filled after
the others, also tries filling them first (`_short_first`). On the latency
benchmark's 130 quotes that is 11, all with two or three tiers; measured
interleaved (`benchmarks/quote_ab.py`): spread 52,790 -> 52,830 weighted
producers in all (REQ-0004 200 -> 230, SYN-0000 230 -> 240), the 130 quotes
74.1 -> 76.9 s, median 0.437 and 0.441 s, p95 1.37 and 1.47 s."""

SHORT_FIRST_SHARED = True
"""Whether the tiers filled around those `_short_first` filled first may lift
what those leave short over their variants, when no one parcel holds it all
(`fill_tier`'s ``share_owed``). REQ-0042's 5 manager parcels at Rp1.000.000
owe four goods (dates, cookies) that no Rp200.000 staff parcel holds
together: without, that start is not filled and the quote sells for 210
weighted producers; with, for 240. Measured interleaved on the latency
benchmark (`benchmarks/quote_ab.py --changes "quote.SHORT_FIRST_SHARED=False"
""`): no other quote changed, all 130 quotes 87.0 and 87.6 s. Sharing in
every fill instead (not only around the short-first tiers) also raised
REQ-0007, REQ-0029 and REQ-0062 but lowered REQ-0005 (310 -> 270), REQ-0061
(480 -> 450) and REQ-0011: a tier it fills then no longer falls back to the
starts that did better there."""

SMALL_FIRST = True
"""Whether the later stages' candidate also fills the tiers smallest first
(beside the usual fill, on a background thread) and starts from the better
of the two. A small tier filled first takes the producers whose goods its
few parcels can sell on their own; the large tiers then fill around it.
Measured interleaved on the latency benchmark's 130 quotes
(`benchmarks/quote_ab.py`): spread 52,830 -> 53,240 weighted producers in
all (20 quotes more, REQ-0003 10 less; REQ-0057 550 -> 610), preference
score 25,074 -> 27,239, median 0.476 and 0.474 s, p95 1.40 and 1.50 s, the
130 quotes 77.9 -> 81.2 s. Filled one after the other on the main thread
instead, the 74 quotes of two or three tiers took 18 % longer. Tiers that
arrive smallest first (32 of the 74) are then filled once, with the same
answers on all 130: interleaved, 84.8 s against 83.9 s without the second
order (median 0.506 and 0.525 s)."""

COUNTED_TIERS = 1
"""Quotes of at most this many tiers also solve the counted model
(`parcelkit.solve.counted`): for the spread stage (`_counted_spread`, where no
preference stage follows and the candidate is within `COUNTED_GAP` of the
bound) and beside the preference stage's search (`COUNTED_PREFERENCES`).
Measured interleaved on the latency benchmark (`benchmarks/quote_ab.py
"quote.COUNTED_TIERS=0" ""`, `COUNTED_PREFERENCES` off then): spread stages
within 1 % of their bound 55 -> 59 (SYN-0011, SYN-0049, SYN-0042, SYN-0020
proven; mean gap 12.0 -> 11.7 %, 53,530 -> 53,650 weighted producers in all),
median 0.497 -> 0.490 s, p95 1.59 -> 1.52 s, all 130 quotes 83.0 -> 82.4 s (a
stage proven at once skips its own search). With `COUNTED_GAP` at 0.2, 60
within 1 % (REQ-0069 too), median 0.461 -> 0.474 s, all 130 quotes 78.5 ->
79.8 s. On quotes of two or three tiers its bounds were none below the others'
(0.5 s of work, the 12 such quotes with preferences), and its answers,
repaired, sold for no more (14 two-tier quotes, 1 s of work)."""

COUNTED_GAP = 0.15
"""The spread stage solves the counted model when its candidate sells for less
than its bound but within this share of it. The model takes 0.5 to 0.8 s
where it runs, and it pays off near the bound: on the benchmark it proved
SYN-0011, SYN-0049, SYN-0042 and SYN-0020 from 8.5 to 12.5 % below it and
REQ-0069 from 15.4 %, but nothing from 16 % or further (REQ-0006 and six
more, even at 1 s of work; SYN-0056 rose from 370 to 400). Five hand-written
one-tier requests of 120 parcels at Rp150.000 to Rp400.000 (one beverage or
two) start 10.6 to 17.5 % below their bounds: at 0.2 the model ran on all
five, for 0.85 to 1.32 s a quote against 0.36 to 0.55 s, and raised one
(Rp250.000, 290 -> 320 producers); at 0.15 it runs on one of them (1.22 s),
and REQ-0069 is left unproven."""

COUNTED_PREFERENCES = True
"""Whether the counted model runs beside the preference stage's own search on
quotes of at most `COUNTED_TIERS` tiers. Its bound tightens the stage's
(`StagedSolve.tighten`); its answer, when it is a quote that keeps the value
and spread held and scores higher, replaces the stage's (`StagedSolve.offer`).
Once the stage's search proves its answer the model is stopped (`Stopper`):
nothing it could find matters then.

It proves REQ-0067 (880, where the other bounds say 1,080), raises REQ-0012
from 720 to 880 (930 searched around, `OFFER_FOCUS_ROUNDS`; bound 2,160 ->
1,371) and tightens REQ-0017's bound from 1,680 to 1,418. Measured interleaved
(`benchmarks/quote_ab.py "quote.COUNTED_PREFERENCES=False" ""`): median 0.485
against 0.476 s, all 130 quotes 81.0 against 78.8 s. On quotes of two or three
tiers it found no solution at all in its work (the 12 such quotes with
preferences). As a start for the stage's search its answers left that search
lower (REQ-0025: 340 against 440, proven), so they are compared with its end
instead."""

OFFER_FOCUS_ROUNDS = 1
"""Rounds of the preference stage's neighbourhood searches (`FOCUS_WORK` each)
around the counted model's answer when it replaces the stage's (0 for none).
REQ-0012: 880 -> 930, 0.35 s more; a second round finds nothing more.
Interleaved (`benchmarks/quote_ab.py --changes "quote.OFFER_FOCUS_ROUNDS=0"
""`): no other quote changed, median 0.450 and 0.440 s, all 130 quotes 74.9
and 75.3 s."""

COUNTED_PREFERENCE_WORK = 0.5
"""Deterministic seconds for that model's search; at 0.25 it does not prove
REQ-0067. More finds more on the one-tier quotes with preferences, at a cost
the p95 cannot carry. At 1.5, interleaved (`benchmarks/quote_ab.py --changes
"" "quote.COUNTED_PREFERENCE_WORK=1.5"`): REQ-0012 930 (against 880),
REQ-0020 660 (280) and REQ-0068 3,450 (3,300), nothing else changed; median
0.494 and 0.485 s, but p95 1.48 -> 1.88 s and all 130 quotes 81.0 -> 87.9
s. At 2.0 REQ-0014 is proven (212), with eight of the 14 quotes over 2 s; at
3.0 REQ-0017's bound comes to 912, against an answer of 890."""

TIER_CAPS = True
"""Whether the spread bound of quotes of more tiers than `VARIANTS_TIERS` counts
each tier's producers with `joint_variants` on that tier alone (`tier_caps`),
beside the candidate. On the latency benchmark it tightened 13 of the 74
bounds of two or three tiers (REQ-0042 490 -> 410, REQ-0011 and REQ-0022
440 -> 360, REQ-0028 700 -> 580; the mean gap of those 74 18.6 % -> 17.6 %),
none to within 1 %: the answers are short as well. Measured interleaved
(`benchmarks/quote_ab.py "quote.TIER_CAPS=False" "" "bounds.CAPS_WORK=0.03"`,
the last the default since): median 0.466, 0.475 and 0.455 s, p95 1.45,
1.46 and 1.53 s, all 130 quotes 79.8, 82.0 and 80.6 s, the same answers."""

NEAR_GAP = 0.02
"""A spread candidate this close to the stage's bound (relative, short of it) is
searched around with `NEAR_WORK` instead of `FOCUS_WORK`, on any number of
tiers (`SPREAD_SEARCH_TIERS` aside). On the latency benchmark 7 candidates of
two or three tiers are that close (one producer short); the longer search
finds the last producer on 5 of them (SYN-0006, SYN-0015, SYN-0019,
SYN-0023, SYN-0028), which are then proven optimal. Measured interleaved on
the 130 quotes (`benchmarks/quote_ab.py "" "quote.NEAR_GAP=0.0"`): spread
within 1 % on 51 against 46, median 0.447 and 0.434 s, p95 1.25 and 1.27 s,
all quotes 74.6 and 72.2 s. At 0.03 nothing more was reached (76.7 s in
all); with the default `FOCUS_WORK` none of the 7 rose."""

SPREAD_WIDE = True
"""Whether the spread stage, when its neighbourhood search ended short of the
bound but within `SPREAD_WIDE_GAP` of it, also searches the whole model
(`SPREAD_WIDE_WORK`, at linearization level `SPREAD_WIDE_LINEARIZATION`).
Quotes of more tiers than `SPREAD_SEARCH_TIERS` search around their
candidate only when it is near the bound (`NEAR_GAP`), so only those can
get there. Measured interleaved on the latency benchmark's 130 quotes
(`benchmarks/quote_ab.py`), one-tier quotes only, against none: spread
within 1 % on 54 against 51 (REQ-0014 230 -> 240, at its bound; REQ-0018
and SYN-0051 proven optimal), median 0.445 and 0.431 s, p95 1.19 and
1.24 s, all quotes 72.8 and 71.9 s. On every one-tier quote short of its
bound (a gap of up to 58 %) it raised SYN-0021 290 -> 410 and seven more by
a producer (those three among them), but the median went to 0.589 s (0.488
without, 96.7 against 77.0 s in all); within 10 % it brought no more within
1 % than within 5 % (20 weighted producers more in all) and took 77.3 s.
On quotes of two or three tiers near their bound it proved SYN-0029
optimal (710 -> 720; 0.57 -> 1.46 s) and left SYN-0053 as it was (1.11 ->
2.53 s)."""

SPREAD_WIDE_GAP = 0.05
"""How close to the bound (relative) the neighbourhood search must have left
the spread for `SPREAD_WIDE`'s search of the whole model."""

SPREAD_WIDE_WORK = 1.0
"""Deterministic seconds for that search. At 0.5 (interleaved, on every
one-tier quote short of its bound) it brought 2 more within 1 % instead of 3."""

SPREAD_WIDE_LINEARIZATION = 2
"""CP-SAT's linearization level for that search. At level 2 the slots' enforced
rows enter the LP; at the quote model's usual level 1 (`StagedSolve`) the
same search, with 3 deterministic seconds, raised and proved none of the 17
one-tier quotes outside 1 %, where level 2 with 1 second proved REQ-0018
(280) optimal, the quote taking 0.65 s instead of 0.25 s."""

NEAR_WORK = 1.0
"""Deterministic seconds for each neighbourhood search of a spread stage whose
candidate is within `NEAR_GAP` of its bound. With 10 SYN-0028 reached its
bound as well and SYN-0029 did not; with 1.0 the five close in 0.8 to 1.2 s
each, the two that do not (SYN-0029, SYN-0053) take 0.1 and 0.4 s more."""

BACKGROUND_THREADS = 2
"""Threads for the work `quote` runs beside its main line (see `_staged`); with
0 it runs on the calling thread, in turn."""


def tier_spec(
    catalog: Catalog,
    request: Request,
    tier: Tier,
    stock: Mapping[str, int],
    eligible: Eligible | None = None,
) -> TierSpec:
    """The plain-number description of what a tier's parcels may hold.

    A sku's most units per parcel is the least of max_same_product, its stock
    and what the budget affords next to the cheapest packaging and the fees;
    a sku the budget cannot afford once is left out. ``eligible`` may pass
    what `eligible_for` gives for these rules and stock, when the caller
    shares it between tiers.
    """
    rules = rules_of(request, tier)
    if eligible is None:
        eligible = eligible_for(catalog, rules, stock)
    fees = request.fees.per_parcel
    cheapest_box = min((p.price for p in eligible.packaging), default=0)
    room = tier.budget - fees - cheapest_box
    max_same = {
        p.sku: min(rules.max_same_product, stock[p.sku], max(0, room) // p.price)
        for p in eligible.products
    }
    return TierSpec(
        rules=rules,
        budget=tier.budget,
        fees=fees,
        products=tuple(p for p in eligible.products if max_same[p.sku] > 0),
        packaging=eligible.packaging,
        max_same={sku: most for sku, most in max_same.items() if most > 0},
    )


def request_specs(
    catalog: Catalog, request: Request, stock: Mapping[str, int], ordered: Mapping[str, int]
) -> dict[str, TierSpec]:
    """Every tier's spec, without the skus whose min_order this request cannot reach.

    A sku is only worth a variable when all the request's parcels, each taking
    as many units as its tier allows, plus the units already ordered, could
    meet its min_order; otherwise using it at all is infeasible. Dropping such
    skus up front also tightens the best-parcel bounds of the value stage.
    """
    specs = {t.name: tier_spec(catalog, request, t, stock) for t in request.tiers}
    reach: dict[str, int] = dict(ordered)
    for tier in request.tiers:
        for sku, most in specs[tier.name].max_same.items():
            reach[sku] = reach.get(sku, 0) + most * tier.parcels
    short = {p.sku for p in catalog.products if reach.get(p.sku, 0) < p.min_order}
    if not short:
        return specs
    return {
        name: replace(
            spec,
            products=tuple(p for p in spec.products if p.sku not in short),
            max_same={k: v for k, v in spec.max_same.items() if k not in short},
        )
        for name, spec in specs.items()
    }


@dataclass
class _Run:
    """What one call of `quote` works with, and the ways it can end."""

    catalog: Catalog
    request: Request
    available: dict[str, int]
    ordered: dict[str, int]
    limits: Limits
    started: float
    given_stock: Mapping[str, int] | None = None
    """The caller's ``stock``, as given: what the quote is verified against and
    producers are weighted by."""

    def __post_init__(self) -> None:
        self.specs = request_specs(self.catalog, self.request, self.available, self.ordered)

    @property
    def shelf(self) -> Shelf:
        """What the candidates draw from."""
        return Shelf(self.catalog, self.request, self.specs, self.available, self.ordered)

    def candidate_limits(self, work: float) -> Limits:
        """The limits of a candidate's single-parcel solves: at most ``work``
        deterministic seconds each, probing as `CANDIDATE_PROBING` says."""
        return replace(
            self.limits,
            work_per_stage=min(self.limits.work_per_stage, work),
            probing=CANDIDATE_PROBING,
        )

    def servable(self, changed: Request) -> bool:
        """Whether ``changed`` (a suggestion applied) can be served from the same stock."""
        return servable(
            self.catalog, changed, stock=self.available, ordered=self.ordered, limits=self.limits
        )

    def infeasible(self, found: diagnose.Diagnosis, stages: Sequence[Stage]) -> Quote:
        """The proven-infeasible answer, with reasons and checked suggestions."""
        with _side_by_side() as pool:
            found.verified(self.request, self.servable, pool)
        return self._quote(Status.INFEASIBLE, stages, True, found.reasons, found.suggestions)

    def explained(self, stages: Sequence[Stage]) -> Quote:
        """Explain, by solving, why the request is infeasible."""
        with _side_by_side() as pool:
            found = diagnose.explain(
                self.catalog,
                self.request,
                self.specs,
                self.available,
                self.ordered,
                self.limits,
                pool,
            )
        return self.infeasible(found, stages)

    def unknown(self, reason: str, stages: Sequence[Stage], deterministic: bool) -> Quote:
        """Neither an answer nor a proof within the limits."""
        return self._quote(Status.UNKNOWN, stages, deterministic, [reason], [])

    def _quote(
        self,
        status: Status,
        stages: Sequence[Stage],
        deterministic: bool,
        reasons: Sequence[str],
        suggestions: Sequence[Suggestion],
    ) -> Quote:
        return Quote(
            request_id=self.request.id,
            company=self.request.company,
            status=status,
            reasons=tuple(reasons),
            suggestions=tuple(suggestions),
            solver=self.info(stages, deterministic),
        )

    def info(self, stages: Sequence[Stage], deterministic: bool) -> SolverInfo:
        """The ``solver`` block: name, wall time, stages, reproducibility.

        Every solve's wall-clock cap is the time left before the deadline, so a
        run that ends before it was stopped by none; one that ends past it may
        have had a candidate or bound solve cut short (those are not stages
        and do not say so), and is not reported as reproducible.
        """
        return SolverInfo(
            name=SOLVER_NAME,
            wall_time_s=round(time.monotonic() - self.started, 3),
            stages=tuple(stages),
            deterministic=deterministic and self.limits.remaining() > 0,
        )


def quote(
    catalog: Catalog,
    request: Request,
    *,
    stock: Mapping[str, int] | None = None,
    ordered: Mapping[str, int] | None = None,
    objective: QuoteObjective | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
) -> Quote:
    """Quote ``request`` from ``catalog``: valid, well-spread parcels, or why not.

    Parameters
    ----------
    stock
        Units left per sku or packaging id, for quoting against what earlier
        orders left; ids not given keep the catalog's stock.
    ordered
        Units of each sku already ordered this season; they count toward
        ``min_order``.
    objective
        Priorities of the objective terms; default value, spread, preferences.
    time_limit
        Wall-clock cap in seconds. The search itself is bounded by
        deterministic work so the same input and seed give the same quote;
        ``solver.deterministic`` is false when this cap stopped it instead.
    seed, workers
        CP-SAT's random seed and number of workers (more than one worker
        runs interleaved, which stays deterministic).
    """
    started = time.monotonic()
    objective = objective or QuoteObjective()
    limits = Limits(
        work_per_stage=min(STAGE_WORK, max(0.05, time_limit / (2 * (len(objective.order) + 1)))),
        deadline=started + time_limit,
        seed=seed,
        workers=workers,
    )
    run = _Run(
        catalog,
        request,
        available_stock(catalog, stock),
        dict(ordered or {}),
        limits,
        started,
        stock,
    )

    found = diagnose.precheck(catalog, request, run.specs, run.available)
    if found:
        return run.infeasible(found, [])
    with _side_by_side() as background:
        return _staged(run, objective, background)


def _side_by_side() -> Executor:
    """`BACKGROUND_THREADS` threads, or the calling thread when there are none."""
    return ThreadPoolExecutor(BACKGROUND_THREADS) if BACKGROUND_THREADS else _InTurn()


class _InTurn(Executor):
    """An executor that runs each call at once, on the calling thread."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        done: Future[T] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


def _staged(run: _Run, objective: QuoteObjective, background: Executor) -> Quote:
    """The quote of a request that passed the cheap checks: the stages, in order.

    Work that does not depend on what runs beside it goes to ``background``
    (CP-SAT releases Python's lock while it solves): the tiers' best parcels,
    the value stage's candidate while the quote model is built, and each later
    stage's bound while its candidate is made. Each solve is bounded by its
    own deterministic work, so the answer does not depend on the threads.
    """
    catalog, request, limits = run.catalog, run.request, run.limits
    best_price: dict[str, int] = {}
    singles = background.map(lambda tier: best_parcel(run.specs[tier.name], limits), request.tiers)
    for tier, (status, price, _) in zip(request.tiers, list(singles), strict=True):
        if status == Status.INFEASIBLE:
            return run.explained([])
        if status == Status.OPTIMAL and price is not None:
            best_price[tier.name] = price

    terms = _terms(objective, request)
    value_start = background.submit(_value_start, run, best_price) if "value" in terms else None
    qm = build_quote_model(catalog, request, run.specs, run.available, run.ordered, best_price)
    staged = StagedSolve(qm.model, limits)
    owner = owners(catalog)
    aims = Aims(
        weights=producer_weights(catalog, run.given_stock),
        likes=sku_preferences(catalog, request),
    )
    windows = {name: Window(spec.price_low, spec.price_high) for name, spec in run.specs.items()}
    held_spread: int | None = None
    held_value: dict[str, int] = {}
    for term in terms:
        first = not staged.outcomes
        near = False  # the spread candidate close to its bound: searched longer
        if term == "value":
            expression: cp_model.LinearExprT = qm.value()
            bound = (
                sum(best_price[t.name] * t.parcels for t in request.tiers)
                if len(best_price) == len(request.tiers)
                else None
            )
            assert value_start is not None
            hint = qm.hint(value_start.result())
        else:
            pending = background.submit(_later_bound, run, term, windows, owner, aims, held_spread)
            hint = None
            counted_bound: int | None = None
            if all(o.name == "value" for o in staged.outcomes):
                # The candidate leans toward every later aim too, so it serves the
                # stages after this one as well: they start from where this one
                # ends, which is the candidate or better.
                later = replace(aims, order=tuple(t for t in terms if t != "value"))
                fills = _later_fills(run, windows, later, qm, staged, background)
                fills = _with_joint_start(run, later, fills, pending.result()[1])
                if later.order == ("spread",) and len(request.tiers) <= COUNTED_TIERS:
                    fills, counted_bound = _counted_spread(
                        run, windows, owner, later, held_value, fills, pending.result()[0]
                    )
                hint = _completed_hint(qm, staged, fills)
                near = term == "spread" and _near(
                    run, later, fills, _lesser(pending.result()[0], counted_bound)
                )
            elif term == "preferences" and PREFERENCE_POLISH:
                hint = _preference_hint(run, windows, aims, qm, staged)
            expression = (
                spread_term(qm, owner, aims.weights)
                if term == "spread"
                else preference_term(qm, aims.likes)
            )
            bound = _lesser(pending.result()[0], counted_bound)
        wide = not first and term == "spread" and SPREAD_WIDE
        stopper = Stopper()
        counted = (
            background.submit(
                _counted, run, windows, owner, aims, held_spread, _answered(qm, staged), stopper
            )
            if term == "preferences"
            and COUNTED_PREFERENCES
            and len(request.tiers) <= COUNTED_TIERS
            and staged.solution is not None
            else None
        )
        outcome = staged.run(
            term,
            expression,
            bound=bound,
            hint=hint,
            work=None if first else SPREAD_WIDE_WORK if wide else LATER_STAGE_WORK,
            focus=_neighbourhoods(qm, term),
            focus_work=NEAR_WORK if near else FOCUS_WORK,
            focus_rounds=PREFERENCE_FOCUS_ROUNDS if term == "preferences" else 1,
            wider=first or wide,
            wider_gap=SPREAD_WIDE_GAP if wide else None,
            bound_row=first or LATER_BOUND_ROWS,
            search=first or term != "spread" or len(request.tiers) <= SPREAD_SEARCH_TIERS or near,
            linearization=SPREAD_WIDE_LINEARIZATION if wide else None,
        )
        if counted is not None:
            if outcome.status == Status.OPTIMAL:
                stopper.stop()  # nothing it finds can matter now
            found = counted.result()
            staged.tighten(found.bound)
            if _keeps_spread(run, aims, held_spread, found.fills) and _keeps_value(
                run, held_value, found.fills
            ):
                staged.offer(
                    qm.hint(found.fills),
                    expression,
                    focus=_neighbourhoods(qm, term),
                    focus_work=FOCUS_WORK,
                    focus_rounds=OFFER_FOCUS_ROUNDS,
                )
        if staged.solution is None:
            if outcome.status == Status.INFEASIBLE:
                return _confirmed_infeasible(run, [o.record() for o in staged.outcomes])
            break
        if term == "value":
            windows, held_value = _hold_value(qm, staged, Fraction(objective.value_tolerance))
        else:
            reached = staged.value(expression)
            staged.hold(expression, reached)
            if term == "spread":
                held_spread = reached

    records = [o.record() for o in staged.outcomes]
    if staged.solution is None:
        return run.unknown(
            "The time limit ran out before a valid quote was found or ruled out.",
            records,
            staged.deterministic,
        )
    proven = all(o.status == Status.OPTIMAL for o in staged.outcomes)
    result = Quote(
        request_id=request.id,
        company=request.company,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        tiers=tuple(read_tier(staged, slots) for slots in qm.tiers),
        solver=run.info(records, staged.deterministic),
    )
    result = with_totals(catalog, result)
    _verify(catalog, request, result, run.given_stock, run.ordered)
    return result


def _near(run: _Run, aims: Aims, fills: Mapping[str, Fill], bound: int | None) -> bool:
    """Whether ``fills`` sell for producers weighing within `NEAR_GAP` of the spread
    stage's ``bound``, short of it."""
    reached = run.shelf.score(fills, aims)
    if reached is None or bound is None:
        return False
    spread = reached[aims.order.index("spread")]
    return (1 - NEAR_GAP) * bound <= spread < bound


def _value_start(run: _Run, best_price: Mapping[str, int]) -> dict[str, Fill]:
    """The value stage's candidate: every tier filled near its best parcel, or, when
    the tiers cannot be filled one after another, the best one-variant quote,
    or else the tiers left unfilled lifted by the others (`_lifted_start`)."""
    tops = {name: top_window(run.specs[name], price) for name, price in best_price.items()}
    fills = _fills(run, tops, Aims())
    if len(fills) < len(run.request.tiers):
        missing = [t.name for t in run.request.tiers if t.name not in fills and t.name in tops]
        fills = (
            _one_variant_start(run, best_price)
            or (LIFTED_START and _lifted_start(run, best_price, tops, missing))
            or fills
        )
    return fills


def _lifted_start(
    run: _Run,
    best_price: Mapping[str, int],
    tops: Mapping[str, Window],
    missing: Sequence[str],
) -> dict[str, Fill]:
    """A candidate for tiers that cannot be filled on their own; {} if none.

    A small tier (REQ-0042: 5 manager parcels beside 105 staff ones) may need
    goods whose min_order only the other tiers' parcels can reach. Each tier in
    ``missing`` gets one variant, the parcel that leaves the fewest goods short
    (`fewest_short_parcel`), the priciest of those; the other tiers are then
    solved together as a quote model of their own that must lift those goods
    to their min_order, with `LIFT_WORK`. The parcel is sought at the tier's
    best price first; when the others cannot lift what it leaves short,
    anywhere in its top window (fewer goods short, a lower price).
    """
    for at_best in (True, False):
        windows = {
            name: Window(best_price[name], tops[name].high) if at_best else tops[name]
            for name in missing
        }
        fills = _lifted(run, best_price, windows)
        if fills:
            return fills
    return {}


def _lifted(
    run: _Run, best_price: Mapping[str, int], windows: Mapping[str, Window]
) -> dict[str, Fill]:
    """`_lifted_start` for one choice of windows for the tiers in ``windows``."""
    catalog, request = run.catalog, run.request
    owner = owners(catalog)
    ledger = run.shelf.ledger()
    fills: dict[str, Fill] = {}
    for tier in request.tiers:
        if tier.name in windows:
            parcel = fewest_short_parcel(
                run.specs[tier.name], tier.parcels, windows[tier.name], ledger, run.limits
            )
            if parcel is None:
                return {}
            ledger.take(parcel, tier.parcels, owner)
            fills[tier.name] = [(parcel, tier.parcels)]
    others = request.model_copy(
        update={"tiers": tuple(t for t in request.tiers if t.name not in fills)}
    )
    if not others.tiers:
        return fills
    booked = {key: run.available[key] - units for key, units in ledger.left.items()}
    ordered = {sku: run.ordered.get(sku, 0) + booked.get(sku, 0) for sku in ledger.short}
    specs = request_specs(catalog, others, ledger.left, ordered)
    qm = build_quote_model(catalog, others, specs, ledger.left, ordered, best_price)
    for sku in sorted(ledger.owed):
        if sku not in qm.total_units:
            return {}
        qm.model.add(qm.total_units[sku] >= ledger.short[sku])
    qm.model.maximize(qm.value())
    solver = parameters(replace(run.limits, work_per_stage=LIFT_WORK))
    if solver.solve(qm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    for slots in qm.tiers:
        fills[slots.tier.name] = [
            (contents_of(solver, slot.packaging, slot.qty), int(solver.value(count)))
            for slot, count in zip(slots.slots, slots.counts, strict=True)
            if solver.value(count) > 0
        ]
    return fills


def _later_bound(
    run: _Run,
    term: Term,
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    aims: Aims,
    held_spread: int | None,
) -> tuple[int | None, dict[str, list[ParcelContents]]]:
    """The proven bound of a stage after value (`bounds`), with the value held in
    ``windows``; for preferences also with the spread held, when it is
    (`places_bound`), the lesser of the two. For spread on quotes of at most
    `VARIANTS_TIERS` tiers also `joint_variants`' bound, and its variants
    (`_with_joint_start` may start from them), else {}; on more tiers the
    spread bound caps each tier by that model on the tier alone (`TIER_CAPS`)."""
    needs = run.shelf.needs()
    if term == "spread":
        weights = aims.weights
        several = len(run.request.tiers) > VARIANTS_TIERS
        caps = (
            tier_caps(run.request, run.specs, windows, owner, weights, run.limits)
            if several and TIER_CAPS
            else None
        )
        bound = spread_bound(
            run.request, run.specs, windows, owner, weights, needs, run.available, run.limits, caps
        )
        if several:
            return bound, {}
        joint = joint_variants(run.request, run.specs, windows, owner, weights, run.limits)
        if joint.bound is not None:
            bound = joint.bound if bound is None else min(bound, joint.bound)
        return bound, joint.variants
    bound = preference_bound(run.request, run.specs, windows, aims.likes, run.limits)
    if held_spread is None:
        return bound, {}
    if DISLIKES_BOUND:
        bound = _lesser(bound, _dislikes_bound(run, windows, owner, aims, needs, held_spread))
    if not PLACES_BOUND:
        return bound, {}
    places = places_bound(
        run.request,
        run.specs,
        windows,
        owner,
        aims.weights,
        aims.likes,
        needs,
        run.available,
        held_spread,
        run.limits,
    )
    if places is None:
        return bound, {}
    return (places if bound is None else min(bound, places)), {}


def _dislikes_bound(
    run: _Run,
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    aims: Aims,
    needs: Mapping[str, int],
    held_spread: int,
) -> int | None:
    """The liked goods' preference bound less what the spread held forces the
    quote to ship of disliked ones (`forced_dislikes`); None when nothing is forced."""
    if not any(w < 0 for w in aims.likes.values()):
        return None
    forced = forced_dislikes(
        run.specs, owner, aims.weights, aims.likes, needs, run.available, held_spread
    )
    if not forced:
        return None
    liked = {sku: w for sku, w in aims.likes.items() if w > 0}
    ceiling = preference_bound(run.request, run.specs, windows, liked, run.limits) if liked else 0
    return None if ceiling is None else ceiling - forced


def _with_joint_start(
    run: _Run, aims: Aims, fills: dict[str, Fill], variants: Mapping[str, list[ParcelContents]]
) -> dict[str, Fill]:
    """``variants`` (`joint_variants`'), counted (`_joint_start`), when they sell
    for more producers than ``fills`` and no preference stage follows, else
    ``fills``. They are counted only then.

    The joint variants know nothing of the company's likes. Where a preference
    stage follows, the spread stage's search from the fills reached the bound
    as well on the benchmark, and left the likes more room (REQ-0025 440
    against 340, REQ-0068 3,220 against 0, from the joint variants).
    """
    if aims.order != ("spread",) or not variants:
        return fills
    start = _joint_start(run, variants)
    joint = run.shelf.score(start, aims)
    return start if joint is not None and joint > (run.shelf.score(fills, aims) or ()) else fills


def _joint_start(run: _Run, variants: Mapping[str, list[ParcelContents]]) -> dict[str, Fill]:
    """``variants`` (`joint_variants`', one list per tier) with parcel counts that
    keep stock and min_order (`variant_counts`): a candidate that sells for as
    many producers as the bound says; {} when counts cannot be found.

    Alike variants are merged first. SYN-0012 (560 parcels, three variants)
    reaches its bound so, 470 weighted producers; the polished fills reach 460.
    """
    if len(variants) != len(run.request.tiers):
        return {}
    ledger = run.shelf.ledger()
    owner = owners(run.catalog)
    fills: dict[str, Fill] = {}
    for tier in run.request.tiers:
        parcels: list[ParcelContents] = []
        for parcel in variants[tier.name]:
            if parcel not in parcels:
                parcels.append(parcel)
        counts = variant_counts(parcels, tier.parcels, ledger, run.candidate_limits(CANDIDATE_WORK))
        if counts is None:
            return {}
        fill = list(zip(parcels, counts, strict=True))
        for parcel, count in fill:
            ledger.take(parcel, count, owner)
        fills[tier.name] = fill
    return fills


def _neighbourhoods(qm: QuoteModel, term: Term) -> list[list[cp_model.IntVar]]:
    """What a stage's searches keep fixed, in turn: before (the first stage) or
    instead of (the later stages) a search of the whole model.

    First the parcel counts (the contents move). For value, the first stage by
    default, this comes before the search of the whole model: on the 100
    benchmark quotes 98 then end within 1 % of the bound, against 96
    (REQ-0005 and SYN-0021 proven optimal; REQ-0061 0.14 % from its bound,
    was 1.45 %). Preferences count units, so moving parcels from one variant
    to another pays there: their stage then also keeps the contents and moves
    the counts (the 26 sample requests with preferences: a score of 20,349 in
    all against 15,824 with the counts-fixed search alone, in no more time),
    and on large tiers frees two slots at a time, counts and contents
    (`_host_pairs`). For spread, moving counts cannot add a producer.
    """
    if term == "preferences":
        return [qm.counts(), qm.contents(), *_host_pairs(qm)]
    return [qm.counts()]


def _host_pairs(qm: QuoteModel) -> list[list[cp_model.IntVar]]:
    """For each tier of `HOST_PAIR_PARCELS` parcels or more, its first slot (the
    most parcels) with each other slot, both free, counts and contents, the
    rest of the quote fixed."""
    return [
        qm.all_but(slots, (0, other))
        for slots in qm.tiers
        if slots.tier.parcels >= HOST_PAIR_PARCELS
        for other in range(1, len(slots.slots))
    ]


def _terms(objective: QuoteObjective, request: Request) -> list[Term]:
    """The stages to run: preferences only when the company has any."""
    likes = request.preferences
    has_preferences = any(likes.categories.values()) or any(likes.skus.values())
    return [t for t in objective.order if t != "preferences" or has_preferences]


def _hold_value(
    qm: QuoteModel, staged: StagedSolve, tolerance: Fraction
) -> tuple[dict[str, Window], dict[str, int]]:
    """Hold the value reached: each tier keeps ``1 - tolerance`` of it, in total and
    per parcel. Returns each tier's price window and the least total it may have.

    Holding it per parcel too (every variant at least ``1 - tolerance`` of the
    tier's value per parcel, or of the cheapest variant the value stage chose)
    means no employee's parcel pays for another producer in the quote, and it
    gives the later stages a price window per tier for their bounds and
    candidates.
    """
    windows = {}
    least = {}
    for slots in qm.tiers:
        total = staged.value(slots.value())
        least[slots.tier.name] = ceil((1 - tolerance) * total)
        qm.model.add(slots.value() >= least[slots.tier.name])
        reached = Fraction(total, slots.tier.parcels)
        # Never below a variant the value stage chose, so its answer stays valid.
        cheapest = min(staged.value(c.price) for c in slots.slots if staged.value(c.active))
        window = value_window(slots.spec, min(reached, Fraction(cheapest)), tolerance)
        for composition in slots.slots:
            qm.model.add(composition.price >= window.low).only_enforce_if(composition.active)
        windows[slots.tier.name] = window
    return windows, least


def _fills(
    run: _Run,
    windows: Mapping[str, Window],
    aims: Aims,
    keep: Mapping[str, Fill] | None = None,
    limits: Limits | None = None,
    splits: Splits | None = None,
    smallest_first: bool = False,
    share_owed: bool = False,
) -> dict[str, Fill]:
    """Tiers filled by `fill_tier` in arrival order (or ``smallest_first``), sharing one ledger.

    Tiers in ``keep`` are booked first, as they are; the others must then lift
    any sku those leave below its min_order (with ``share_owed``, over their
    variants; see `fill_tier`). A tier that cannot be filled is
    left out: completing the hint then solves for it, with the others fixed.

    The value stage's candidate tries lower price windows for a tier that
    cannot be filled near its best parcel (`_windows_below`).
    """
    owner = owners(run.catalog)
    ledger = run.shelf.ledger()
    fills: dict[str, Fill] = dict(keep or {})
    for kept in fills.values():
        for parcel, count in kept:
            ledger.take(parcel, count, owner)
    order = list(run.request.tiers)
    if smallest_first:
        order.sort(key=lambda t: t.parcels)
    for tier in order:
        if tier.name not in windows or tier.name in fills:
            continue
        spec = run.specs[tier.name]
        tries = [windows[tier.name]]
        if not aims.order:
            # When nothing near the best parcel fits what is left, the next
            # window down, and so on.
            tries += _windows_below(spec, windows[tier.name])
        for window in tries:
            fill = fill_tier(
                spec,
                tier.parcels,
                window,
                ledger,
                owner,
                limits or run.limits,
                aims,
                (splits or {}).get(tier.name),
                share_owed,
            )
            if fill is not None:
                fills[tier.name] = fill
                break
    return fills


def _windows_below(spec: TierSpec, top: Window) -> list[Window]:
    """Up to `LOWER_WINDOWS` price windows below ``top``, each as wide as the
    variant price spread allows, then every price left below them."""
    ratio = spec.spread_ratio
    windows: list[Window] = []
    high = top.low - 1
    while high >= spec.price_low and len(windows) < LOWER_WINDOWS:
        windows.append(Window(max(spec.price_low, ceil(high / ratio)), high))
        high = windows[-1].low - 1
    if high >= spec.price_low:
        windows.append(Window(spec.price_low, high))
    return windows


def _later_fills(
    run: _Run,
    windows: Mapping[str, Window],
    later: Aims,
    qm: QuoteModel,
    staged: StagedSolve,
    background: Executor,
) -> dict[str, Fill]:
    """The candidate of the stages other than value: `_fills` with the ``later`` aims
    (`_either_order`), then `polished`.

    Tiers that cannot be filled so are kept as the value stage left them (when
    it ran), and the others filled around them. When that candidate is not a
    valid quote as a whole, the polish starts from the value stage's answer.
    Such tiers are also filled first (`_short_first`): both starts are
    polished and the better kept. On quotes whose spread stage does not
    search (`SPREAD_SEARCH_TIERS`), two of its variants are then re-filled
    together (`paired`).
    """
    quick = run.candidate_limits(CANDIDATE_WORK)
    fills = _either_order(run, windows, later, quick, background)
    starts = []
    if len(fills) < len(run.request.tiers):
        missing = [t.name for t in run.request.tiers if t.name not in fills]
        if SHORT_FIRST:
            starts.append(_short_first(run, windows, later, missing, quick))
        if staged.solution is not None:
            kept = {name: fill for name, fill in _answered(qm, staged).items() if name in missing}
            fills = _fills(run, windows, later, keep=kept, limits=quick) or fills
    start = dict(fills)
    if staged.solution is not None:
        answered = _answered(qm, staged)
        start = {**answered, **fills}
        if run.shelf.score(start, later) is None:
            start = answered
    starts.insert(0, start)
    valid = [s for s in starts if run.shelf.score(s, later) is not None]
    if not valid:
        return fills
    polish = run.candidate_limits(POLISH_WORK)
    results = [
        dict(
            polished(
                run.shelf,
                windows,
                later,
                s,
                polish,
                lambda others, split: _fills(
                    run, windows, later, keep=others, limits=polish, splits=split
                ),
            )
        )
        for s in valid
    ]
    # The first of the best: the usual start wins a tie.
    best = max(results, key=lambda r: run.shelf.score(r, later) or ())
    if "spread" in later.order and len(run.request.tiers) > SPREAD_SEARCH_TIERS:
        best = dict(paired(run.shelf, windows, later, best, polish))
    return best


def _either_order(
    run: _Run, windows: Mapping[str, Window], aims: Aims, limits: Limits, background: Executor
) -> dict[str, Fill]:
    """`_fills` in arrival order and, with `SMALL_FIRST` and several tiers, smallest
    first (on ``background``): the one that scores more, arrival order on a tie.
    Tiers that arrive smallest first are filled once."""
    sizes = [tier.parcels for tier in run.request.tiers]
    if not SMALL_FIRST or sizes == sorted(sizes):
        return _fills(run, windows, aims, limits=limits)
    pending = background.submit(_fills, run, windows, aims, None, limits, None, True)
    arrival = _fills(run, windows, aims, limits=limits)
    smallest = pending.result()
    reached = run.shelf.score(smallest, aims)
    if reached is not None and reached > (run.shelf.score(arrival, aims) or ()):
        return smallest
    return arrival


def _short_first(
    run: _Run, windows: Mapping[str, Window], aims: Aims, missing: Sequence[str], limits: Limits
) -> dict[str, Fill]:
    """The later stages' candidate when the tiers in ``missing`` cannot be filled
    after the others: each gets one variant first, the parcel that leaves the
    fewest goods short of their min_order and of those the most of ``aims``
    (`fewest_short_parcel`); the other tiers are then filled around them and
    lift what they leave short. {} when a tier finds no parcel.

    REQ-0004: 5 manager parcels must hold dates, whose min_order only the 85
    staff parcels can reach. Kept as the value stage left them, the manager
    parcels owe four goods, and the staff variant that lifts them holds six
    items; polished, that start sells for 200 weighted producers. Filled
    first, they owe three, and the polish of this start reaches 230.
    """
    owner = owners(run.catalog)
    ledger = run.shelf.ledger()
    kept: dict[str, Fill] = {}
    for name in missing:
        tier = next(t for t in run.request.tiers if t.name == name)
        parcel = fewest_short_parcel(
            run.specs[name], tier.parcels, windows[name], ledger, limits, owner, aims
        )
        if parcel is None:
            return {}
        ledger.take(parcel, tier.parcels, owner)
        kept[name] = [(parcel, tier.parcels)]
    return _fills(run, windows, aims, keep=kept, limits=limits, share_owed=SHORT_FIRST_SHARED)


def _preference_hint(
    run: _Run, windows: Mapping[str, Window], aims: Aims, qm: QuoteModel, staged: StagedSolve
) -> dict[cp_model.IntVar, int] | None:
    """The preference stage's candidate: the last stage's answer, `polished` for
    preferences with every producer it sells for kept; None if nothing rose."""
    if staged.solution is None:
        return None
    answered = _answered(qm, staged)
    likes = replace(aims, order=("preferences",))
    if run.shelf.score(answered, likes) is None:
        return None
    polish = run.candidate_limits(POLISH_WORK)
    raised = polished(
        run.shelf,
        windows,
        likes,
        answered,
        polish,
        None,
        keep_spread=True,
        rounds=PREFERENCE_ROUNDS,
    )
    return None if raised is answered else qm.hint(raised)


def _counted(
    run: _Run,
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    aims: Aims,
    held_spread: int | None,
    answered: Mapping[str, Fill],
    stopper: Stopper,
) -> Counted:
    """The counted model's bound on the preference stage, and its answer
    (`counted_quote`), run beside the stage's own search; ``answered``, the
    spread stage's answer, is what its answer must beat to be worth repairing.
    ``stopper`` ends it once the stage is proven."""
    if held_spread is None:
        return Counted(None, {})
    reached = run.shelf.score(answered, replace(aims, order=("preferences",)))
    return _counted_model(
        run,
        windows,
        owner,
        aims,
        likes=aims.likes,
        spread=held_spread,
        beat=None if reached is None else reached[0],
        work=COUNTED_PREFERENCE_WORK,
        stopper=stopper,
    )


def _counted_model(
    run: _Run, windows: Mapping[str, Window], owner: Mapping[str, str], aims: Aims, **options: Any
) -> Counted:
    """`counted_quote` for ``run``'s request, stock and needs, with ``options``."""
    needs = run.shelf.needs()
    return counted_quote(
        run.request,
        run.specs,
        windows,
        owner,
        aims.weights,
        needs,
        run.available,
        run.limits,
        **options,
    )


def _counted_spread(
    run: _Run,
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    aims: Aims,
    held_value: Mapping[str, int],
    fills: dict[str, Fill],
    bound: int | None,
) -> tuple[dict[str, Fill], int | None]:
    """When ``fills`` sell for fewer producers than ``bound``: the counted model's
    bound on the spread, and its quote when it sells for more than ``fills``
    (as found, or its variants counted anew when a good held in two of them
    misses its min_order or stock, `_joint_start`); else ``fills`` and None.

    Its quote knows nothing of the company's likes, so it runs only where no
    preference stage follows (REQ-0068's counted quote sold for 370, the
    bound, and left a preference score of -50 where the stage's search from
    ``fills`` reached 370 and 3,300; its bound alone tightened none of the
    benchmark's quotes with preferences).
    """
    spread_only = replace(aims, order=("spread",))
    reached = run.shelf.score(fills, spread_only)
    if reached is None or bound is None or not bound > reached[0] >= (1 - COUNTED_GAP) * bound:
        return fills, None
    found = _counted_model(run, windows, owner, aims, beat=reached[0])
    candidate = found.fills
    if found.fills and run.shelf.score(found.fills, spread_only) is None:
        candidate = _joint_start(run, {name: [p for p, _ in f] for name, f in found.fills.items()})
    more = run.shelf.score(candidate, spread_only) if candidate else None
    if more is not None and more > reached and _keeps_value(run, held_value, candidate):
        return candidate, found.bound
    return fills, found.bound


def _keeps_spread(
    run: _Run, aims: Aims, held_spread: int | None, fills: Mapping[str, Fill]
) -> bool:
    """Whether ``fills`` are a quote that sells for the spread held, or more.

    `StagedSolve.offer` checks this too (the model holds the spread), but only
    by a solve with every decision fixed, which costs 0.03 to 0.06 s a quote:
    measured on the 14 one-tier quotes with preferences, offering every answer
    the counted model found gave the same quotes, each that much slower."""
    reached = run.shelf.score(fills, replace(aims, order=("spread",))) if fills else None
    return reached is not None and held_spread is not None and reached[0] >= held_spread


def _keeps_value(run: _Run, held_value: Mapping[str, int], fills: Mapping[str, Fill]) -> bool:
    """Whether every tier of ``fills`` costs at least the total the value stage held."""
    return bool(fills) and all(
        sum(count * parcel_price(run.specs[name], parcel) for parcel, count in fill)
        >= held_value.get(name, 0)
        for name, fill in fills.items()
    )


def _lesser(bound: int | None, other: int | None) -> int | None:
    """The lesser of two bounds, either of which may be unknown (None)."""
    if bound is None or other is None:
        return other if bound is None else bound
    return min(bound, other)


def _completed_hint(
    qm: QuoteModel, staged: StagedSolve, fills: Mapping[str, Fill]
) -> dict[cp_model.IntVar, int]:
    """The hint of ``fills``, with the tiers they leave out as the last stage left them.

    Completing a hint that leaves whole tiers free is a search of its own, at
    a whole stage's work; in the spread stages of the benchmark it never beat
    the answer it started from and cost REQ-0005 and REQ-0061 about 1.3 s each
    (measured with benchmarks/quote_latency.py --synthetic 30: every answer
    the same, before and after). Fixed in full, the candidate is checked at once.
    """
    hint = qm.hint(fills)
    missing = [slots for slots in qm.tiers if slots.tier.name not in fills]
    if missing and staged.solution is not None:
        hint.update({var: staged.solution[var.index] for var in qm.decisions(missing)})
    return hint


def _answered(qm: QuoteModel, staged: StagedSolve) -> dict[str, Fill]:
    """The last answer found, every tier as a fill."""
    return {slots.tier.name: _as_fill(read_tier(staged, slots)) for slots in qm.tiers}


def _as_fill(tier: TierQuote) -> Fill:
    """A quoted tier's variants as a fill: (parcel, count) pairs, most parcels first."""
    return [((v.packaging, {i.sku: i.qty for i in v.items}), v.parcels) for v in tier.variants]


def _one_variant_start(run: _Run, best_price: Mapping[str, int]) -> dict[str, Fill]:
    """The best quote with one variant per tier, solved as a model of its own; {} if none.

    When the tiers cannot be filled one after another (a small tier needs skus
    that only a large tier can lift to their min_order), this model, a third the
    size of the full one, finds tiers that fit together quickly.
    """
    specs = {
        name: replace(spec, rules=spec.rules.model_copy(update={"max_variants": 1}))
        for name, spec in run.specs.items()
    }
    small = build_quote_model(
        run.catalog, run.request, specs, run.available, run.ordered, best_price
    )
    small.model.maximize(small.value())
    solver = parameters(run.limits)
    if solver.solve(small.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}
    return {
        slots.tier.name: [
            (
                contents_of(solver, slots.slots[0].packaging, slots.slots[0].qty),
                slots.tier.parcels,
            )
        ]
        for slots in small.tiers
    }


def servable(
    catalog: Catalog,
    request: Request,
    *,
    stock: Mapping[str, int] | None,
    ordered: Mapping[str, int],
    limits: Limits,
) -> bool:
    """True when some valid quote for ``request`` exists (a feasibility solve, no objective)."""
    available = available_stock(catalog, stock)
    specs = request_specs(catalog, request, available, ordered)
    if diagnose.precheck(catalog, request, specs, available):
        return False
    qm = build_quote_model(catalog, request, specs, available, ordered)
    return parameters(limits).solve(qm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _confirmed_infeasible(run: _Run, stages: list[Stage]) -> Quote:
    """Confirm a solver's "infeasible" with presolve off (ortools 9.15 issues), then explain."""
    qm = build_quote_model(run.catalog, run.request, run.specs, run.available, run.ordered)
    code = parameters(run.limits, presolve=False).solve(qm.model)
    if code != cp_model.INFEASIBLE:
        log.warning("request %s: infeasible not confirmed with presolve off", run.request.id)
        return run.unknown(
            "The optimizer could not settle whether this request can be served.", stages, True
        )
    return run.explained(stages)


def _verify(
    catalog: Catalog,
    request: Request,
    result: Quote,
    stock: Mapping[str, int] | None,
    ordered: Mapping[str, int] | None,
) -> None:
    violations = check_quote(catalog, request, result, stock=stock, ordered=ordered)
    if violations:
        listed = "\n".join(f"  - {v}" for v in violations)
        raise SolverError(f"the quote for {request.id} does not verify:\n{listed}")


__all__ = ["QuoteObjective", "quote", "servable", "tier_spec"]
