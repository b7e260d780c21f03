"""Writing rupiah as Indonesian documents do: ``Rp250.000``.

Money is an ``int`` of rupiah everywhere; this is the one place that turns it
into text, for the terminal, documents and the sentences of reasons and
violations. It depends on nothing, so every layer may use it.
"""

from __future__ import annotations

__all__ = ["grouped", "rupiah"]


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
