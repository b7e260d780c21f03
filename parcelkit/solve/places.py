"""The preference stage's bound from producer places, once the spread is held.

`parcelkit.solve.bounds.preference_bound` lets every parcel hold the best
liked goods a single parcel can. When the spread stage reached (nearly) every
producer place the variants have, that is far too generous: a parcel that
sells for as many producers as it can has no room for a second unit of a
liked good, a liked good needs enough parcels for its min_order, and a
producer in two variants takes two places for one producer. On the sample
requests whose spread is at its bound this bound proves answers optimal that
the per-parcel one leaves 24 to 100 % away (REQ-0002, REQ-0047, REQ-0051).

The relaxation, per variant slot ``v`` of a tier (``n_v`` parcels):

- ``D_v``, the weight of producers of the items in its parcel, is at most
  ``most``, the best one parcel priced in the window can do. A parcel's
  preference score is at most ``G(d)`` when ``D_v >= d`` (`best_single` with
  producers held at ``d``), tried at ``d = most`` and at the least ``D_v`` the
  held spread leaves. Disliked goods enter only here: a parcel holding that
  many producers may have to hold some.
- *Tracked* producers, those of liked goods and the packaging makers, are
  modelled one by one: in which slots they are, and a maker's box once a slot.
- Every other producer that sells does so through one slot alone (``A_v``)
  or through several (it takes a place in each). One that sells through slot
  ``v`` alone reaches its good's need there: with a good of need ``m`` held
  ``q`` times a parcel, ``q x n_v >= m``. So ``A_v`` is at most ``H(n_v)``,
  the best one parcel can do counting only producers whose good it holds
  ``ceil(m / n_v)`` times or more (`best_single` again, at each ``n`` where
  that changes).
- Places: ``A_v`` + the tracked producers' items + the places of producers
  in several slots <= ``D_v``; the spread, tracked producers once each plus
  ``sum A_v`` plus half the several-slot places, is at least what was held.
- Liked units per slot are unary steps times ``n_v``, as in the quote model,
  within stock and min_order over the quote.

Every valid quote with its spread held maps onto this model, so CP-SAT's
bound on it is a bound on the stage. It is only built when the spread left
fewer than two producers' places spare (`SPARE_PRODUCERS`): with more to
spare the slots can hold the liked goods besides the producers, and on the
benchmark it tightened no bound worth its time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from math import ceil, floor

from ortools.sat.python import cp_model

from parcelkit.models import Request, Tier
from parcelkit.solve.bounds import best_single
from parcelkit.solve.objectives import parcel_preference, sells_term, weighted_sellers
from parcelkit.solve.parcel import Composition, TierSpec
from parcelkit.solve.single import Window
from parcelkit.solve.stages import Limits, parameters

PLACES_WORK = 0.1
"""Deterministic seconds for the places model's search; its best bound is
valid whether or not the search closes."""

SPARE_PRODUCERS = 2
"""The bound is built only when fewer places than this many of the lightest
producers are spare. Measured on the latency benchmark's 26 quotes with
preferences: it tightened the bound of all 6 with one producer spare or none
(REQ-0002, REQ-0047 and REQ-0051 then proven optimal); of REQ-0068, with two
spare, from 20,000 to 16,000 against an answer of 1,200, in 0.47 s; of none
with three or more spare."""


@dataclass(frozen=True)
class _Goods:
    """Who owns what, and what the model counts: the inputs every part shares."""

    owner: Mapping[str, str]
    """sku or packaging id -> the producer whose revenue it is."""
    item_owner: Mapping[str, str]
    """sku -> producer, for the products the tiers may use."""
    tracked: frozenset[str]
    """Producers modelled one by one: those of liked goods and the box makers."""
    weights: Mapping[str, int]
    likes: Mapping[str, int]
    needs: Mapping[str, int]
    limits: Limits


@dataclass(frozen=True)
class _Tier:
    """What the places model needs of one tier."""

    tier: Tier
    spec: TierSpec
    low: int
    most: int
    """Weight of item producers one parcel in the window can hold."""
    box_maker: int
    """Weight of the heaviest packaging maker the tier may use (0: none)."""

    @property
    def slots(self) -> int:
        return min(self.spec.rules.max_variants, self.tier.parcels)


@dataclass(frozen=True)
class _Levels:
    """A tier's single-parcel bounds, the same for each of its slots."""

    score: list[tuple[int, int | None]]
    """`_score_levels`: (producers d, the best score of a parcel holding d or more)."""
    alone: list[tuple[int, int | None]]
    """`_alone_levels`: (parcels n, ``H(n)``)."""


