"""parcelkit: Lebaran gift parcels from UMKM products, with revenue spread fairly.

The package logs to the ``parcelkit`` logger and never prints; the command line
(`parcelkit.cli`) is the only place that writes to the terminal.
"""

from __future__ import annotations

import logging

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
    Packaging,
    Preferences,
    Producer,
    Product,
    Quote,
    Request,
    Rules,
    SeasonPlan,
    Status,
    Tier,
    effective_rules,
)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
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
]
