"""The ``parcelkit`` command line: validate, quote, plan, verify, schema and demo.

A thin typer app over the public API; FORMAT.md's "Command line" section is its
contract. Results go to stdout (a rich summary, or the JSON with ``--json``);
errors and messages go to stderr, so ``parcelkit quote ... --json > quote.json``
writes a clean file.

Exit status:

====  ==========================================================================
0     valid input, served quote (every request served by a plan), valid result
1     the request cannot be served (infeasible), a plan leaves some requests
      unserved, or the result breaks rules
2     bad input: every problem is listed with its place, never a traceback
3     unknown: the time limit ran out before a quote (or a verified plan) or a
      proof of infeasibility
4     the optimizer itself failed (an internal error, worth reporting)
====  ==========================================================================

Imports stay light at the top of this module so that ``parcelkit --help`` is
fast: the I/O layer, the solver (OR-Tools) and the checker are imported inside
the commands that use them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.text import Text

from parcelkit import __version__
from parcelkit.errors import InputError, Problem, ResultError, SolverError
from parcelkit.models import (
    CATALOG_FORMAT,
    PLAN_FORMAT,
    QUOTE_FORMAT,
    REQUEST_FORMAT,
    Catalog,
    Quote,
    Request,
    SeasonPlan,
    Status,
)
from parcelkit.report.terminal import (
    plan_progress,
    plan_summary,
    problems_table,
    progress_figures,
    quote_summary,
    season_summary,
    status_text,
    violations_table,
)
from parcelkit.report.text import grouped, rupiah

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from rich.progress import Progress as ProgressDisplay

    from parcelkit.solve.season import Policy, Progress

__all__ = ["ExitCode", "app", "main"]

T = TypeVar("T")


class ExitCode(IntEnum):
    """The exit status of every command (FORMAT.md, plus 4 for a solver failure)."""

    OK = 0
    """Valid input; the quote is served; the result is valid."""
    NOT_SERVED = 1
    """The request is infeasible, or the checked result has violations."""
    BAD_INPUT = 2
    """An input file is missing, unreadable or breaks the format."""
    UNKNOWN = 3
    """Time ran out before a valid quote and before a proof that none exists."""
    SOLVER_FAILED = 4
    """The optimizer failed or returned a result that does not verify."""


QUOTE_EXIT: dict[Status, ExitCode] = {
    Status.OPTIMAL: ExitCode.OK,
    Status.FEASIBLE: ExitCode.OK,
    Status.INFEASIBLE: ExitCode.NOT_SERVED,
    Status.UNKNOWN: ExitCode.UNKNOWN,
}
"""Exit status of ``parcelkit quote`` by the quote's status."""

POLICY_NAMES = ("maxmin_share", "proportional", "none")
"""The fairness policies ``--policy`` accepts, as `parcelkit.solve.season.POLICIES`.

Spelled out here so that ``--help`` lists them without importing the solver;
the command checks the value against the solver's own list.
"""

app = typer.Typer(
    name="parcelkit",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# --------------------------------------------------------------------------- options

CatalogPath = Annotated[
    Path,
    typer.Argument(
        help="Catalog: a JSON file, an .xlsx workbook or a folder of CSV files.",
        show_default=False,
    ),
]
RequestsPath = Annotated[
    Path,
    typer.Argument(
        help="Requests: a JSON file (one request or {'requests': [...]}), .xlsx or CSV folder.",
        show_default=False,
    ),
]
TimeLimit = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.1,
        help="Wall-clock cap in seconds, on top of the deterministic work limit.",
    ),
]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Random seed of the solver.")]
Workers = Annotated[
    int,
    typer.Option("--workers", min=1, help="Solver workers; results stay reproducible."),
]


