"""An upper bound on parcels served from a per-sku flow relaxation, for the note on issue 4.

Run by hand (not part of ``make test``)::

    .venv/bin/python benchmarks/serve_flow_bound.py S M L

Each tier sends units of its eligible skus and boxes of its packaging to its
parcels, ``x[r]`` of each request served (0..1): item counts, category ranges,
copies per sku, units per producer, volume, weight and the price window hold
in total over the tier's parcels, not parcel by parcel, and min_order and
max_variants are dropped. Every plan is a solution of this LP, so its optimum
bounds the parcels any plan serves. The script prints that bound and how long
it took, to compare with the serve stage's own bound (column generation with a
Lagrangian bound) in ``benchmarks/season_plan.py``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from highs_master import bare_season
from ortools.linear_solver import pywraplp
from season_instances import make_instance

from parcelkit.solve.season_state import Season, TierRef


def _tier_rows(
    solver: pywraplp.Solver, ref: TierRef, x: pywraplp.Variable
) -> dict[str, list[pywraplp.Variable]]:
    """One tier's flows and rows; returns the flow variables by sku or packaging id."""
    spec, parcels = ref.spec, ref.parcels
    rules = spec.rules
    if not spec.products or not spec.packaging:
        solver.Add(x == 0)
        return {}
    units = {}
    for product in spec.products:
        most = parcels * spec.max_same[product.sku]
        units[product.sku] = (solver.NumVar(0, most, ""), product)
        solver.Add(units[product.sku][0] <= most * x)
    boxes = {box.id: (solver.NumVar(0, parcels, ""), box) for box in spec.packaging}
    solver.Add(sum(var for var, _ in boxes.values()) == parcels * x)
    items = sum(var for var, _ in units.values())
    solver.Add(items >= rules.min_items * parcels * x)
    solver.Add(items <= rules.max_items * parcels * x)
    for category, (low, high) in rules.categories.items():
        flows = [var for var, p in units.values() if p.category == category]
        if low > 0 and not flows:
            solver.Add(x == 0)
        elif flows:
            solver.Add(sum(flows) >= low * parcels * x)
            solver.Add(sum(flows) <= high * parcels * x)
    money = sum(p.price * var for var, p in units.values())
    money += sum(box.price * var for var, box in boxes.values())
    solver.Add(money >= (spec.price_low - spec.fees) * parcels * x)
    solver.Add(money <= (spec.price_high - spec.fees) * parcels * x)
    volume = sum(p.volume_ml * var for var, p in units.values())
    solver.Add(volume <= sum(box.capacity_ml * var for var, box in boxes.values()))
    weight = sum(p.weight_g * var for var, p in units.values())
    solver.Add(weight <= sum(box.max_weight_g * var for var, box in boxes.values()))
    if rules.max_items_per_producer is not None:
        by_producer: dict[str, list[pywraplp.Variable]] = {}
        for var, p in units.values():
            by_producer.setdefault(p.producer_id, []).append(var)
        for flows in by_producer.values():
            solver.Add(sum(flows) <= rules.max_items_per_producer * parcels * x)
    flows_by_key: dict[str, list[pywraplp.Variable]] = {}
    for key, (var, _) in [*units.items(), *boxes.items()]:
        flows_by_key.setdefault(key, []).append(var)
    return flows_by_key


def flow_bound(season: Season) -> float:
    """The LP optimum: an upper bound on the parcels any plan of ``season`` serves."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    parcels = [0] * len(season.requests)
    for ref in season.tiers:
        parcels[ref.request] += ref.parcels
    x = [solver.NumVar(0, 1, f"x{r}") for r in range(len(season.requests))]
    used: dict[str, list[pywraplp.Variable]] = {}
    for ref in season.tiers:
        for key, flows in _tier_rows(solver, ref, x[ref.request]).items():
            used.setdefault(key, []).extend(flows)
    for key, flows in used.items():
        solver.Add(sum(flows) <= season.left[key])
    objective = solver.Objective()
    for r, count in enumerate(parcels):
        objective.SetCoefficient(x[r], count)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the flow LP did not solve to optimality")
    return float(objective.Value())


def main(argv: Sequence[str] | None = None) -> None:
    """Print the flow bound of each size asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", choices=("S", "M", "L", "XL"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for size in args.sizes:
        catalog, requests = make_instance(size, args.seed)
        start = time.perf_counter()
        season = bare_season(catalog, requests)
        bound = flow_bound(season)
        asked = sum(t.parcels for r in requests for t in r.tiers)
        print(
            f"{size}: flow bound {bound:,.0f} parcels of {asked:,} asked, "
            f"{time.perf_counter() - start:.1f} s"
        )


if __name__ == "__main__":
    main()