@dataclass
class _Places:
    """The model and what the slots add to the spread and objective rows."""

    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    alone: list[cp_model.IntVar] = field(default_factory=list)
    scores: list[cp_model.LinearExprT] = field(default_factory=list)
    several: list[cp_model.IntVar] = field(default_factory=list)
    tracked_in: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)
    units: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)


def places_bound(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    likes: Mapping[str, int],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
    spread: int,
    limits: Limits,
) -> int | None:
    """A bound on the preference score of any quote whose spread is at least
    ``spread``; None when it is not built (places to spare) or not proven.

    ``needs`` gives the units a sku needs over the quote once used (its
    min_order less what is already ordered), ``stock`` the units left.
    Liked goods are modelled unit by unit; disliked ones only through the
    per-parcel levels (a parcel holding that many producers may have to hold
    some), so a slot scores at most its liked units and at most its level.
    """
    item_owner = {p.sku: owner[p.sku] for spec in specs.values() for p in spec.products}
    makers = {owner[p.id] for spec in specs.values() for p in spec.packaging if p.id in owner}
    liked_by = {item_owner[sku] for sku, w in likes.items() if w > 0 and sku in item_owner}
    goods = _Goods(owner, item_owner, frozenset(liked_by | makers), weights, likes, needs, limits)
    if not likes:
        return None
    tiers = [_tier(goods, tier, specs[tier.name], windows[tier.name]) for tier in request.tiers]
    known = [t for t in tiers if t is not None]
    if len(known) < len(tiers):
        return None
    spare = sum(t.slots * (t.most + t.box_maker) for t in known) - spread
    lightest = min((weights.get(j, 10) for j in set(item_owner.values()) | makers), default=10)
    if spare >= SPARE_PRODUCERS * lightest:
        return None

    places = _Places()
    for t in known:
        levels = _Levels(_score_levels(goods, t, spare), _alone_levels(goods, t))
        counts = [_add_slot(places, goods, t, index, levels) for index in range(t.slots)]
        for earlier, later in pairwise(counts):
            places.model.add(earlier >= later)
        places.model.add(cp_model.LinearExpr.sum(counts) == t.tier.parcels)
    return _solve(places, goods, stock, spread)


def _tier(goods: _Goods, tier: Tier, spec: TierSpec, window: Window) -> _Tier | None:
    """A tier's numbers for the model; None when its best parcel is not proven."""
    most = best_single(
        spec,
        window.low,
        lambda model, c: sells_term(model, [c], goods.item_owner, goods.weights),
        goods.limits,
    )
    if most is None:
        return None
    box_maker = max(
        (goods.weights.get(goods.owner[p.id], 10) for p in spec.packaging if p.id in goods.owner),
        default=0,
    )
    return _Tier(tier, spec, window.low, most, box_maker)


