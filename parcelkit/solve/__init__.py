"""The solving core: candidate parcels, quotes, season plans, diagnosis, the status map.

It imports the models and the verifier, never I/O, reports or the CLI.
"""

from parcelkit.solve.objectives import QuoteObjective
from parcelkit.solve.quote import quote
from parcelkit.solve.season import POLICIES, Policy, Progress, ProgressCallback, plan
from parcelkit.solve.tradeoff import TradeoffPoint, tradeoff_points

__all__ = [
    "POLICIES",
    "Policy",
    "Progress",
    "ProgressCallback",
    "QuoteObjective",
    "TradeoffPoint",
    "plan",
    "quote",
    "tradeoff_points",
]
