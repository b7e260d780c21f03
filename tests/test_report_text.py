"""Rupiah and number formatting of `parcelkit.report.text`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcelkit.report.text import grouped, percent, rupiah


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (1000, "Rp1.000"),
        (25000, "Rp25.000"),
        (250000, "Rp250.000"),
        (1500000, "Rp1.500.000"),
        (5_250_000_000, "Rp5.250.000.000"),
        (-5000, "-Rp5.000"),
        (-1, "-Rp1"),
    ],
)
def test_rupiah_official_form(amount: int, written: str) -> None:
    """Amounts are written Rp250.000: no space, dots between thousands, sign first."""
    assert rupiah(amount) == written


@pytest.mark.parametrize("amount", [250000.0, 250000.5, "250000", True, None])
def test_rupiah_refuses_anything_but_int(amount: object) -> None:
    """A float, text or bool is refused rather than printed with a fraction of a rupiah."""
    with pytest.raises(TypeError):
        rupiah(amount)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_rupiah_reads_back(amount: int) -> None:
    """Removing the sign, Rp and the dots gives back the amount, for any whole number."""
    written = rupiah(amount)
    negative = written.startswith("-")
    digits = written.removeprefix("-").removeprefix("Rp").replace(".", "")
    assert int(digits) * (-1 if negative else 1) == amount
    groups = written.removeprefix("-").removeprefix("Rp").split(".")
    assert all(len(group) == 3 for group in groups[1:])
    assert 1 <= len(groups[0]) <= 3


def test_grouped_counts() -> None:
    """Counts are grouped with dots as Indonesian text writes them."""
    assert grouped(7) == "7"
    assert grouped(1500) == "1.500"
    assert grouped(300000) == "300.000"
    assert grouped(-2500) == "-2.500"


def test_percent() -> None:
    """Shares print as percentages with the asked number of decimals."""
    assert percent(0.125) == "12.5%"
    assert percent(0.9, 0) == "90%"
    assert percent(0.00123, 2) == "0.12%"