def _add_slot(
    places: _Places, goods: _Goods, t: _Tier, index: int, levels: _Levels
) -> cp_model.IntVar:
    """One variant slot's variables and rows; returns its parcel count."""
    model, parcels = places.model, t.tier.parcels
    name = f"{t.tier.name}#{index}"
    n = model.new_int_var(0, parcels, f"{name}:parcels")
    used = model.new_bool_var(f"{name}:used")
    model.add(n >= 1).only_enforce_if(used)
    model.add(n == 0).only_enforce_if(~used)
    producers = model.new_int_var(0, t.most, f"{name}:producers")
    model.add(producers <= t.most * used)

    present = _add_score(places, goods, t, name, n, producers, levels.score)
    tracked_items = _add_tracked(places, goods, t, name, used, present)

    alone = model.new_int_var(0, t.most, f"{name}:alone")
    several = model.new_int_var(0, t.most, f"{name}:several")
    steps_up: list[cp_model.LinearExprT] = []
    previous = 0
    for fewest, best in levels.alone:
        reach = model.new_bool_var(f"{name}:parcels>={fewest}")
        model.add(n >= fewest).only_enforce_if(reach)
        height = t.most if best is None else best
        steps_up.append((height - previous) * reach)
        previous = height
    model.add(alone <= cp_model.LinearExpr.sum(steps_up))
    model.add(alone + tracked_items + several <= producers)
    places.alone.append(alone)
    places.several.append(several)
    return n


def _add_score(
    places: _Places,
    goods: _Goods,
    t: _Tier,
    name: str,
    n: cp_model.IntVar,
    producers: cp_model.IntVar,
    score_levels: list[tuple[int, int | None]],
) -> dict[str, list[cp_model.IntVar]]:
    """The slot's liked units and score, capped by the per-parcel levels; returns
    producer -> the literals "the slot holds one of its liked goods"."""
    model, spec = places.model, t.spec
    liked_units: list[cp_model.LinearExprT] = []
    present: dict[str, list[cp_model.IntVar]] = {}
    for sku, weight in sorted(goods.likes.items()):
        if weight <= 0 or sku not in spec.max_same:
            continue
        steps = [model.new_bool_var(f"{name}:{sku}>{k}") for k in range(spec.max_same[sku])]
        for higher, lower in pairwise(reversed(steps)):
            model.add_implication(higher, lower)
        for k, step in enumerate(steps):
            units = model.new_int_var(0, t.tier.parcels, f"{name}:{sku}:units>{k}")
            model.add(units == n).only_enforce_if(step)
            model.add(units == 0).only_enforce_if(~step)
            places.units.setdefault(sku, []).append(units)
            liked_units.append(weight * units)
        present.setdefault(goods.item_owner[sku], []).append(steps[0])
    # what the slot's parcels score in all: their liked units less their disliked ones
    disliked_most = sum(-w * spec.max_same.get(sku, 0) for sku, w in goods.likes.items() if w < 0)
    disliked = model.new_int_var(0, disliked_most * t.tier.parcels, f"{name}:disliked")
    model.add(disliked <= disliked_most * n)
    score = cp_model.LinearExpr.sum(liked_units) - disliked
    places.scores.append(score)
    *above, (_, lowest) = score_levels
    if lowest is not None:
        model.add(score <= lowest * n)
    for level, best in above:
        if best is not None:
            reached = model.new_bool_var(f"{name}:producers>={level}")
            model.add(producers <= level - 1).only_enforce_if(~reached)
            model.add(score <= best * n).only_enforce_if(reached)
    return present


def _add_tracked(
    places: _Places,
    goods: _Goods,
    t: _Tier,
    name: str,
    used: cp_model.IntVar,
    present: Mapping[str, list[cp_model.IntVar]],
) -> cp_model.LinearExpr:
    """Whether each tracked producer has items in the slot, and which maker's box
    it holds (one at most); returns the weight of the tracked item producers."""
    model = places.model
    tracked_items = []
    boxes = []
    for j in sorted(goods.tracked):
        holds = model.new_bool_var(f"{name}:items:{j}")
        for step in present.get(j, []):
            model.add_implication(step, holds)
        model.add(holds <= used)
        tracked_items.append(goods.weights.get(j, 10) * holds)
        places.tracked_in.setdefault(j, []).append(holds)
        if any(goods.owner.get(p.id) == j for p in t.spec.packaging):
            box = model.new_bool_var(f"{name}:box:{j}")
            model.add(box <= used)
            boxes.append(box)
            places.tracked_in[j].append(box)
    model.add(cp_model.LinearExpr.sum(boxes) <= 1)
    return cp_model.LinearExpr.sum(tracked_items)


