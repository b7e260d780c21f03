"""The price of fairness: what a floor on every producer's share costs the companies.

Bertsimas, Farias and Trichakis (2011) define the price of fairness as the
relative loss of efficiency a fairness rule causes. Here it is measured, not
assumed: for each floor ``f`` the season is planned (serve first, as always), then
every eligible producer is held at ``f`` x its ``reachable`` revenue (or as
close as a plan got), then the most company value; the price at ``f`` is
``1 - value(f) / value(0)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parcelkit.models import Catalog, Request, SeasonPlan
from parcelkit.solve.master import PROPORTIONAL_SCALE
from parcelkit.solve.season import plan


@dataclass(frozen=True)
class TradeoffPoint:
    """One floor of the sweep and what the plan reached under it."""

    floor: float
    """Every eligible producer's revenue / reachable must be at least this."""
    floor_met: bool
    """False when no plan meeting the floor was found (too high, or not within the limit)."""
    served_parcels: int
    value: int
    """Rupiah of all parcels served: the companies' budget use."""
    value_bound: float | None
    """A proven upper bound on ``value`` under this floor (None when not proven)."""
    min_ratio: float
    """The smallest revenue / reachable over the eligible producers."""
    min_utilization: float
    gini: float
    jain: float
    coverage: float
    wall_time_s: float


def point_of(floor: float, result: SeasonPlan) -> TradeoffPoint:
    """What ``result``, planned under ``floor``, reached."""
    ratios = [row.revenue / row.reachable for row in result.producers if row.reachable > 0]
    value_stage = next((s for s in result.solver.stages if s.name == "value"), None)
    smallest = min(ratios, default=0.0)
    return TradeoffPoint(
        floor=floor,
        floor_met=smallest >= floor - 1e-12,
        served_parcels=sum(t.parcels for q in result.quotes for t in q.tiers),
        value=sum(q.total for q in result.quotes),
        value_bound=value_stage.bound if value_stage is not None else None,
        min_ratio=smallest,
        min_utilization=result.fairness.min_utilization,
        gini=result.fairness.gini,
        jain=result.fairness.jain,
        coverage=result.fairness.coverage,
        wall_time_s=result.solver.wall_time_s,
    )


def fairest_floor(
    catalog: Catalog, requests: Sequence[Request], *, time_limit: float, seed: int = 0
) -> float:
    """The highest floor a plan reached: the first level of the ``proportional`` policy."""
    result = plan(catalog, requests, policy="proportional", time_limit=time_limit, seed=seed)
    first = next((s for s in result.solver.stages if s.name == "fairness"), None)
    if first is None or first.objective is None:
        return 0.0
    return first.objective / PROPORTIONAL_SCALE


def tradeoff_points(
    catalog: Catalog,
    requests: Sequence[Request],
    *,
    levels: Sequence[float] | None = None,
    points: int = 5,
    time_limit: float = 20.0,
    seed: int = 0,
) -> list[TradeoffPoint]:
    """Plan the season once per floor and measure each plan.

    ``levels`` are the floors to try (shares of ``reachable``, 0..1); by
    default ``points`` floors evenly from 0 to the highest one a
    ``proportional`` plan reached. Each plan gets ``time_limit`` seconds.
    """
    if levels is None:
        top = fairest_floor(catalog, requests, time_limit=time_limit, seed=seed)
        count = max(2, points)
        levels = [top * k / (count - 1) for k in range(count)]
    found = []
    for floor in levels:
        result = plan(
            catalog,
            requests,
            policy="none",
            fairness_floor=floor,
            time_limit=time_limit,
            seed=seed,
        )
        found.append(point_of(floor, result))
    return found
