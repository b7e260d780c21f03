"""From pydantic's validation errors to problems a planner can find in the file.

pydantic reports where a value failed as a ``loc`` (``("tiers", 0, "budget")``).
`issues` turns each error into an `Issue` that keeps that path, a plain
message and what was expected; the readers then place it in their file (a
JSON path, or a sheet, row and column). Checks that a model runs on a whole
record (a food without shelf life) have an empty path; the field they are
about is taken from the first field name their message mentions, so that
they still point at a column.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from parcelkit.errors import Problem

Loc = tuple[str | int, ...]

_WORD_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


@dataclass(frozen=True)
class Issue:
    """A problem inside one record, before it knows its file and row.

    Attributes
    ----------
    loc
        The path inside the record, as pydantic gives it (list indexes 0-based).
    message
        What is wrong.
    value
        The value found, as text.
    expected
        What was expected instead.
    missing
        True when a required value is absent; a reader drops these for a
        column it already reported as missing.
    """

    loc: Loc
    message: str
    value: str | None = None
    expected: str | None = None
    missing: bool = False


def issues(model: type[BaseModel], error: ValidationError) -> list[Issue]:
    """Every error of ``error`` (raised validating ``model``) as an `Issue`."""
    details = error.errors()
    found = [_issue(model, d) for d in details if not _echo(d, details)]
    return list(dict.fromkeys(found))


def _echo(detail: ErrorDetails, details: Sequence[ErrorDetails]) -> bool:
    """A too-short list only because an item inside it failed: noise, drop it."""
    if detail["type"] != "too_short":
        return False
    loc = detail["loc"]
    return any(len(d["loc"]) > len(loc) and d["loc"][: len(loc)] == loc for d in details)


def _issue(model: type[BaseModel], detail: ErrorDetails) -> Issue:
    loc: Loc = tuple(detail["loc"])
    kind = detail["type"]
    message = detail["msg"].removeprefix("Value error, ")
    target = model_at(model, loc)
    if kind == "value_error" and target is not None:
        named = _first_named_field(target, message)
        if named is not None:
            loc = (*loc, named)
    if kind == "missing":
        return Issue(loc, "required value is missing", expected="a value", missing=True)
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent is not None else None
        return Issue(
            loc,
            f"unknown field {loc[-1]!r}" if loc else "unknown field",
            value=shown(detail["input"]),
            expected=f"one of {allowed}" if allowed else None,
        )
    if kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == _WORD_PATTERN:
        message = "not a short lower-case word"
    message = message.replace("Input should be", "should be")
    return Issue(loc, message, value=shown(detail["input"]), expected=_expected(detail))


def model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class found at ``loc`` inside ``model``, or None at a plain value."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _model_in(field.annotation)
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside a type such as ``tuple[Tier, ...]`` or ``Rules | None``."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _first_named_field(model: type[BaseModel], message: str) -> str | None:
    """The field of ``model`` that ``message`` mentions first, if any."""
    hits = [
        (match.start(), name)
        for name in model.model_fields
        if (match := re.search(rf"\b{re.escape(name)}\b", message))
    ]
    return min(hits)[1] if hits else None


def shown(value: object) -> str | None:
    """A found value as text, for scalars only (a whole record is not shown)."""
    if isinstance(value, str | int | float | Decimal | dt.date):
        return str(value)
    return None


def _expected(detail: ErrorDetails) -> str | None:
    ctx = detail.get("ctx", {})
    kind = detail["type"]
    bounds = {
        "greater_than": "a number above {gt}",
        "greater_than_equal": "a number of at least {ge}",
        "less_than": "a number below {lt}",
        "less_than_equal": "a number of at most {le}",
    }
    if kind in bounds:
        return bounds[kind].format(**ctx)
    if kind == "string_too_short":
        return "text that is not empty"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _WORD_PATTERN:
            return "a short lower-case word (a-z, 0-9, '-' and '_')"
        return f"text matching {ctx.get('pattern')}"
    if kind == "literal_error":
        return str(ctx.get("expected"))
    if kind.startswith(("int_", "float_")):
        return "a whole number" if kind.startswith("int_") else "a number"
    if kind.startswith("bool_"):
        return "true or false"
    if kind.startswith("date"):
        return "a date, e.g. 2027-02-24"
    if kind.startswith("decimal_"):
        return "a decimal number, e.g. 0.85"
    if kind in ("model_type", "dict_type"):
        return "an object"
    if kind in ("list_type", "tuple_type"):
        return "a list"
    if kind == "string_type":
        return "text"
    return None


def loc_text(loc: Loc) -> str | None:
    """A path as text, ``tiers[2].rules.min_items`` (list positions 1-based)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text or None


def json_problem(
    issue: Issue, file: str, sheet: str | None = None, row: int | None = None
) -> Problem:
    """An issue of a JSON record as a problem; a list position in the path becomes the row."""
    loc = issue.loc
    if sheet is None and len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        sheet, row, loc = loc[0], loc[1] + 1, loc[2:]
    return Problem(
        message=issue.message,
        file=file,
        sheet=sheet,
        row=row,
        field=loc_text(loc),
        value=issue.value,
        expected=issue.expected,
    )


def moved(problem: Problem, **place: Any) -> Problem:
    """``problem`` at another place (file, sheet, row, field)."""
    return replace(problem, **place)


def unique(problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` without repeats, in their order."""
    return list(dict.fromkeys(problems))


def in_order(problems: Sequence[Problem], sheets: Sequence[str]) -> list[Problem]:
    """Problems sorted by place: the file's own first, then by sheet (in ``sheets`` order) and row.

    A sheet is matched by name ignoring case and a ``.csv`` suffix; problems at
    the same place keep their order.
    """

    def place(problem: Problem) -> tuple[int, int]:
        stem = (problem.sheet or "").lower().removesuffix(".csv")
        if problem.sheet is None:
            rank = 0
        elif stem in sheets:
            rank = sheets.index(stem) + 1
        else:
            rank = len(sheets) + 1
        return rank, problem.row or 0

    return sorted(problems, key=place)
