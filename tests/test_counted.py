"""The counted model: variant slots with parcel counts, min_order and stock as thresholds."""

from __future__ import annotations

import importlib
import time
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Request, Status
from parcelkit.solve import counted
from parcelkit.solve.counted import Counted, Stopper, counted_quote
from parcelkit.solve.eligibility import available_stock
from parcelkit.solve.objectives import owners, producer_weights
from parcelkit.solve.quote import quote, request_specs
from parcelkit.solve.single import Window
from parcelkit.solve.stages import Limits, StagedSolve
from parcelkit.verify import check_quote
from tests.test_quote import _synthetic
from tests.tiny import (
    best_liked,
    best_spread,
    draw_likes,
    held_spreads,
    is_quote,
    tiny_cases,
    variant_cases,
)


def _counted(
    catalog: Catalog,
    request: Request,
    likes: dict[str, int] | None = None,
    spread: int = 0,
    narrow: bool = False,
    stopper: Stopper | None = None,
) -> Counted:
    """`counted_quote` over the tiers' whole price windows; ``narrow``, with each
    window's high at its low (a stage holds prices from the low up, so the
    model may not count on the high)."""
    stock = available_stock(catalog, None)
    specs = request_specs(catalog, request, stock, {})
    windows = {
        name: Window(s.price_low, s.price_low if narrow else s.price_high)
        for name, s in specs.items()
    }
    needs = {p.sku: p.min_order for p in catalog.products}
    limits = Limits(work_per_stage=5.0, deadline=time.monotonic() + 60)
    return counted_quote(
        request,
        specs,
        windows,
        owners(catalog),
        producer_weights(catalog, None),
        needs,
        stock,
        limits,
        likes=likes,
        spread=spread,
        stopper=stopper,
    )


def _spread(catalog: Catalog, found: Counted) -> int:
    """The producers (10 each) that sell in ``found``'s quote."""
    owner = owners(catalog)
    keys = {
        key
        for fill in found.fills.values()
        for (package, contents), _ in fill
        for key in (package, *contents)
    }
    return 10 * len({owner[key] for key in keys if key in owner})


@settings(max_examples=80, deadline=None)
@given(st.one_of(variant_cases(), tiny_cases()))
def test_the_counted_spread_bound_is_at_least_every_quote_s_spread(
    case: tuple[Catalog, Request],
) -> None:
    """Brute force over every valid quote never sells for more producers than the
    counted model's bound; its answer, once it misses no min_order or stock,
    is a valid quote (checked from FORMAT.md alone), and so no better than the best."""
    catalog, request = case
    best = best_spread(catalog, request)
    found = _counted(catalog, request)
    if best is not None and found.bound is not None:
        assert found.bound >= best
    narrow = _counted(catalog, request, narrow=True).bound
    if best is not None and narrow is not None:
        assert narrow >= best
    if found.fills and not counted._missed(found.fills, _needs(catalog), _stock(catalog)):
        assert is_quote(catalog, request, found.fills)
        assert best is not None and _spread(catalog, found) <= best


@settings(max_examples=80, deadline=None)
@given(st.one_of(variant_cases(), tiny_cases()), st.data())
def test_the_counted_preference_bound_is_at_least_every_quote_s_score_with_the_spread_held(
    case: tuple[Catalog, Request], data: st.DataObject
) -> None:
    """Brute force over every valid quote whose spread reaches the held level
    never scores more (likes and dislikes) than the counted model's bound, at
    the best spread and one producer below."""
    catalog, request = case
    likes = draw_likes(data, catalog)
    for spread in held_spreads(catalog, request):
        best = best_liked(catalog, request, likes, spread)
        found = _counted(catalog, request, likes, spread)
        if best is not None and found.bound is not None:
            assert found.bound >= best


def _needs(catalog: Catalog) -> dict[str, int]:
    return {p.sku: p.min_order for p in catalog.products}


def _stock(catalog: Catalog) -> dict[str, int]:
    return available_stock(catalog, None)


def test_the_counted_model_proves_a_spread_the_fills_fall_short_of() -> None:
    """140 parcels at Rp250.000 (SYN-0049 of the latency benchmark): the polished
    fills sell for 29 producers against a bound of 32. The counted model sees
    that min_order leaves 31 at most and finds a quote of 31: proven."""
    catalog = karawang_catalog()
    request = _synthetic(49, {"staff": (140, 250_000)}, ("beverage", "snack"))
    result = quote(catalog, request)
    spread = next(s for s in result.solver.stages if s.name == "spread")
    assert spread.objective == spread.bound == 310
    assert result.status == Status.OPTIMAL
    module = importlib.import_module("parcelkit.solve.quote")
    with patch.object(module, "COUNTED_TIERS", 0):
        without = quote(catalog, request)
    spread = next(s for s in without.solver.stages if s.name == "spread")
    assert (spread.objective, spread.bound) == (290, 320)


def test_the_counted_model_proves_a_preference_score() -> None:
    """REQ-0067 (540 parcels, two variants, likes beverages and dislikes tea):
    with 17 producers held, a parcel of two beverages leaves too few places,
    and the small variant's producers must reach their min_order in its own
    parcels. Beside the stage's search (`COUNTED_PREFERENCES`) the counted
    model proves the answer's 880, where the other bounds say 1,080."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0067")
    result = quote(catalog, request)
    liked = next(s for s in result.solver.stages if s.name == "preferences")
    assert liked.objective == liked.bound == 880
    assert result.status == Status.OPTIMAL
    module = importlib.import_module("parcelkit.solve.quote")
    with patch.object(module, "COUNTED_PREFERENCES", False):
        without = quote(catalog, request)
    liked = next(s for s in without.solver.stages if s.name == "preferences")
    assert (liked.objective, liked.bound) == (880, 1080)
    assert without.status == Status.FEASIBLE


def test_the_counted_models_answer_is_taken_when_it_scores_higher() -> None:
    """REQ-0012 (540 parcels, likes coffee): the preference stage's own search
    ends at 720; the counted model, beside it, finds a quote of 880 with the
    same 31 producers and the value held, and the stage's neighbourhoods
    searched around that reach 930 (`OFFER_FOCUS_ROUNDS`); 880 without."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0012")
    result = quote(catalog, request)
    assert [(s.name, s.objective) for s in result.solver.stages][1:] == [
        ("spread", 310),
        ("preferences", 930),
    ]
    assert check_quote(catalog, request, result) == []
    module = importlib.import_module("parcelkit.solve.quote")
    with patch.object(module, "OFFER_FOCUS_ROUNDS", 0):
        offered = quote(catalog, request)
    assert offered.solver.stages[-1].objective == 880
    with patch.object(StagedSolve, "offer", lambda *args, **kwargs: False):
        without = quote(catalog, request)
    assert [(s.name, s.objective) for s in without.solver.stages][1:] == [
        ("spread", 310),
        ("preferences", 720),
    ]


def test_a_stopped_counted_model_solves_nothing() -> None:
    """A `Stopper` stopped before the model solves: no bound, no answer, at once."""
    catalog = karawang_catalog()
    request = next(r for r in karawang_requests() if r.id == "REQ-0067")
    stopper = Stopper()
    stopper.stop()
    assert _counted(catalog, request, stopper=stopper) == Counted(None, {})
