"""Plain-text formatting of numbers as Indonesian documents write them.

Pure functions shared by the terminal renderer and any document report:
rupiah as ``Rp250.000`` and counts grouped with dots (``1.500 parcels``), both
from `parcelkit.models.money`, and percentages.
"""

from __future__ import annotations

from parcelkit.models.money import grouped, rupiah

__all__ = ["grouped", "percent", "rupiah"]


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals: ``0.125`` -> ``12.5%``."""
    return f"{share * 100:.{digits}f}%"
