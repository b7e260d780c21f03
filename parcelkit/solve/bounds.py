"""Proven bounds for the stages after value, one parcel at a time.

After the value stage every parcel of a tier is priced in a window (the
value held, `value_window`). Any objective that adds up over parcels is then
bounded by the best single parcel in that window:

- *spread*: a producer counts once it sells anything, and only through a
  variant. One parcel holds at most ``D`` (weighted) producers and a tier has at
  most ``max_variants`` variants, so the quote's spread is at most the sum over
  tiers of ``variants x D``, and at most the weight of every producer any tier
  may buy from. Of the producers that sell, those selling in no tier but
  ``t`` reach a good's min_order from ``t``'s parcels alone, so tier ``t``
  adds at most the weight of the producers of such goods (a small manager
  tier beside a large staff tier cannot feed many min_orders of its own).
  Within ``t`` those producers also share its variants: one that needs more
  parcels than a variant has takes a place in two variants or more
  (`alone_bound`, over every split of the tier's parcels).
  Budget caps it too (`coverage_bound`): the producers a tier's variants
  reach must fit, each with its cheapest good, in what those variants may
  spend, a knapsack that also counts category and item limits. On one-tier
  quotes the variants are also solved together (`joint_variants`): two
  variants that each hold the most producers one parcel can must hold
  different ones, which the budget and categories may not allow; on quotes
  of more tiers each tier is solved so on its own (`tier_caps`), which
  caps what the tier adds to the split above. And the
  units each seller's min_order needs must fit in the quote's parcels, in
  their items and their money (`units_bound`): 45 parcels of at most 10
  items hold 450 units, not twenty goods of min_order 24.
- *preferences*: at most the sum over tiers of ``parcels x P``, ``P`` the best
  preference score of one parcel. Once the spread is held with few producer
  places to spare, `parcelkit.solve.places` gives a tighter one; once it is
  held beyond what the producers with a good not disliked weigh, the liked
  goods' bound less what the others must ship of disliked ones
  (`forced_dislikes`).

When the candidate answer of a stage (`parcelkit.solve.single.fill_tier`)
reaches its bound the stage is proven without a search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import combinations_with_replacement, pairwise
from math import ceil, floor

from ortools.sat.python import cp_model

from parcelkit.models import Request
from parcelkit.solve.objectives import parcel_preference, sells_term, weighted_sellers
from parcelkit.solve.parcel import Composition, ParcelContents, TierSpec, add_composition
from parcelkit.solve.single import PROOF_PRESOLVE, Window, contents_of
from parcelkit.solve.stages import Limits, parameters

ParcelObjective = Callable[[cp_model.CpModel, Composition], cp_model.LinearExprT]


def value_window(spec: TierSpec, per_parcel: Fraction, tolerance: Fraction) -> Window:
    """Prices that keep ``(1 - tolerance)`` of the value reached and the tier's spread.

    ``per_parcel`` is the value the first stage reached for the tier, per parcel.
    Any two prices in the window are within the tier's variant_price_spread.
    """
    low = max(spec.price_low, ceil((1 - tolerance) * per_parcel))
    ratio = spec.spread_ratio
    return Window(low, min(spec.price_high, int(low * ratio)))


def best_single(
    spec: TierSpec,
    lowest_price: int,
    objective: ParcelObjective,
    limits: Limits,
    *,
    at_least: tuple[ParcelObjective, int] | None = None,
) -> int | None:
    """The proven best of ``objective`` over single parcels priced at least
    ``lowest_price`` (and, with ``at_least``, holding that much of another objective)."""
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "bound")
    model.add(composition.price >= lowest_price)
    if at_least is not None:
        held, reached = at_least
        model.add(held(model, composition) >= reached)
    model.maximize(objective(model, composition))
    solver = parameters(limits, presolve=PROOF_PRESOLVE)
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)


def spread_bound(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
    limits: Limits,
    caps: Mapping[str, int] | None = None,
) -> int | None:
    """The spread's bound (see the module docstring); None if a tier's is not proven.

    ``needs`` gives the units a sku needs over the quote once it is used (its
    min_order less what is already ordered); skus not in it need one.
    ``stock`` gives the units left of each sku. ``caps``, when given, holds
    a proven bound on the weight of producers selling in each tier
    (`tier_caps`), used where it is below ``variants x`` the best parcel.
    """
    per_tier: dict[str, int] = {}
    alone: dict[str, int] = {}
    reachable: set[str] = set()
    for tier in request.tiers:
        spec = specs[tier.name]
        most = best_single(
            spec,
            windows[tier.name].low,
            lambda model, c: sells_term(model, [c], owner, weights),
            limits,
        )
        if most is None:
            return None
        variants = min(spec.rules.max_variants, tier.parcels)
        cap = (caps or {}).get(tier.name)
        per_tier[tier.name] = variants * most if cap is None else min(variants * most, cap)
        reachable |= {owner[p.sku] for p in spec.products}
        reachable |= {owner[p.id] for p in spec.packaging if p.id in owner}
        alone[tier.name] = alone_bound(
            tier.parcels, variants, most, parcels_needed(spec, owner, weights, needs)
        )
    total = sum(per_tier.values())
    split = min(total - own + min(own, alone[name]) for name, own in per_tier.items())
    bound = min(split, sum(weights.get(j, 10) for j in reachable))
    for other in (
        coverage_bound(request, specs, owner, weights, limits),
        units_bound(request, specs, owner, weights, needs, stock, limits) if UNITS_BOUND else None,
    ):
        if other is not None:
            bound = min(bound, other)
    return bound


VARIANTS_WORK = 0.5
"""Deterministic seconds for `joint_variants`'s model; its best bound is valid
whether or not the search closes."""


@dataclass(frozen=True)
class JointVariants:
    """What `joint_variants` found: its proven bound, and the variants of its best
    solution per tier (empty when it found none)."""

    bound: int | None
    variants: dict[str, list[ParcelContents]] = field(default_factory=dict)


def joint_variants(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    limits: Limits,
    work: float | None = None,
) -> JointVariants:
    """The most weight of producers a quote's variants can sell for between them
    (None if not bounded), and the variants that reach the most found.

    Every tier's ``max_variants`` variants are parcels of their own, each with
    every per-parcel rule, priced at the window's low or more and within the
    variant price spread of each other; a producer counts once, whichever
    variants hold its goods. Parcel counts, stock and min_order are left out,
    and a quote with fewer variants repeats one, so every valid quote maps onto
    this model. Unlike ``max_variants x`` the best parcel, it knows that two
    variants holding the most producers each must hold different ones: on a
    one-tier quote whose best parcel holds 7 producers, 2 variants may not
    reach 14 (REQ-0001: 13, the answer, proven). When parcel counts can be
    found for its variants within stock and min_order, they are a quote at
    the bound (`parcelkit.solve.single.variant_counts`). ``work`` overrides
    `VARIANTS_WORK`.
    """
    model = cp_model.CpModel()
    per_tier: dict[str, list[Composition]] = {}
    for tier in request.tiers:
        spec = specs[tier.name]
        ratio = spec.spread_ratio
        variants = [
            add_composition(model, spec, f"{tier.name}:{index}")
            for index in range(min(spec.rules.max_variants, tier.parcels))
        ]
        for variant in variants:
            model.add(variant.price >= windows[tier.name].low)
        # The variants are alike but for their contents: priciest first.
        for pricier, cheaper in pairwise(variants):
            model.add(pricier.price >= cheaper.price)
        model.add(variants[0].price * ratio.denominator <= variants[-1].price * ratio.numerator)
        per_tier[tier.name] = variants
    compositions = [c for variants in per_tier.values() for c in variants]
    model.maximize(sells_term(model, compositions, owner, weights))
    spent = VARIANTS_WORK if work is None else work
    solver = parameters(replace(limits, work_per_stage=spent), presolve=PROOF_PRESOLVE)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return JointVariants(None)  # with no solution, CP-SAT's bound is not one
    return JointVariants(
        floor(solver.best_objective_bound + 1e-6),
        {
            name: [contents_of(solver, c.packaging, c.qty) for c in variants]
            for name, variants in per_tier.items()
        },
    )


CAPS_WORK = 0.03
"""Deterministic seconds for each tier's `joint_variants` in `tier_caps`. On the
latency benchmark's 74 quotes of two or three tiers the caps tightened 13
spread bounds at 0.03 and 14 at 0.1 or 0.5 (the mean gap 18.6 % -> 17.6 %
either way), in 0.11 s (median) and 0.37 s at most for all of a quote's
tiers at 0.03, 0.17 s and 0.56 s at 0.1."""


def tier_caps(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    limits: Limits,
) -> dict[str, int]:
    """Per tier, the most weight of producers its own variants can sell for:
    `joint_variants` on that tier alone (tiers it cannot bound are left out).

    The producers selling in a tier are those of its variants' goods and
    boxes, a solution of that model, so each is a bound for `spread_bound`'s
    ``caps``. It tightens the split over tiers: a tier whose variants cannot
    each hold the most producers one parcel can (REQ-0042's 105 staff
    parcels at Rp200.000: 30 producers, not 3 x 13) leaves less room beside
    what the other tiers sell.
    """
    caps: dict[str, int] = {}
    for tier in request.tiers:
        alone = request.model_copy(update={"tiers": (tier,)})
        found = joint_variants(alone, specs, windows, owner, weights, limits, CAPS_WORK).bound
        if found is not None:
            caps[tier.name] = found
    return caps


COVERAGE_WORK = 0.03
"""Deterministic seconds for `coverage_bound`'s knapsack. Its best bound is valid
whether or not the search closes. Measured in a prototype (presolve on) on
the latency benchmark's 130 quotes: 0.5 tightened the same 45 spread bounds
as 0.03, with the same count within 1 % and the same median gap; 0.03 takes
about 15 ms (50 ms at most)."""


def coverage_bound(
    request: Request,
    specs: Mapping[str, TierSpec],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    limits: Limits,
) -> int | None:
    """The most weight of producers the tiers' variants can afford; None if not bounded.

    A producer sells in a tier only if one of its goods is in some variant, at
    the price of its cheapest good there at least. A tier's ``V`` variants
    spend at most ``V x (budget - fees - cheapest box)`` on goods between
    them, hold at most ``V x high`` units of a category limited to ``high``
    per parcel and ``V x max_items`` units in all, and one box each: a box's
    maker sells at the price of its box over the cheapest. The knapsack over
    these rows, one choice per (producer, category) and tier, is a relaxation
    of the quote, so CP-SAT's bound on it is a bound on the spread.
    """
    model = cp_model.CpModel()
    reaches: dict[str, list[cp_model.IntVar]] = {}
    for tier in request.tiers:
        spec = specs[tier.name]
        variants = min(spec.rules.max_variants, tier.parcels)
        cheapest_box = min(p.price for p in spec.packaging)
        # The stage holds prices at the window's low or more, not at its
        # high: variants all priced above the low may go up to the budget.
        room = spec.price_high - spec.fees - cheapest_box
        cost: dict[tuple[str, str], int] = {}
        for product in spec.products:
            key = (owner[product.sku], product.category)
            cost[key] = min(cost.get(key, product.price), product.price)
        boxes: dict[str, int] = {}
        for box in spec.packaging:
            if box.id in owner:
                maker = owner[box.id]
                boxes[maker] = min(boxes.get(maker, box.price), box.price)
        goods = {key: model.new_bool_var(f"{tier.name}:{key}") for key in sorted(cost)}
        made = {maker: model.new_bool_var(f"{tier.name}:box:{maker}") for maker in sorted(boxes)}
        model.add(
            cp_model.LinearExpr.weighted_sum(list(goods.values()), [cost[k] for k in goods])
            + cp_model.LinearExpr.weighted_sum(
                list(made.values()), [boxes[m] - cheapest_box for m in made]
            )
            <= variants * room
        )
        for category, (_, high) in sorted(spec.rules.categories.items()):
            chosen = [var for (_, c), var in goods.items() if c == category]
            model.add(cp_model.LinearExpr.sum(chosen) <= variants * high)
        model.add(cp_model.LinearExpr.sum(list(goods.values())) <= variants * spec.rules.max_items)
        model.add(cp_model.LinearExpr.sum(list(made.values())) <= variants)
        for (producer, _), var in goods.items():
            reaches.setdefault(producer, []).append(var)
        for maker, var in made.items():
            reaches.setdefault(maker, []).append(var)
    model.maximize(weighted_sellers(model, reaches, weights))
    solver = parameters(replace(limits, work_per_stage=COVERAGE_WORK), presolve=PROOF_PRESOLVE)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # with no solution, CP-SAT's bound is not one
    return floor(solver.best_objective_bound + 1e-6)


UNITS_BOUND = True
"""Whether `spread_bound` also takes `units_bound`. Measured interleaved on the
latency benchmark's 130 quotes (`benchmarks/quote_ab.py`): 19 spread bounds
tighter, the same answers, median 0.423 s against 0.416 s without, all
quotes 72.9 and 71.8 s."""

UNITS_WORK = 0.3
"""Deterministic seconds for `units_bound`'s model. Its best bound is valid
whether or not the search closes; on the latency benchmark's 130 quotes the
model took 7 ms (median) and 0.05 s at most (SYN-0035), without presolve
(`PROOF_PRESOLVE`; 0.18 s with, the same bounds)."""


def units_bound(
    request: Request,
    specs: Mapping[str, TierSpec],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
    limits: Limits,
) -> int | None:
    """The most weight of producers whose min_orders the quote's parcels can hold;
    None if not bounded.

    A producer sells only if one of its goods is ordered, and a good ordered
    at all reaches its need over the quote (``needs``: its min_order less
    what is already ordered), within its stock. Those units sit in some
    tier's parcels: a tier's ``N`` parcels hold at most ``N x max_items``
    units, ``N x high`` of a category limited to ``high`` per parcel, ``N x
    max_same`` of one good, and spend at most ``N x (budget - fees - cheapest
    box)`` on goods; a box maker sells once one of its boxes is in one of the
    tier's ``max_variants`` variants. The units of each good in each tier of
    a valid quote satisfy all of this, so CP-SAT's bound on the model is a
    bound on the spread. It bites on small quotes: SYN-0000 of the latency
    benchmark (45 parcels in two tiers) cannot sell for more than 33
    producers, where the other bounds allow 57.
    """
    model = cp_model.CpModel()
    ordered: dict[str, list[cp_model.IntVar]] = {}
    most: dict[str, int] = {}
    reaches: dict[str, list[cp_model.IntVar]] = {}
    for tier in request.tiers:
        spec, parcels = specs[tier.name], tier.parcels
        units: dict[str, cp_model.IntVar] = {}
        for product in spec.products:
            sku = product.sku
            high = min(parcels * spec.max_same[sku], stock.get(sku, 0))
            units[sku] = model.new_int_var(0, high, f"{tier.name}:{sku}")
            ordered.setdefault(sku, []).append(units[sku])
            most[sku] = most.get(sku, 0) + high
        room = spec.price_high - spec.fees - min(p.price for p in spec.packaging)
        prices = [p.price for p in spec.products]
        model.add(cp_model.LinearExpr.weighted_sum(list(units.values()), prices) <= parcels * room)
        model.add(cp_model.LinearExpr.sum(list(units.values())) <= parcels * spec.rules.max_items)
        for category, (_, high) in sorted(spec.rules.categories.items()):
            chosen = [units[p.sku] for p in spec.products if p.category == category]
            model.add(cp_model.LinearExpr.sum(chosen) <= parcels * high)
        boxes = []
        for box in spec.packaging:
            if box.id in owner:
                boxes.append(model.new_bool_var(f"{tier.name}:{box.id}"))
                reaches.setdefault(owner[box.id], []).append(boxes[-1])
        model.add(cp_model.LinearExpr.sum(boxes) <= min(spec.rules.max_variants, parcels))
    for sku, parts in sorted(ordered.items()):
        total = cp_model.LinearExpr.sum(parts)
        used = model.new_bool_var(f"used:{sku}")
        model.add(total <= min(most[sku], stock.get(sku, 0)) * used)
        model.add(total >= max(1, needs.get(sku, 1)) * used)
        reaches.setdefault(owner[sku], []).append(used)
    model.maximize(weighted_sellers(model, reaches, weights))
    solver = parameters(replace(limits, work_per_stage=UNITS_WORK), presolve=PROOF_PRESOLVE)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # with no solution, CP-SAT's bound is not one
    return floor(solver.best_objective_bound + 1e-6)


def parcels_needed(
    spec: TierSpec, owner: Mapping[str, str], weights: Mapping[str, int], needs: Mapping[str, int]
) -> list[tuple[int, int]]:
    """(parcels, weight) per producer a tier may buy from: the fewest parcels of one
    variant through which the producer alone reaches a good's need in this tier.

    A good at its largest quantity in ``n`` parcels gives ``n x max_same`` units,
    so it needs ``ceil(need / max_same)`` parcels; packaging has no min_order and
    needs one.
    """
    fewest: dict[str, int] = {}
    for product in spec.products:
        need = max(0, needs.get(product.sku, 1))
        parcels = -(-need // spec.max_same[product.sku])
        j = owner[product.sku]
        fewest[j] = min(fewest.get(j, parcels), parcels)
    for box in spec.packaging:
        if box.id in owner:
            fewest[owner[box.id]] = min(fewest.get(owner[box.id], 1), 1)
    return sorted((parcels, weights.get(j, 10)) for j, parcels in fewest.items())


def alone_bound(parcels: int, variants: int, most: int, needed: Sequence[tuple[int, int]]) -> int:
    """The most weight of producers that sell in one tier and in no other.

    The tier's ``parcels`` are split over at most ``variants`` variants of sizes
    ``n_1 >= n_2 >= ...``; a variant holds producers of weight at most ``most``
    (its places), and ``needed`` gives each producer's (fewest parcels, weight),
    from `parcels_needed`. A producer sells either through one variant ``v``,
    which needs ``n_v`` at least its fewest parcels, or through several, taking
    a place in each of the fewest largest variants whose sizes add up to its
    fewest parcels (two at least). For one split, the first kind weighs at most
    ``min over s of (s x most + weight of those with fewest <= n_(s+1))``, a
    minimum cut over the nested sets of producers the variants can take; the
    second kind fills the places left, the producers needing the fewest
    variants first. The bound is the best split; only sizes equal to some
    producer's fewest parcels need trying, since a variant's spare parcels can
    go to the largest one.
    """
    weight_of: dict[int, int] = {}
    for fewest, weight in needed:
        if fewest <= parcels:
            weight_of[max(1, fewest)] = weight_of.get(max(1, fewest), 0) + weight
    groups = sorted(weight_of.items())
    counts = [n for n, _ in groups]
    prefix = [0]
    for _, weight in groups:
        prefix.append(prefix[-1] + weight)
    sizes = sorted(set(counts) | {1})
    best = 0
    for k in range(1, variants + 1):
        for others in combinations_with_replacement(sizes, k - 1):
            first = parcels - sum(others)
            if first >= 1:
                split = sorted((first, *others), reverse=True)
                best = max(best, _split_bound(split, most, counts, prefix, groups))
    return best


def _split_bound(
    split: Sequence[int],
    most: int,
    counts: Sequence[int],
    prefix: Sequence[int],
    groups: Sequence[tuple[int, int]],
) -> int:
    """`alone_bound` for one split (sizes largest first)."""
    k = len(split)
    cut = min([s * most + prefix[bisect_right(counts, split[s])] for s in range(k)] + [k * most])
    reach = [0]
    for size in split:
        reach.append(reach[-1] + size)
    # variants a producer needs when it sells through more than one (k + 1: cannot)
    spans = sorted((max(2, bisect_left(reach, fewest)), weight) for fewest, weight in groups)
    places = k * most - cut
    several = 0
    for span, weight in spans:
        if span > k or places < span:
            break
        taken = min(weight, places // span)
        several += taken
        places -= taken * span
    return min(prefix[-1], cut + several)


def preference_bound(
    request: Request,
    specs: Mapping[str, TierSpec],
    windows: Mapping[str, Window],
    likes: Mapping[str, int],
    limits: Limits,
) -> int | None:
    """The preferences' bound (see the module docstring); None if a tier's is not proven."""
    total = 0
    for tier in request.tiers:
        best = best_single(
            specs[tier.name],
            windows[tier.name].low,
            lambda _model, c: parcel_preference(c, likes),
            limits,
        )
        if best is None:
            return None
        total += tier.parcels * best
    return total


def forced_dislikes(
    specs: Mapping[str, TierSpec],
    owner: Mapping[str, str],
    weights: Mapping[str, int],
    likes: Mapping[str, int],
    needs: Mapping[str, int],
    stock: Mapping[str, int],
    spread: int,
) -> int | None:
    """The least a quote selling for ``spread`` weighted producers or more loses
    to disliked goods; None when no quote can sell for that many.

    A producer sells only through a good it ships in the quote. One whose
    usable goods (in a tier's reach, stock for their need) are all disliked
    sells only by shipping a good's need (its min_order less what is already
    ordered, one unit at least), which costs the good's dislike times those
    units. A producer with a good not disliked, or a box, costs nothing. When
    the producers that cost nothing weigh less than ``spread``, the rest must
    come from the others: the cheapest such cover is a small knapsack, solved
    exactly over the missing weight. REQ-0031 (dislikes snacks) holds 60
    producers, and only 49 can sell without a snack.
    """
    cost: dict[str, int] = {}
    for spec in specs.values():
        for product in spec.products:
            need = max(1, needs.get(product.sku, 1))
            if spec.max_same.get(product.sku, 0) == 0 or stock.get(product.sku, 0) < need:
                continue
            like = likes.get(product.sku, 0)
            here = -like * need if like < 0 else 0
            producer_id = owner[product.sku]
            cost[producer_id] = min(cost.get(producer_id, here), here)
        for package in spec.packaging:
            if package.id in owner and stock.get(package.id, 0) > 0:
                cost[owner[package.id]] = 0
    free = sum(weights.get(j, 10) for j, c in cost.items() if c == 0)
    missing = spread - free
    if missing <= 0:
        return 0
    unreachable = sum(cost.values()) + 1
    least = [0] + [unreachable] * missing  # least cost of `x` more weight, or more
    for producer_id, price in sorted(cost.items()):
        if price == 0:
            continue
        weight = weights.get(producer_id, 10)
        for x in range(missing, 0, -1):
            least[x] = min(least[x], least[max(0, x - weight)] + price)
    return None if least[missing] >= unreachable else least[missing]


__all__ = [
    "JointVariants",
    "alone_bound",
    "best_single",
    "coverage_bound",
    "forced_dislikes",
    "joint_variants",
    "parcels_needed",
    "preference_bound",
    "spread_bound",
    "tier_caps",
    "units_bound",
    "value_window",
]
