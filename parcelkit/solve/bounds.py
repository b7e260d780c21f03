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
- *preferences*: at most the sum over tiers of ``parcels x P``, ``P`` the best
  preference score of one parcel.

When the candidate answer of a stage (`parcelkit.solve.single.fill_tier`)
reaches its bound the stage is proven without a search.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from math import ceil

from ortools.sat.python import cp_model

from parcelkit.models import Request
from parcelkit.solve.objectives import parcel_preference, sells_term
from parcelkit.solve.parcel import Composition, TierSpec, add_composition
from parcelkit.solve.single import PROOF_PRESOLVE, Window
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
    spec: TierSpec, lowest_price: int, objective: ParcelObjective, limits: Limits
) -> int | None:
    """The proven best of ``objective`` over single parcels priced at least ``lowest_price``."""
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "bound")
    model.add(composition.price >= lowest_price)
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
    limits: Limits,
) -> int | None:
    """The spread's bound (see the module docstring); None if a tier's is not proven.

    ``needs`` gives the units a sku needs over the quote once it is used (its
    min_order less what is already ordered); skus not in it need one.
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
        per_tier[tier.name] = min(spec.rules.max_variants, tier.parcels) * most
        boxes = {owner[p.id] for p in spec.packaging if p.id in owner}
        reachable |= {owner[p.sku] for p in spec.products} | boxes
        on_its_own = {
            owner[p.sku]
            for p in spec.products
            if tier.parcels * spec.max_same[p.sku] >= needs.get(p.sku, 1)
        }
        alone[tier.name] = sum(weights.get(j, 10) for j in on_its_own | boxes)
    total = sum(per_tier.values())
    split = min(total - own + min(own, alone[name]) for name, own in per_tier.items())
    return min(split, sum(weights.get(j, 10) for j in reachable))


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


__all__ = ["best_single", "preference_bound", "spread_bound", "value_window"]
