"""Requests on disk: a JSON file, an Excel workbook or a folder of CSV files.

A JSON file holds one request or ``{"requests": [...]}``. A workbook (or CSV
folder) has a ``requests`` sheet (one row per request, with its rules and
fees), a ``tiers`` sheet (one row per tier, with the rules it overrides) and
an optional ``preferences`` sheet, as FORMAT.md lays out. Each request is
validated as a whole and every problem is moved back to the row (requests,
tiers or preferences) and column it came from. Given a catalog, references
to categories, packaging and skus it lacks are reported too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from parcelkit.errors import Problem, RequestError
from parcelkit.io.catalog_files import missing_sheet
from parcelkit.io.columns import (
    PREFERENCES,
    REQUESTS,
    TIERS,
    Bound,
    Layout,
    Parsed,
    Row,
    bind,
    cells_of,
    parse_row,
    place_issues,
)
from parcelkit.io.jsonfile import dumps, read_json, write_text
from parcelkit.io.locate import Issue, in_order, issues, json_problem, moved, unique
from parcelkit.io.sources import Kind, kind_to_read, kind_to_write
from parcelkit.io.tabular import (
    Table,
    read_csv_folder,
    read_workbook,
    write_csv_folder,
    write_workbook,
)
from parcelkit.models import DEFAULT_RULES, Catalog, Request, requests_problems

PREFERENCE_KINDS = {"category": "categories", "sku": "skus"}
"""The ``kind`` cells of the preferences sheet and the collection each fills."""

PREFERENCE_COLLECTIONS = {collection: kind for kind, collection in PREFERENCE_KINDS.items()}

Locator = Callable[[Problem], Problem]


@dataclass(frozen=True)
class _Loaded:
    """A valid request and how to move a problem about it to its place in the file."""

    request: Request
    locate: Locator


def load_requests(
    path: str | os.PathLike[str], catalog: Catalog | None = None
) -> tuple[Request, ...]:
    """Read requests, in arrival order, from ``.json``, ``.xlsx`` or a folder of CSV files.

    With ``catalog``, categories, packaging and preference skus the catalog
    does not have are problems as well.

    Raises
    ------
    RequestError
        Holding every problem found, each with its file, sheet, row and field.
    """
    file = os.fspath(path)
    kind = kind_to_read(path)
    if isinstance(kind, Problem):
        raise RequestError([kind])
    if kind is Kind.JSON:
        loaded, problems = _from_json(Path(path), file)
    else:
        loaded, problems = _from_sheets(Path(path), file, kind)
    found = requests_problems([item.request for item in loaded], catalog)
    for problem in found:
        if problem.row is not None and 1 <= problem.row <= len(loaded):
            problems.append(loaded[problem.row - 1].locate(problem))
        else:
            problems.append(moved(problem, file=file))
    if problems:
        sheets = [REQUESTS.sheet, TIERS.sheet, PREFERENCES.sheet]
        raise RequestError(in_order(unique(problems), sheets))
    return tuple(item.request for item in loaded)


def _validate(record: Any) -> tuple[Request | None, list[Issue]]:
    """One request, or the issues that stop it (tier conflicts located precisely)."""
    conflicts = tier_conflicts(record)
    try:
        return Request.model_validate(record), []
    except ValidationError as error:
        found = issues(Request, error)
    if conflicts:
        # The model's own check of the same conflicts names no field; ours does.
        found = [issue for issue in found if issue.loc or issue.missing]
    return None, found + conflicts


def tier_conflicts(record: Any) -> list[Issue]:
    """Duplicate tier names, and tiers whose effective min_items is above max_items.

    The models check these on the whole request and cannot say which tier or
    column is at fault; this finds the row and the rule that causes each.
    A conflict inside one rule set (a tier giving both) is the `Rules`
    model's own, and is left to it.
    """
    if not isinstance(record, dict) or not isinstance(record.get("tiers"), list | tuple):
        return []
    found: list[Issue] = []
    first: dict[str, int] = {}
    for index, tier in enumerate(record["tiers"]):
        if not isinstance(tier, dict):
            continue
        name = tier.get("name")
        if isinstance(name, str) and name.strip() in first:
            found.append(
                Issue(
                    ("tiers", index, "name"),
                    f"tier name {name.strip()!r} is used twice in this request",
                    value=name,
                    expected="a tier name not used before in the request",
                )
            )
        elif isinstance(name, str):
            first[name.strip()] = index
        found += _items_conflict(index, name, _rules(record), _rules(tier))
    return found


def _rules(record: dict[str, Any]) -> dict[str, Any]:
    rules = record.get("rules")
    return rules if isinstance(rules, dict) else {}


def _items_conflict(
    index: int, name: object, request: dict[str, Any], tier: dict[str, Any]
) -> list[Issue]:
    low_from, low = _effective(tier, request, "min_items", DEFAULT_RULES.min_items)
    high_from, high = _effective(tier, request, "max_items", DEFAULT_RULES.max_items)
    if low is None or high is None or low <= high or low_from == high_from:
        return []
    if "tier" in (low_from, high_from):
        rule = "min_items" if low_from == "tier" else "max_items"
        loc: tuple[str | int, ...] = ("tiers", index, "rules", rule)
    else:
        rule = "min_items" if low_from == "request" else "max_items"
        loc = ("rules", rule)
    return [
        Issue(
            loc,
            f"tier {name!r}: min_items {low} (from the {low_from}) is above "
            f"max_items {high} (from the {high_from})",
            value=str(low if rule == "min_items" else high),
            expected="min_items at most max_items in every tier",
        )
    ]


def _effective(
    tier: dict[str, Any], request: dict[str, Any], rule: str, default: int
) -> tuple[str, int | None]:
    """Where the rule's value comes from and the value (None when it is not a number)."""
    for scope, rules in (("tier", tier), ("request", request)):
        value = rules.get(rule)
        if value is not None:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            return scope, number
    return "default", default