def _stdout() -> Console:
    # Made per command, not at import: rich reads the terminal width (and
    # COLUMNS) when a console is created.
    return Console(highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"parcelkit {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Build Lebaran gift parcels from UMKM products, with revenue spread fairly.

    Exit status: 0 ok, 1 not served or violations, 2 bad input, 3 unknown
    (time ran out), 4 internal solver failure.
    """


# --------------------------------------------------------------------------- input


def _attempt(load: Callable[[], T], path: Path) -> tuple[T | None, list[Problem]]:
    """Run a loader; on bad input, the located problems instead of an exception.

    The I/O layer reports everything wrong in a file as an `InputError`; a path
    that is missing or unreadable, and (defensively) a validation error that
    escaped it, become problems placed at the file too.
    """
    if not path.exists():
        return None, [Problem(message="no such file or folder", file=str(path))]
    try:
        return load(), []
    except InputError as error:
        return None, list(error.problems) or [Problem(message=str(error), file=str(path))]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Problem(message=f"cannot read it: {reason}", file=str(path))]
    except ValidationError as error:
        return None, [
            Problem(
                message=detail["msg"],
                file=str(path),
                field=".".join(str(part) for part in detail["loc"]) or None,
            )
            for detail in error.errors()
        ]


def _bad_input(err: Console, problems: Sequence[Problem]) -> NoReturn:
    """Print every problem with its place on stderr and exit 2."""
    count = len(problems)
    err.print(
        Text.assemble(
            ("Invalid input: ", "bold red"), f"{count} problem{'s' if count != 1 else ''}"
        )
    )
    err.print(problems_table(problems))
    raise typer.Exit(ExitCode.BAD_INPUT)


def _load(err: Console, load: Callable[[], T], path: Path) -> T:
    """The loaded value, or exit 2 with every problem listed."""
    value, problems = _attempt(load, path)
    if problems or value is None:
        _bad_input(err, problems or [Problem(message="nothing could be read", file=str(path))])
    return value


def _pick_request(
    requests: Sequence[Request], request_id: str | None, path: Path, err: Console
) -> Request:
    """The request to quote: the only one in the file, or the one ``--request-id`` names."""
    ids = ", ".join(r.id for r in requests)
    if request_id is None:
        if len(requests) == 1:
            return requests[0]
        _bad_input(
            err,
            [
                Problem(
                    message=f"the file holds {len(requests)} requests; choose one with "
                    "--request-id",
                    file=str(path),
                    expected=f"one of {ids}" if requests else "at least one request",
                )
            ],
        )
    for request in requests:
        if request.id == request_id:
            return request
    _bad_input(
        err,
        [
            Problem(
                message=f"no request with id {request_id!r}",
                file=str(path),
                field="id",
                value=request_id,
                expected=f"one of {ids}",
            )
        ],
    )


@contextmanager
def _solver_failure(err: Console) -> Iterator[None]:
    """Turn a `SolverError` (an internal failure, not bad input) into exit 4."""
    try:
        yield
    except SolverError as error:
        err.print(Text.assemble(("Solver failure: ", "bold red"), str(error)))
        err.print("This is a bug in parcelkit or OR-Tools; please report it with the input files.")
        raise typer.Exit(ExitCode.SOLVER_FAILED) from None


def _spinner(err: Console, message: str) -> AbstractContextManager[object]:
    # A spinner only where someone watches; captured output stays clean.
    return err.status(message) if err.is_terminal else nullcontext()


def _write(err: Console, result: Quote | SeasonPlan, output: Path, what: str) -> None:
    """Save a result as JSON; a file that cannot be written is bad input (exit 2)."""
    from parcelkit.io import save_result

    _write_document(err, lambda path: save_result(result, path), output, what)


def _write_document(err: Console, write: Callable[[Path], object], path: Path, what: str) -> None:
    """Write a document; a file that cannot be written is bad input (exit 2)."""
    try:
        write(path)
    except OSError as error:
        reason = error.strerror or str(error)
        _bad_input(err, [Problem(message=f"cannot write it: {reason}", file=str(path))])
    err.print(f"{what} written to {path}")


def _write_penawaran(
    err: Console,
    result: Quote,
    request: Request,
    catalog: Catalog,
    *,
    pdf: Path | None,
    html: Path | None,
) -> None:
    """The company's offer document (penawaran harga) as PDF and/or HTML, if served."""
    if pdf is None and html is None:
        return
    if not result.served:
        err.print(f"No penawaran written: the quote is {result.status.value}, nothing to offer.")
        return
    from parcelkit.report.quote_document import quote_document
    from parcelkit.report.quote_html import write_quote_html
    from parcelkit.report.quote_pdf import write_quote_pdf

    document = quote_document(result, request, catalog)
    if pdf is not None:
        _write_document(err, lambda path: write_quote_pdf(document, path), pdf, "Penawaran (PDF)")
    if html is not None:
        _write_document(
            err, lambda path: write_quote_html(document, path), html, "Penawaran (HTML)"
        )


def _solve_quote(
    catalog: Catalog,
    request: Request,
    err: Console,
    *,
    time_limit: float,
    seed: int,
    workers: int,
) -> Quote:
    """Quote one request, with a spinner on a terminal and exit 4 on solver failure."""
    from parcelkit.solve import quote

    with _solver_failure(err), _spinner(err, f"Quoting {request.id} ..."):
        return quote(catalog, request, time_limit=time_limit, seed=seed, workers=workers)


# --------------------------------------------------------------------------- plan input


def _policy(value: str) -> tuple[Policy | None, list[Problem]]:
    """The ``--policy`` value as the solver's policy, or the problem with it."""
    from parcelkit.solve.season import POLICIES

    for policy in POLICIES:
        if value == policy:
            return policy, []
    return None, [
        Problem(
            message="unknown fairness policy",
            field="--policy",
            value=value,
            expected="one of " + ", ".join(POLICIES),
        )
    ]


def _max_share(text: str | None) -> tuple[Decimal | None, list[Problem]]:
    """The ``--max-share`` value as an exact decimal in (0, 1], or the problem with it.

    Read as `Decimal`, never a float: the share is compared exactly (FORMAT.md).
    """
    if text is None:
        return None, []
    expected = "a decimal above 0 and at most 1, e.g. 0.15"
    try:
        share = Decimal(text.strip())
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite():
        return None, [
            Problem(message="not a number", field="--max-share", value=text, expected=expected)
        ]
    if not 0 < share <= 1:
        return None, [
            Problem(message="out of range", field="--max-share", value=text, expected=expected)
        ]
    return share, []


class _FixedQuotes(BaseModel):
    """A JSON array of quotes, validated as one list so that problems name their row."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quotes: tuple[Quote, ...]


def _read_fixed(path: Path) -> tuple[Quote, ...]:
    """The accepted quotes of a ``--fixed`` file: one quote, an array of quotes, or a plan.

    Raises
    ------
    ResultError
        Holding every problem found, each placed in the file (for an array,
        ``quotes``, the quote's position as the row, and the field).
    """
    from parcelkit.io import load_result
    from parcelkit.io.jsonfile import read_json
    from parcelkit.io.locate import issues, json_problem, unique

    file = str(path)
    data, problems = read_json(path, exact=False)
    if data is None:
        raise ResultError(problems)
    if isinstance(data, dict):
        found = load_result(path)
        return found.quotes if isinstance(found, SeasonPlan) else (found,)
    if not isinstance(data, list):
        raise ResultError(
            [
                Problem(
                    message=f"a JSON {type(data).__name__} cannot hold accepted quotes",
                    file=file,
                    expected="a quote, a JSON array of quotes, or a plan",
                )
            ]
        )
    try:
        fixed = _FixedQuotes.model_validate({"quotes": data}).quotes
    except ValidationError as error:
        problems += [json_problem(issue, file) for issue in issues(_FixedQuotes, error)]
        raise ResultError(unique(problems)) from None
    if problems:
        raise ResultError(problems)
    return fixed


def _fixed_problems(
    catalog: Catalog, requests: Sequence[Request], fixed: Sequence[Quote], path: Path
) -> list[Problem]:
    """What keeps the accepted quotes from being part of this season's plan.

    Each must answer a request of the season, once, be served, and pass the
    independent checker on its own (a plan keeps it exactly as it is, so a
    broken one could never be part of a valid plan). Problems are placed in
    the file: with several quotes, at ``quotes`` and the quote's position.
    """
    by_id = {request.id: request for request in requests}
    seen: set[str] = set()
    problems: list[Problem] = []
    for row, accepted in enumerate(fixed, start=1):
        request = by_id.get(accepted.request_id)
        found = _accepted_problems(catalog, request, accepted, list(by_id))
        if accepted.request_id in seen:
            found.append(
                Problem(
                    message="a second accepted quote for the same request",
                    field="request_id",
                    value=accepted.request_id,
                )
            )
        seen.add(accepted.request_id)
        several = len(fixed) > 1
        problems += [
            replace(
                problem,
                file=str(path),
                sheet="quotes" if several else None,
                row=row if several else None,
            )
            for problem in found
        ]
    return problems


def _accepted_problems(
    catalog: Catalog, request: Request | None, accepted: Quote, known: Sequence[str]
) -> list[Problem]:
    """The problems of one accepted quote, not yet placed in its file."""
    from parcelkit.verify import check_quote

    if request is None:
        return [
            Problem(
                message="an accepted quote for a request that is not in the requests",
                field="request_id",
                value=accepted.request_id,
                expected="one of " + ", ".join(known),
            )
        ]
    if not accepted.served:
        return [
            Problem(
                message="an accepted quote must serve its request",
                field="status",
                value=accepted.status.value,
                expected="optimal or feasible",
            )
        ]
    return [
        Problem(message=f"the accepted quote breaks a rule: {violation}", field=violation.rule)
        for violation in check_quote(catalog, request, accepted)
    ]


# --------------------------------------------------------------------------- plan solving


class _PlanDisplay:
    """The live progress of a season solve on stderr; the solver's progress callback.

    Shows the phase, its incumbent and bound, and the wall time against the
    limit; it vanishes when the solve ends, leaving the terminal to the summary.
    """

    def __init__(self, err: Console, time_limit: float) -> None:
        self._display: ProgressDisplay = plan_progress(err)
        self._task = self._display.add_task("starting", total=time_limit, figures="")

    def __enter__(self) -> _PlanDisplay:
        self._display.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._display.stop()

    def __call__(self, report: Progress) -> None:
        self._display.update(
            self._task,
            description=report.phase,
            figures=progress_figures(report.incumbent, report.bound),
        )


def _solve_plan(
    catalog: Catalog,
    requests: Sequence[Request],
    err: Console,
    *,
    show_progress: bool,
    policy: Policy,
    max_share: Decimal | None,
    fixed: Sequence[Quote],
    time_limit: float,
    seed: int,
    workers: int,
) -> SeasonPlan:
    """Plan the season, with a live display on a terminal; exit 2 or 4 on failure.

    Bad input the solver alone can see (fixed quotes that together need more
    stock than there is, say) is an `InputError`: listed, exit 2.
    """
    from parcelkit.solve.season import plan

    display = _PlanDisplay(err, time_limit) if show_progress and err.is_terminal else None
    try:
        with _solver_failure(err), display or nullcontext():
            return plan(
                catalog,
                requests,
                policy=policy,
                max_share=max_share,
                fixed=fixed,
                time_limit=time_limit,
                seed=seed,
                workers=workers,
                progress=display,
            )
    except InputError as error:
        _bad_input(err, list(error.problems) or [Problem(message=str(error))])


def plan_exit(plan: SeasonPlan) -> ExitCode:
    """Exit status of ``parcelkit plan``: 3 unknown, 1 some request unserved, else 0."""
    if plan.status is Status.UNKNOWN:
        return ExitCode.UNKNOWN
    if plan.unserved or plan.status is Status.INFEASIBLE:
        return ExitCode.NOT_SERVED
    return ExitCode.OK


# --------------------------------------------------------------------------- commands


@app.command()
def validate(
    catalog: CatalogPath,
    requests: Annotated[
        Path | None,
        typer.Argument(
            help="Requests to check against the catalog (JSON, .xlsx or CSV folder).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a catalog (and requests against it), listing every problem with its place.

    Exit 0 when valid (with a short summary), 2 when anything is wrong.
    """
    from parcelkit.io import load_catalog, load_requests

    out, err = _stdout(), _stderr()
    loaded, problems = _attempt(lambda: load_catalog(catalog), catalog)
    season: tuple[Request, ...] = ()
    if requests is not None:
        # Without a valid catalog the requests are still read, for their own
        # problems: one run lists everything.
        found, request_problems = _attempt(
            lambda: load_requests(requests, catalog=loaded), requests
        )
        problems += request_problems
        season = found or ()
    if problems or loaded is None:
        _bad_input(err, problems)
    what = "catalog and requests are" if requests is not None else "catalog is"
    out.print(Text.assemble(("Valid: ", "bold green"), f"the {what} valid."))
    out.print(season_summary(loaded, season))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the catalog, request, quote and plan formats.

    One JSON object keyed by format name (``parcelkit.catalog/1``, ...).
    """
    schemas = {
        CATALOG_FORMAT: Catalog.model_json_schema(),
        REQUEST_FORMAT: Request.model_json_schema(),
        QUOTE_FORMAT: Quote.model_json_schema(),
        PLAN_FORMAT: SeasonPlan.model_json_schema(),
    }
    typer.echo(json.dumps(schemas, indent=2, ensure_ascii=False))


@app.command("quote")
def quote_command(
    catalog: CatalogPath,
    request: Annotated[
        Path,
        typer.Argument(
            help="The request: one request, or {'requests': [...]} with --request-id.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the quote's JSON to this file."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the quote's JSON on stdout instead of a summary."),
    ] = False,
    request_id: Annotated[
        str | None,
        typer.Option("--request-id", help="Which request to quote when the file holds several."),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            help="Write the offer document (Penawaran Harga, in Indonesian) as PDF to this file.",
            show_default=False,
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the offer document (Penawaran Harga, in Indonesian) as HTML to this file.",
            show_default=False,
        ),
    ] = None,
    time_limit: TimeLimit = 10.0,
    seed: Seed = 0,
    workers: Workers = 1,
) -> None:
    """One company's quote: a readable summary, and the JSON to a file or stdout.

    Exit 0 served (optimal or feasible), 1 infeasible (reasons printed), 2 bad
    input, 3 unknown (time ran out), 4 solver failure.
    """
    from parcelkit.io import load_catalog, load_requests, result_to_json

    out, err = _stdout(), _stderr()
    loaded = _load(err, lambda: load_catalog(catalog), catalog)
    season = _load(err, lambda: load_requests(request, catalog=loaded), request)
    chosen = _pick_request(season, request_id, request, err)
    result = _solve_quote(loaded, chosen, err, time_limit=time_limit, seed=seed, workers=workers)

    if output is not None:
        _write(err, result, output, "Quote")
    _write_penawaran(err, result, chosen, loaded, pdf=pdf, html=html)
    if as_json:
        typer.echo(result_to_json(result).rstrip("\n"))
        err.print(_status_line(result))
        for reason in result.reasons:
            err.print(Text(f"  - {reason}"), soft_wrap=True)
    else:
        out.print(quote_summary(result, loaded))
    raise typer.Exit(QUOTE_EXIT[result.status])


def _status_line(result: Quote) -> Text:
    line = Text.assemble(f"{result.request_id}: ", status_text(result.status))
    if result.served:
        line.append(f", total {rupiah(result.total)}")
    return line


@app.command("plan")
def plan_command(
    catalog: CatalogPath,
    requests: RequestsPath,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the plan's JSON to this file."),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the plan's JSON on stdout instead of a summary."),
    ] = False,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="Fairness policy: maxmin_share (raise the smallest producer revenue first), "
            "proportional (the same on revenue / reachable) or none.",
        ),
    ] = "maxmin_share",
    max_share: Annotated[
        str | None,
        typer.Option(
            "--max-share",
            help="No producer above this share of all producer revenue: a decimal in (0, 1].",
            show_default=False,
        ),
    ] = None,
    fixed: Annotated[
        Path | None,
        typer.Option(
            "--fixed",
            help="Quotes already accepted, kept as they are: a quote, a JSON array of quotes, "
            "or a plan.",
            show_default=False,
        ),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            help="Write the plan as an Excel workbook: summary, fairness, producers, one sheet "
            "per company, one purchase order (PO) per producer.",
            show_default=False,
        ),
    ] = None,
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    workers: Workers = 1,
) -> None:
    """A season plan: every request at once, shared stock, revenue spread fairly.

    A summary on the terminal (with live progress on stderr), the JSON to a
    file or stdout. Exit 0 every request served, 1 some unserved (each listed
    with what ran out), 2 bad input, 3 unknown (no verified plan in time), 4
    solver failure.
    """
    from parcelkit.io import load_catalog, load_requests, result_to_json

    out, err = _stdout(), _stderr()
    chosen, problems = _policy(policy)
    share, share_problems = _max_share(max_share)
    problems += share_problems
    if problems or chosen is None:
        _bad_input(err, problems)
    loaded = _load(err, lambda: load_catalog(catalog), catalog)
    season = _load(err, lambda: load_requests(requests, catalog=loaded), requests)
    accepted: tuple[Quote, ...] = ()
    if fixed is not None:
        accepted = _load(err, lambda: _read_fixed(fixed), fixed)
        fixed_problems = _fixed_problems(loaded, season, accepted, fixed)
        if fixed_problems:
            _bad_input(err, fixed_problems)

    result = _solve_plan(
        loaded,
        season,
        err,
        show_progress=not as_json,
        policy=chosen,
        max_share=share,
        fixed=accepted,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
    )
    if output is not None:
        _write(err, result, output, "Plan")
    if xlsx is not None:
        from parcelkit.report.workbook import write_plan_workbook

        _write_document(
            err,
            lambda path: write_plan_workbook(result, loaded, path, requests=season),
            xlsx,
            "Workbook",
        )
    if as_json:
        typer.echo(result_to_json(result).rstrip("\n"))
        err.print(_plan_line(result))
        for entry in result.unserved:
            err.print(Text(f"  - {entry.request_id}: {entry.reason}"), soft_wrap=True)
    else:
        out.print(plan_summary(result, loaded, season))
    raise typer.Exit(plan_exit(result))


def _plan_line(plan: SeasonPlan) -> Text:
    served = len(plan.quotes)
    line = Text.assemble("plan: ", status_text(plan.status))
    line.append(
        f", {grouped(served)} of {grouped(served + len(plan.unserved))} requests served, "
        f"total {rupiah(sum(q.total for q in plan.quotes))}"
    )
    return line


@app.command()
def verify(
    catalog: CatalogPath,
    requests: RequestsPath,
    result: Annotated[
        Path, typer.Argument(help="A quote or plan JSON file to check.", show_default=False)
    ],
) -> None:
    """Check a quote or plan against every rule, independently of the solver.

    Exit 0 valid, 1 violations (each listed with its place), 2 bad input.
    """
    from parcelkit.io import load_catalog, load_requests, load_result
    from parcelkit.verify import check_plan, check_quote

    out, err = _stdout(), _stderr()
    loaded = _load(err, lambda: load_catalog(catalog), catalog)
    season = _load(err, lambda: load_requests(requests, catalog=loaded), requests)
    answer = _load(err, lambda: load_result(result), result)

    if isinstance(answer, Quote):
        request = next((r for r in season if r.id == answer.request_id), None)
        if request is None:
            _bad_input(
                err,
                [
                    Problem(
                        message=f"the quote is for request {answer.request_id!r}, "
                        f"which is not in {requests}",
                        file=str(result),
                        field="request_id",
                        value=answer.request_id,
                        expected="one of " + ", ".join(r.id for r in season),
                    )
                ],
            )
        violations = check_quote(loaded, request, answer)
        what = Text.assemble(f"quote for {answer.request_id} (", status_text(answer.status), ")")
        if answer.served:
            what.append(f", total {rupiah(answer.total)}")
    else:
        violations = check_plan(loaded, season, answer)
        what = Text.assemble("plan (", status_text(answer.status), ")")
        what.append(
            f", {grouped(len(answer.quotes))} requests served, "
            f"{grouped(len(answer.unserved))} unserved"
        )

    if violations:
        out.print(violations_table(violations))
        out.print(Text.assemble(("Invalid: ", "bold red"), what))
        raise typer.Exit(ExitCode.NOT_SERVED)
    out.print(Text.assemble(("Valid: ", "bold green"), what))


@app.command()
def demo(
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    workers: Workers = 1,
) -> None:
    """Plan the embedded Karawang sample season and show who sells what, and how fairly.

    The season's summary, then the plan's (with the producer fairness table);
    exit 0 whatever the plan leaves unserved, 4 on a solver failure.
    """
    # plan's 60 s: on the sample the stages' work (a share of the limit) ends
    # in about 28 s, gini 0.310. With 30 s (21 s) the fill round had less work
    # and gini was 0.449 (45 s: 0.301; measured 2026-12-07 at cb25f23).
    from parcelkit.data import karawang_catalog, karawang_requests

    out, err = _stdout(), _stderr()
    catalog = karawang_catalog()
    requests = karawang_requests()
    out.print(season_summary(catalog, requests))
    result = _solve_plan(
        catalog,
        requests,
        err,
        show_progress=True,
        policy="maxmin_share",
        max_share=None,
        fixed=(),
        time_limit=time_limit,
        seed=seed,
        workers=workers,
    )
    out.print(plan_summary(result, catalog, requests))


def main() -> None:
    """Entry point of the ``parcelkit`` script and of ``python -m parcelkit``."""
    app(prog_name="parcelkit")
