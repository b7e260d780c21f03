"""Tests of parcelkit.io.jsonfile: JSON read with located errors, written as the format says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from parcelkit.io.jsonfile import dumps, read_json, write_text


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    """A syntax error is one problem with the file, line and column."""
    path = tmp_path / "bad.json"
    path.write_text('{\n  "a": 1,\n  "b": ,\n}', encoding="utf-8")
    data, problems = read_json(path)
    assert data is None
    (problem,) = problems
    assert problem.file == str(path)
    assert "line 3, column 8" in problem.message


def test_fractions_are_exact_decimals(tmp_path: Path) -> None:
    """Numbers with a fraction read as Decimal unless exact is off; integers stay int."""
    path = tmp_path / "n.json"
    path.write_text('{"share": 0.1, "price": 250000}', encoding="utf-8")
    data, _ = read_json(path)
    assert data == {"share": Decimal("0.1"), "price": 250000}
    assert isinstance(data["price"], int)
    loose, _ = read_json(path, exact=False)
    assert isinstance(loose["share"], float)


def test_repeated_keys_are_reported(tmp_path: Path) -> None:
    """A key given twice in one object is a problem, since JSON would keep only the last."""
    path = tmp_path / "d.json"
    path.write_text('{"price": 1, "price": 2}', encoding="utf-8")
    data, problems = read_json(path)
    assert data == {"price": 2}
    assert [p.field for p in problems] == ["price"]


def test_bom_and_bad_encoding(tmp_path: Path) -> None:
    """A byte-order mark is fine; bytes that are not UTF-8 are a problem."""
    (tmp_path / "bom.json").write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert read_json(tmp_path / "bom.json") == ({"a": 1}, [])
    (tmp_path / "latin.json").write_bytes(b'{"a": "caf\xe9"}')
    data, problems = read_json(tmp_path / "latin.json")
    assert data is None and "UTF-8" in problems[0].message


def test_nan_is_not_a_number(tmp_path: Path) -> None:
    """NaN (not JSON, though Python accepts it) is read as text, so validation refuses it."""
    (tmp_path / "n.json").write_text('{"price": NaN}', encoding="utf-8")
    assert read_json(tmp_path / "n.json")[0] == {"price": "NaN"}


def test_dumps_and_write_text(tmp_path: Path) -> None:
    """Documents are written with indent 2, real UTF-8 and a final newline."""
    text = dumps({"name": "Kue \u00e9", "n": [1]})
    assert text == '{\n  "name": "Kue \u00e9",\n  "n": [\n    1\n  ]\n}\n'
    write_text(tmp_path / "sub" / "x.json", text)
    assert (tmp_path / "sub" / "x.json").read_text(encoding="utf-8") == text
