"""Amounts in Indonesian words: `parcelkit.report.terbilang`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcelkit.report.terbilang import MAX_TERBILANG, terbilang, terbilang_rupiah

SPELLED = [
    (0, "nol"),
    (1, "satu"),
    (11, "sebelas"),
    (12, "dua belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (100, "seratus"),
    (110, "seratus sepuluh"),
    (1_000, "seribu"),
    (1_001, "seribu satu"),
    (2_000, "dua ribu"),
    (11_000, "sebelas ribu"),
    (101_000, "seratus satu ribu"),
    (250_000, "dua ratus lima puluh ribu"),
    (1_000_000, "satu juta"),
    (1_100_000, "satu juta seratus ribu"),
    (
        123_456_789,
        "seratus dua puluh tiga juta empat ratus lima puluh enam ribu "
        "tujuh ratus delapan puluh sembilan",
    ),
    (1_000_000_000, "satu miliar"),
    (2_000_001_000, "dua miliar seribu"),
    (1_000_000_000_000, "satu triliun"),
    (
        MAX_TERBILANG,
        "sembilan ratus sembilan puluh sembilan triliun "
        "sembilan ratus sembilan puluh sembilan miliar "
        "sembilan ratus sembilan puluh sembilan juta "
        "sembilan ratus sembilan puluh sembilan ribu "
        "sembilan ratus sembilan puluh sembilan",
    ),
]


@pytest.mark.parametrize(("amount", "words"), SPELLED)
def test_spelled(amount: int, words: str) -> None:
    """Each amount is spelled as Indonesian writes it, with se- for 10-19, 100 and 1.000."""
    assert terbilang(amount) == words


def test_rupiah_sentence() -> None:
    """A document's line starts with a capital and ends in 'rupiah'."""
    assert terbilang_rupiah(250_000) == "Dua ratus lima puluh ribu rupiah"
    assert terbilang_rupiah(0) == "Nol rupiah"


@pytest.mark.parametrize("amount", [-1, -250_000, MAX_TERBILANG + 1])
def test_out_of_range(amount: int) -> None:
    """Negative amounts and amounts beyond the triliun are refused."""
    with pytest.raises(ValueError, match="terbilang"):
        terbilang(amount)


@pytest.mark.parametrize("amount", [2.5, 250000.0, "250000", True])
def test_not_an_int(amount: object) -> None:
    """Only whole rupiah are spelled: floats, text and booleans raise TypeError."""
    with pytest.raises(TypeError):
        terbilang(amount)  # type: ignore[arg-type]


UNITS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4,
    "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
}  # fmt: skip
ONE_OF = {"sepuluh": "puluh", "sebelas": "belas", "seratus": "ratus", "seribu": "ribu"}
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def read_words(words: str) -> int:
    """The number Indonesian ``words`` name: an independent reading to check the spelling."""
    total = group = number = 0
    for word in words.split():
        if word in ONE_OF:
            number, word = 1, ONE_OF[word]
        if word in UNITS:
            number = UNITS[word]
        elif word == "belas":
            group, number = group + 10 + number, 0
        elif word == "puluh":
            group, number = group + 10 * number, 0
        elif word == "ratus":
            group, number = group + 100 * number, 0
        else:
            total, group, number = total + (group + number) * SCALES[word], 0, 0
    return total + group + number


@given(st.integers(min_value=0, max_value=MAX_TERBILANG))
def test_words_read_back(amount: int) -> None:
    """Reading the words back gives the amount, with se- where Indonesian uses it."""
    words = terbilang(amount)
    assert read_words(words) == amount
    assert " ".join(words.split()) == words
    for wrong in ("satu ratus", "satu belas", "satu puluh"):
        assert f" {wrong} " not in f" {words} "
    assert not words.startswith("satu ribu")
    for scale in ("triliun", "miliar", "juta"):
        assert f"{scale} satu ribu" not in words


def test_satu_ribu_inside_larger_scale() -> None:
    """One thousand after a million is still 'seribu'; 'satu' stays before juta and miliar."""
    assert terbilang(1_001_000) == "satu juta seribu"
    assert terbilang(1_001_001_001) == "satu miliar satu juta seribu satu"