def _from_json(path: Path, file: str) -> tuple[list[_Loaded], list[Problem]]:
    data, problems = read_json(path)
    if data is None:
        return [], problems
    if not isinstance(data, dict):
        problems.append(
            Problem(
                message="the file does not hold a JSON object",
                file=file,
                expected='one request, or {"requests": [...]}',
            )
        )
        return [], problems
    if "requests" not in data:
        request, found = _validate(data)
        problems += [json_problem(issue, file) for issue in found]
        if request is None:
            return [], problems
        return [_Loaded(request, lambda p: moved(p, file=file, sheet=None, row=None))], problems
    problems += [
        Problem(
            message=f"unknown field {key!r}",
            file=file,
            field=key,
            expected='only "requests" beside the list of requests',
        )
        for key in data
        if key != "requests"
    ]
    items = data["requests"]
    if not isinstance(items, list):
        problems.append(Problem(message="not a list", file=file, field="requests"))
        return [], problems
    loaded = []
    for position, item in enumerate(items, start=1):
        request, found = _validate(item)
        problems += [json_problem(issue, file, "requests", position) for issue in found]
        if request is not None:
            loaded.append(_Loaded(request, _json_locator(file, position)))
    return loaded, problems


def _json_locator(file: str, position: int) -> Locator:
    return lambda p: moved(p, file=file, sheet="requests", row=position)


@dataclass(frozen=True)
class _TierRow:
    row: Row
    parsed: Parsed


@dataclass
class _Preferences:
    """The preferences sheet read: weights per request, and the row of each."""

    weights: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)
    rows_of: dict[str, list[int]] = field(default_factory=dict)


def _from_sheets(path: Path, file: str, kind: Kind) -> tuple[list[_Loaded], list[Problem]]:
    names = [REQUESTS.sheet, TIERS.sheet, PREFERENCES.sheet]
    if kind is Kind.XLSX:
        sheets, problems = read_workbook(path, names, file)
        if problems:
            return [], problems
    else:
        sheets, problems = read_csv_folder(path, names, file)
    bounds: dict[str, Bound] = {}
    for layout in (REQUESTS, TIERS, PREFERENCES):
        sheet = sheets.get(layout.sheet)
        if sheet is not None:
            bounds[layout.sheet] = bind(sheet, layout, file)
            problems += bounds[layout.sheet].problems
        elif layout is not PREFERENCES:
            problems.append(missing_sheet(layout, kind, file))
    if REQUESTS.sheet not in bounds or TIERS.sheet not in bounds:
        return [], problems
    reader = _SheetReader(file, bounds)
    loaded = reader.read()
    return loaded, problems + reader.problems


