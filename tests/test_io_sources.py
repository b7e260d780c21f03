"""Tests of parcelkit.io.sources: telling JSON, workbooks and CSV folders apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcelkit.errors import Problem
from parcelkit.io.sources import Kind, kind_to_read, kind_to_write


def test_kinds_to_read(tmp_path: Path) -> None:
    """Existing .json and .xlsx files and folders are recognised, whatever the suffix's case."""
    (tmp_path / "a.JSON").write_text("{}", encoding="utf-8")
    (tmp_path / "b.xlsx").write_bytes(b"")
    assert kind_to_read(tmp_path / "a.JSON") is Kind.JSON
    assert kind_to_read(tmp_path / "b.xlsx") is Kind.XLSX
    assert kind_to_read(tmp_path) is Kind.CSV


@pytest.mark.parametrize(
    ("name", "hint"),
    [("a.csv", "folder"), ("a.xls", ".xlsx"), ("a.txt", ".json"), ("a", ".json")],
)
def test_unreadable_suffix_is_a_clear_problem(tmp_path: Path, name: str, hint: str) -> None:
    """A file of another kind is a problem that says what to give instead."""
    (tmp_path / name).write_text("x", encoding="utf-8")
    problem = kind_to_read(str(tmp_path / name))
    assert isinstance(problem, Problem)
    assert problem.file == str(tmp_path / name)
    assert problem.expected is not None and hint in problem.expected


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    """A path that does not exist says so."""
    problem = kind_to_read(tmp_path / "gone.xlsx")
    assert isinstance(problem, Problem) and "no such" in problem.message


def test_kinds_to_write() -> None:
    """Writing picks JSON or xlsx by suffix and a CSV folder for anything else."""
    assert kind_to_write("x.json") is Kind.JSON
    assert kind_to_write("x.XLSX") is Kind.XLSX
    assert kind_to_write("season-2027") is Kind.CSV
    assert kind_to_write("season.2027") is Kind.CSV
