"""Plain-text formatting of numbers as Indonesian documents write them.

Pure functions with no dependencies, shared by the terminal renderer and any
document report: rupiah as ``Rp250.000`` (the official form, no cents) and
counts grouped with dots (``1.500 parcels``).
"""

from __future__ import annotations

__all__ = ["grouped", "percent", "rupiah"]


def grouped(number: int) -> str:
    """An integer with its thousands grouped by dots, as Indonesian text writes it.

    >>> grouped(1500)
    '1.500'
    >>> grouped(-250000)
    '-250.000'
    """
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"grouped() takes an int, not {type(number).__name__}")
    return f"{number:,}".replace(",", ".")


def rupiah(amount: int) -> str:
    """An amount of rupiah in the official written form: ``Rp250.000``.

    No space after ``Rp`` and no cents; a negative amount puts the sign first
    (``-Rp5.000``). Money in parcelkit is always a whole number of rupiah, so
    anything but an ``int`` (a float such as ``250000.0`` included) is refused
    rather than printed with a fraction.

    >>> rupiah(250000)
    'Rp250.000'
    >>> rupiah(-5000)
    '-Rp5.000'
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"rupiah() takes an int of rupiah, not {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{grouped(abs(amount))}"


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage with ``digits`` decimals: ``0.125`` -> ``12.5%``."""
    return f"{share * 100:.{digits}f}%"