class _SheetReader:
    """Reads the requests, tiers and preferences sheets into requests, problem by problem."""

    def __init__(self, file: str, bounds: dict[str, Bound]) -> None:
        self.file = file
        self.requests = bounds[REQUESTS.sheet]
        self.tiers = bounds[TIERS.sheet]
        self.preferences = bounds.get(PREFERENCES.sheet)
        self.problems: list[Problem] = []

    def read(self) -> list[_Loaded]:
        """The valid requests, in row order; problems collect in ``self.problems``."""
        tiers = self._tier_rows()
        preferences = self._preference_rows()
        loaded: list[_Loaded] = []
        ids: set[str] = set()
        for row in self.requests.rows:
            parsed = self._parse(REQUESTS, self.requests, row)
            request_id = parsed.record.get("id")
            key = request_id.strip() if isinstance(request_id, str) else None
            own = tiers.get(key, []) if key else []
            record = {**parsed.record, "tiers": [t.parsed.record for t in own]}
            if key:
                ids.add(key)
                if key in preferences.weights:
                    record["preferences"] = preferences.weights[key]
            if key and not own:
                self._no_tiers(row, key)
            request, found = _validate(record)
            for issue in found:
                if issue.loc == ("tiers",) and not own:
                    continue  # told by _no_tiers
                self.problems += self._place(issue, row, parsed, own, key or "", preferences)
            if request is not None:
                loaded.append(_Loaded(request, self._locator(row, request, own, preferences)))
        self._orphans(tiers, preferences, ids)
        return loaded

    def _parse(self, layout: Layout, bound: Bound, row: Row) -> Parsed:
        parsed = parse_row(layout, row, self.file, bound.label)
        self.problems += parsed.problems
        return parsed

    def _tier_rows(self) -> dict[str, list[_TierRow]]:
        by_request: dict[str, list[_TierRow]] = {}
        for row in self.tiers.rows:
            parsed = self._parse(TIERS, self.tiers, row)
            request_id = parsed.record.pop("request_id", None)
            if isinstance(request_id, str) and request_id.strip():
                by_request.setdefault(request_id.strip(), []).append(_TierRow(row, parsed))
            else:
                self._missing(self.tiers, row, parsed, "request_id")
        return by_request

    def _preference_rows(self) -> _Preferences:
        found = _Preferences()
        bound = self.preferences
        if bound is None:
            return found
        for row in bound.rows:
            parsed = self._parse(PREFERENCES, bound, row)
            values = parsed.record
            gaps = [n for n in PREFERENCES.names if n not in values]
            for name in gaps:
                self._missing(bound, row, parsed, name)
            if gaps:
                continue
            request_id, key = values["request_id"].strip(), values["key"].strip()
            kind = values["kind"].strip().lower()
            if kind not in PREFERENCE_KINDS:
                self._at(
                    bound, row, "kind", f"unknown kind {kind!r}", values["kind"], "category or sku"
                )
                continue
            if (request_id, kind, key) in found.rows:
                first = found.rows[(request_id, kind, key)]
                self._at(
                    bound,
                    row,
                    "key",
                    f"{kind} {key!r} is weighed twice (first in row {first})",
                    key,
                    "one row per request, kind and key",
                )
                continue
            weights = found.weights.setdefault(request_id, {"categories": {}, "skus": {}})
            weights[PREFERENCE_KINDS[kind]][key] = values["weight"]
            found.rows[(request_id, kind, key)] = row.number
            found.rows_of.setdefault(request_id, []).append(row.number)
        return found

    def _missing(self, bound: Bound, row: Row, parsed: Parsed, name: str) -> None:
        if name not in parsed.failed and name not in bound.absent:
            self._at(bound, row, name, "required value is missing", None, "a value")

    def _at(
        self,
        bound: Bound,
        row: int | Row,
        name: str | None,
        message: str,
        value: str | None,
        expected: str | None,
    ) -> None:
        number = row.number if isinstance(row, Row) else row
        self.problems.append(
            Problem(
                message=message,
                file=self.file,
                sheet=bound.label,
                row=number,
                field=name,
                value=value,
                expected=expected,
            )
        )

    def _no_tiers(self, row: Row, key: str) -> None:
        self._at(
            self.requests,
            row,
            "id",
            f"request {key!r} has no tiers: no row of {self.tiers.label} has this request_id",
            key,
            "at least one tier row with this request_id",
        )

    def _place(
        self,
        issue: Issue,
        row: Row,
        parsed: Parsed,
        own: Sequence[_TierRow],
        request_id: str,
        preferences: _Preferences,
    ) -> list[Problem]:
        """An issue of a request, on the row (requests, tiers or preferences) it is about."""
        loc = issue.loc
        if len(loc) > 1 and loc[0] == "tiers" and isinstance(loc[1], int) and loc[1] < len(own):
            tier = own[loc[1]]
            return place_issues(
                [replace(issue, loc=loc[2:])],
                TIERS,
                tier.row,
                file=self.file,
                label=self.tiers.label,
                failed=tier.parsed.failed,
                absent=self.tiers.absent,
            )
        if loc[:1] == ("preferences",) and len(loc) > 2 and self.preferences is not None:
            kind = PREFERENCE_COLLECTIONS.get(str(loc[1]), "")
            number = preferences.rows.get((request_id, kind, str(loc[2])))
            if number is not None:
                return [
                    Problem(
                        message=issue.message,
                        file=self.file,
                        sheet=self.preferences.label,
                        row=number,
                        field="weight",
                        value=issue.value,
                        expected=issue.expected,
                    )
                ]
        return place_issues(
            [issue],
            REQUESTS,
            row,
            file=self.file,
            label=self.requests.label,
            failed=parsed.failed,
            absent=self.requests.absent,
        )

    def _locator(
        self, row: Row, request: Request, own: Sequence[_TierRow], preferences: _Preferences
    ) -> Locator:
        """Moves a catalog-reference problem about ``request`` to its row and sheet."""

        def locate(problem: Problem) -> Problem:
            for tier, tier_row in zip(request.tiers, own, strict=True):
                if f"tiers[{tier.name}].rules" in problem.message:
                    return moved(
                        problem, file=self.file, sheet=self.tiers.label, row=tier_row.row.number
                    )
            if problem.field == "preferences" and self.preferences is not None:
                for kind in PREFERENCE_KINDS:
                    number = preferences.rows.get((request.id, kind, problem.value or ""))
                    if number is not None:
                        return moved(
                            problem,
                            file=self.file,
                            sheet=self.preferences.label,
                            row=number,
                            field="key",
                        )
            return moved(problem, file=self.file, sheet=self.requests.label, row=row.number)

        return locate

    def _orphans(
        self, tiers: dict[str, list[_TierRow]], preferences: _Preferences, ids: set[str]
    ) -> None:
        """Tier and preference rows whose request_id names no request."""
        for request_id, rows in tiers.items():
            if request_id not in ids:
                for tier in rows:
                    self._at(
                        self.tiers,
                        tier.row,
                        "request_id",
                        f"no request has id {request_id!r}",
                        request_id,
                        f"the id of a request in {self.requests.label}",
                    )
        if self.preferences is None:
            return
        for request_id, numbers in preferences.rows_of.items():
            if request_id not in ids:
                for number in numbers:
                    self._at(
                        self.preferences,
                        number,
                        "request_id",
                        f"no request has id {request_id!r}",
                        request_id,
                        f"the id of a request in {self.requests.label}",
                    )


