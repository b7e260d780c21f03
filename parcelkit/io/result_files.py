"""Quotes and season plans as JSON files.

Results are written in full (every key, defaults included), since services
read them with fixed expectations; `load_result` dispatches on ``format``.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import ValidationError

from parcelkit.errors import Problem, ResultError
from parcelkit.io.jsonfile import dumps, read_json, write_text
from parcelkit.io.locate import issues, json_problem, unique
from parcelkit.models import PLAN_FORMAT, QUOTE_FORMAT, Quote, SeasonPlan

RESULT_TYPES: dict[str, type[Quote] | type[SeasonPlan]] = {
    QUOTE_FORMAT: Quote,
    PLAN_FORMAT: SeasonPlan,
}
"""The result formats and the model each is read into."""


def load_result(path: str | os.PathLike[str]) -> Quote | SeasonPlan:
    """Read a quote or a plan from JSON, by its ``format``.

    Raises
    ------
    ResultError
        Holding every problem found, each with its place in the document
        (a list and position, e.g. ``quotes``, row 2, ``tiers[1].budget``).
    """
    file = os.fspath(path)
    data, problems = read_json(path, exact=False)
    if data is None:
        raise ResultError(problems)
    kind = data.get("format") if isinstance(data, dict) else None
    model = RESULT_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        problems.append(
            Problem(
                message="not a quote or a plan",
                file=file,
                field="format",
                value=None if kind is None else str(kind),
                expected=" or ".join(RESULT_TYPES),
            )
        )
        raise ResultError(problems)
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        problems += [json_problem(issue, file) for issue in issues(model, error)]
    if problems:
        raise ResultError(unique(problems))
    return result


def result_document(result: Quote | SeasonPlan) -> dict[str, Any]:
    """A quote or plan as a JSON document, every field written."""
    return result.model_dump(mode="json")


def result_to_json(result: Quote | SeasonPlan) -> str:
    """A quote or plan as JSON text (indent 2), as `save_result` writes it."""
    return dumps(result_document(result))


def save_result(result: Quote | SeasonPlan, path: str | os.PathLike[str]) -> None:
    """Write a quote or plan as a JSON file that `load_result` reads back equal."""
    write_text(path, result_to_json(result))
