"""parcelkit: Lebaran gift parcels from UMKM products, with revenue spread fairly.

The package logs to the ``parcelkit`` logger and never prints; the command line
(`parcelkit.cli`) is the only place that writes to the terminal.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from parcelkit.errors import (
    CatalogError,
    InputError,
    ParcelkitError,
    Problem,
    RequestError,
    SolverError,
)
from parcelkit.models import (
    Catalog,
    EffectiveRules,
    Fees,
    OrderLine,
    Packaging,
    Preferences,
    Producer,
    Product,
    PurchaseOrder,
    Quote,
    Request,
    Rules,
    SeasonPlan,
    Status,
    Tier,
    effective_rules,
    purchase_orders,
)

__version__ = "0.1.0"

_SOLVING = {
    "quote": ("parcelkit.solve", "quote"),
    "plan": ("parcelkit.solve", "plan"),
    "QuoteObjective": ("parcelkit.solve", "QuoteObjective"),
    "tradeoff": ("parcelkit.analysis", "tradeoff"),
}


def __getattr__(name: str) -> Any:
    """``parcelkit.quote``, ``plan``, ``tradeoff``: the solver loads (ortools) on first use."""
    if name in _SOLVING:
        module, attribute = _SOLVING[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'parcelkit' has no attribute {name!r}")


logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [  # noqa: RUF022 - the lazy solver entry points last
    "Catalog",
    "CatalogError",
    "EffectiveRules",
    "Fees",
    "InputError",
    "Packaging",
    "ParcelkitError",
    "Preferences",
    "Problem",
    "Producer",
    "Product",
    "Quote",
    "Request",
    "RequestError",
    "Rules",
    "SeasonPlan",
    "SolverError",
    "Status",
    "Tier",
    "__version__",
    "effective_rules",
    "purchase_orders",
    "OrderLine",
    "PurchaseOrder",
    "QuoteObjective",
    "plan",
    "quote",
    "tradeoff",
]
