"""Reading and writing the JSON files of the format, with located read errors."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from parcelkit.errors import Problem


def read_json(path: str | os.PathLike[str], *, exact: bool = True) -> tuple[Any, list[Problem]]:
    """The parsed content of a JSON file, or None and the problems that stop it.

    With ``exact``, numbers with a fraction are read as `Decimal`, so that a
    share such as 0.1 is never a binary float on the way into the models.
    A key given twice in one object is reported: JSON would silently keep the
    last one.
    """
    file = os.fspath(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [Problem(message=f"cannot read the file: {exc.strerror}", file=file)]
    except UnicodeDecodeError as exc:
        return None, [
            Problem(
                message=f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})",
                file=file,
                expected="a JSON file saved as UTF-8",
            )
        ]
    repeated: list[str] = []
    try:
        data = json.loads(
            text,
            parse_float=Decimal if exact else float,
            parse_constant=str,
            object_pairs_hook=lambda pairs: _object(pairs, repeated),
        )
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                message=f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                file=file,
                expected="a JSON document",
            )
        ]
    problems = [
        Problem(
            message=f"the key {key!r} appears twice in one object; only one may be given",
            file=file,
            field=key,
        )
        for key in dict.fromkeys(repeated)
    ]
    return data, problems


def _object(pairs: list[tuple[str, Any]], repeated: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            repeated.append(key)
        result[key] = value
    return result


def dumps(document: Any) -> str:
    """A JSON document as the format writes it: indent 2, UTF-8 text, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8, creating the parent folder when needed."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
