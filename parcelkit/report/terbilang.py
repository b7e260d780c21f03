"""Amounts in Indonesian words ("terbilang"), as quotes and receipts spell them.

A quote prints its total twice, in figures (``Rp25.000.000``) and in words
(``Dua puluh lima juta rupiah``), so that the figure cannot be altered unseen.
Indonesian counts in groups of three digits; the words for 10-19, 100 and
1.000 take the prefix *se-* instead of *satu* (``sepuluh``, ``sebelas``,
``seratus``, ``seribu``), while the larger scales keep it (``satu juta``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_TERBILANG", "terbilang", "terbilang_rupiah"]

_DIGITS: Final = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)

_SCALES: Final = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))
"""The named powers of a thousand, largest first."""

MAX_TERBILANG: Final = 10**15 - 1
"""The largest amount spelled: 999 triliun and the rest (no name above triliun is used)."""


def terbilang(amount: int) -> str:
    """``amount`` in Indonesian words, lower case: ``250000`` -> ``dua ratus lima puluh ribu``.

    Zero is ``nol``. Amounts up to `MAX_TERBILANG` (the triliun) are spelled;
    a negative amount, or one above that, raises `ValueError`, and anything
    but an ``int`` raises `TypeError` (money is whole rupiah).

    >>> terbilang(1001)
    'seribu satu'
    >>> terbilang(1000000)
    'satu juta'
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"terbilang() takes an int, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"terbilang() spells amounts from 0, not {amount}")
    if amount > MAX_TERBILANG:
        raise ValueError(f"terbilang() spells amounts up to {MAX_TERBILANG}, not {amount}")
    if amount == 0:
        return _DIGITS[0]
    words: list[str] = []
    rest = amount
    for scale, name in _SCALES:
        count, rest = divmod(rest, scale)
        if count == 1 and name == "ribu":
            words.append("seribu")
        elif count:
            words += [*_below_thousand(count), name]
    words += _below_thousand(rest)
    return " ".join(words)


def terbilang_rupiah(amount: int) -> str:
    """The words a document prints for an amount: ``Dua ratus lima puluh ribu rupiah``."""
    words = f"{terbilang(amount)} rupiah"
    return words[0].upper() + words[1:]


def _below_thousand(number: int) -> list[str]:
    """The words of 1-999 (none for 0), with *se-* for one hundred and for 10-19."""
    hundreds, rest = divmod(number, 100)
    words: list[str] = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_DIGITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if tens == 1:
        words.append({0: "sepuluh", 1: "sebelas"}.get(units) or f"{_DIGITS[units]} belas")
    else:
        if tens:
            words += [_DIGITS[tens], "puluh"]
        if units:
            words.append(_DIGITS[units])
    return words