def _score_levels(goods: _Goods, t: _Tier, spare: int) -> list[tuple[int, int | None]]:
    """(producers d, the best preference score of one parcel holding item
    producers of weight d or more): at ``most``, and at the least the held spread
    leaves a slot (``most - spare``), which every slot reaches: the last level
    holds for every slot, the others once the slot reaches them."""

    def score(_model: cp_model.CpModel, c: Composition) -> cp_model.LinearExprT:
        return parcel_preference(c, goods.likes)

    def producers(model: cp_model.CpModel, c: Composition) -> cp_model.LinearExprT:
        return sells_term(model, [c], goods.item_owner, goods.weights)

    levels = sorted({t.most, max(0, t.most - spare)}, reverse=True)
    return [
        (d, best_single(t.spec, t.low, score, goods.limits, at_least=(producers, d)))
        for d in levels
    ]


def _alone_levels(goods: _Goods, t: _Tier) -> list[tuple[int, int | None]]:
    """(parcels n, ``H(n)``) at every n where ``H`` may change, smallest first.

    A good of need ``m`` counts at ``q`` units a parcel from ``n = ceil(m / q)``
    parcels on; between two such n the goods that count stay the same.
    """
    others = [p for p in t.spec.products if goods.item_owner[p.sku] not in goods.tracked]
    sizes = {1}
    for product in others:
        need = max(1, goods.needs.get(product.sku, 1))
        sizes |= {ceil(need / q) for q in range(1, t.spec.max_same[product.sku] + 1)}
    levels = []
    for size in sorted(s for s in sizes if s <= t.tier.parcels):

        def counted(
            model: cp_model.CpModel, c: Composition, size: int = size
        ) -> cp_model.LinearExprT:
            reaches: dict[str, list[cp_model.IntVar]] = {}
            for product in others:
                fewest_units = ceil(max(1, goods.needs.get(product.sku, 1)) / size)
                if fewest_units <= t.spec.max_same[product.sku]:
                    reaches.setdefault(goods.item_owner[product.sku], []).append(
                        c.steps[product.sku][fewest_units - 1]
                    )
            return weighted_sellers(model, reaches, goods.weights)

        levels.append((size, best_single(t.spec, t.low, counted, goods.limits)))
    return levels


def _solve(places: _Places, goods: _Goods, stock: Mapping[str, int], spread: int) -> int | None:
    """Hold the spread, keep the liked goods within stock and min_order, and
    bound the score; None when CP-SAT finds no bound."""
    model = places.model
    tracked_sell = []
    for j, literals in sorted(places.tracked_in.items()):
        sells = model.new_bool_var(f"sells:{j}")
        model.add(sells <= cp_model.LinearExpr.sum(literals))
        tracked_sell.append(goods.weights.get(j, 10) * sells)
    several = cp_model.LinearExpr.sum(places.several)
    shared = model.new_int_var(0, sum(goods.weights.values()), "several-slot producers")
    model.add(2 * shared <= several)
    model.add(
        cp_model.LinearExpr.sum(tracked_sell) + cp_model.LinearExpr.sum(places.alone) + shared
        >= spread
    )
    for sku, parts in sorted(places.units.items()):
        total = cp_model.LinearExpr.sum(parts)
        model.add(total <= stock[sku])
        need = goods.needs.get(sku, 1)
        if need > 1:
            used = model.new_bool_var(f"used:{sku}")
            model.add(total >= need).only_enforce_if(used)
            model.add(total == 0).only_enforce_if(~used)
    model.maximize(cp_model.LinearExpr.sum(places.scores))
    solver = parameters(replace(goods.limits, work_per_stage=PLACES_WORK))
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # infeasible cannot be: the answer held maps onto the model
    return floor(solver.best_objective_bound + 1e-6)


__all__ = ["PLACES_WORK", "SPARE_PRODUCERS", "places_bound"]