def request_document(request: Request) -> dict[str, Any]:
    """One request as JSON: the format first, values left at defaults omitted."""
    return {"format": request.format, **request.model_dump(mode="json", exclude_defaults=True)}


def requests_to_json(requests: Sequence[Request]) -> str:
    """Requests as JSON text, ``{"requests": [...]}`` in arrival order, indent 2."""
    return dumps({"requests": [request_document(r) for r in requests]})


def request_tables(requests: Sequence[Request]) -> list[Table]:
    """The requests, tiers and preferences sheets of a requests workbook or CSV folder."""
    tier_rows = [
        cells_of(TIERS, tier, given={"request_id": request.id})
        for request in requests
        for tier in request.tiers
    ]
    preference_rows: list[list[Any]] = [
        [request.id, kind, key, weight]
        for request in requests
        for kind, collection in PREFERENCE_KINDS.items()
        for key, weight in getattr(request.preferences, collection).items()
    ]
    return [
        (REQUESTS.sheet, REQUESTS.names, [cells_of(REQUESTS, r) for r in requests]),
        (TIERS.sheet, TIERS.names, tier_rows),
        (PREFERENCES.sheet, PREFERENCES.names, preference_rows),
    ]


def save_requests(requests: Sequence[Request], path: str | os.PathLike[str]) -> None:
    """Write requests as ``.json``, ``.xlsx`` or (any other path) a folder of CSV files.

    `load_requests` reads back equal requests in the same order. Raises
    `ValueError` when a list value cannot be written to a comma-separated cell.
    """
    kind = kind_to_write(path)
    if kind is Kind.JSON:
        write_text(path, requests_to_json(requests))
    elif kind is Kind.XLSX:
        write_workbook(Path(path), request_tables(requests))
    else:
        write_csv_folder(Path(path), request_tables(requests))
