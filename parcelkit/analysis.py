"""Analyses that plan a season several times: the price of fairness.

This module sits above the solver and the I/O layer: it runs
`parcelkit.solve.tradeoff` and hands the points back as a pandas table for
notebooks and plots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from parcelkit.io.frames import Dtypes, typed_frame
from parcelkit.models import Catalog, Request
from parcelkit.solve.tradeoff import TradeoffPoint, tradeoff_points

if TYPE_CHECKING:
    import pandas as pd

TRADEOFF_COLUMNS: Dtypes = {
    "floor": "float64",
    "floor_met": "bool",
    "served_parcels": "int64",
    "value": "int64",
    "value_bound": "float64",
    "price_of_fairness": "float64",
    "min_ratio": "float64",
    "min_utilization": "float64",
    "gini": "float64",
    "jain": "float64",
    "coverage": "float64",
    "wall_time_s": "float64",
}


def tradeoff_frame(points: Sequence[TradeoffPoint]) -> pd.DataFrame:
    """One row per floor; ``price_of_fairness`` = 1 - value / value at the lowest floor."""
    rows = [asdict(point) for point in points]
    base = min(rows, key=lambda row: row["floor"])["value"] if rows else 0
    for row in rows:
        row["price_of_fairness"] = 1 - row["value"] / base if base else 0.0
        if row["value_bound"] is None:
            row["value_bound"] = float("nan")
    return typed_frame(rows, TRADEOFF_COLUMNS)


def tradeoff(
    catalog: Catalog,
    requests: Sequence[Request],
    *,
    levels: Sequence[float] | None = None,
    points: int = 5,
    time_limit: float = 20.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Sweep a fairness floor and measure what each level costs the companies.

    Each row is one season plan in which every eligible producer gets at least
    ``floor`` x its ``reachable`` revenue: served parcels, company value and
    its proven bound, the price of fairness against the lowest floor, and the
    fairness metrics reached. ``levels`` default to ``points`` floors from 0
    up to the highest a ``proportional`` plan reaches.
    """
    found = tradeoff_points(
        catalog, requests, levels=levels, points=points, time_limit=time_limit, seed=seed
    )
    return tradeoff_frame(found)
