"""Patterns: valid parcel compositions of a tier, as columns of the season master.

A pattern is one parcel (a packaging and a quantity per sku) that satisfies
every per-parcel rule of its tier. The season master (`parcelkit.solve.master`)
chooses how many parcels of each tier get each pattern; new patterns are
priced out of the master's duals by `price_pattern`, a one-parcel CP-SAT
model whose objective is linear in the quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from parcelkit.models import Status
from parcelkit.solve.parcel import ParcelContents, TierSpec, add_composition
from parcelkit.solve.single import contents_of
from parcelkit.solve.stages import STATUS_MAP, Limits, parameters

PRICING_SCALE = 1_000_000
"""Integer resolution of a pricing objective: its largest possible term maps to this."""


@dataclass(frozen=True)
class Pattern:
    """One valid parcel of a tier, with what it uses and whom it pays.

    ``uses`` holds units per sku and the packaging (1); ``revenue`` holds rupiah
    per producer (fees and packaging without a maker pay nobody).
    """

    package: str
    items: tuple[tuple[str, int], ...]
    price: int
    uses: tuple[tuple[str, int], ...]
    revenue: tuple[tuple[str, int], ...]

    @property
    def contents(self) -> ParcelContents:
        """The parcel as plain data (packaging id, sku -> qty)."""
        return self.package, dict(self.items)


def pattern_of(spec: TierSpec, contents: ParcelContents, owner: Mapping[str, str]) -> Pattern:
    """The pattern of ``contents`` in ``spec``'s tier (contents assumed valid there)."""
    package, quantities = contents
    prices = {p.sku: p.price for p in spec.products}
    box_price = next(p.price for p in spec.packaging if p.id == package)
    items = tuple(sorted((sku, qty) for sku, qty in quantities.items() if qty > 0))
    revenue: dict[str, int] = {}
    for sku, qty in items:
        revenue[owner[sku]] = revenue.get(owner[sku], 0) + qty * prices[sku]
    if package in owner:
        revenue[owner[package]] = revenue.get(owner[package], 0) + box_price
    price = sum(qty * prices[sku] for sku, qty in items) + box_price + spec.fees
    return Pattern(
        package=package,
        items=items,
        price=price,
        uses=(*items, (package, 1)),
        revenue=tuple(sorted(revenue.items())),
    )


@dataclass(frozen=True)
class Priced:
    """A pricing solve: the best pattern found, its value, and a proven upper bound."""

    status: Status
    pattern: ParcelContents | None
    value: float | None
    bound: float
    work: float = 0.0
    """CP-SAT's deterministic time spent, for the caller's work budget."""


def weight_bound(spec: TierSpec, weights: Mapping[str, float]) -> float:
    """A cheap upper bound of ``sum weights x qty`` over the tier's parcels.

    Only max_items, max_same_product and one packaging are kept: the best
    ``max_items`` units by weight, plus the best packaging. Valid, loose, and
    O(n log n): it stands in for a pricing solve that was not run.
    """
    units: list[float] = []
    for product in spec.products:
        gain = weights.get(product.sku, 0.0)
        if gain > 0:
            units.extend([gain] * spec.max_same[product.sku])
    units.sort(reverse=True)
    box = max((weights.get(p.id, 0.0) for p in spec.packaging), default=0.0)
    return sum(units[: spec.rules.max_items]) + box


def price_pattern(spec: TierSpec, weights: Mapping[str, float], limits: Limits) -> Priced:
    """The parcel of ``spec``'s tier maximizing ``sum weights[k] x units of k``.

    ``weights`` maps skus and packaging ids to a real gain per unit; missing
    keys weigh 0. Weights are scaled to integers for CP-SAT; the returned
    ``value`` is recomputed exactly from the pattern, and ``bound`` adds the
    largest rounding error the scaling can cause, so it stays valid.
    """
    keys = [p.sku for p in spec.products] + [p.id for p in spec.packaging]
    largest = max((abs(weights.get(k, 0.0)) for k in keys), default=0.0)
    if not spec.packaging:
        return Priced(Status.INFEASIBLE, None, None, float("-inf"))
    span = max(1, spec.rules.max_items) + 1
    scale = PRICING_SCALE / (largest * span) if largest > 0 else 1.0
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "price")
    terms: list[cp_model.LinearExprT] = []
    for product in spec.products:
        gain = round(weights.get(product.sku, 0.0) * scale)
        if gain:
            terms.append(gain * composition.qty[product.sku])
    for package in spec.packaging:
        gain = round(weights.get(package.id, 0.0) * scale)
        if gain:
            terms.append(gain * composition.packaging[package.id])
    model.maximize(cp_model.LinearExpr.sum(terms))
    # Presolve costs more than it saves on these small models: measured on 40
    # sample tiers, 12 ms a solve without it, 24 ms with it, same optima.
    solver = parameters(limits, presolve=False)
    status = STATUS_MAP.get(solver.solve(model), Status.UNKNOWN)
    work = solver.deterministic_time
    if status is Status.INFEASIBLE:
        return Priced(status, None, None, float("-inf"), work)
    rounding = 0.5 * span / scale
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return Priced(status, None, None, weight_bound(spec, weights), work)
    contents = contents_of(solver, composition.packaging, composition.qty)
    box, quantities = contents
    value = weights.get(box, 0.0) + sum(
        weights.get(sku, 0.0) * qty for sku, qty in quantities.items()
    )
    bound = solver.best_objective_bound / scale + rounding
    return Priced(status, contents, value, max(value, bound), work)
