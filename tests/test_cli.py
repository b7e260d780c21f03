"""The command line: exit codes, located problems, JSON on stdout, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from parcelkit.cli import POLICY_NAMES, app
from parcelkit.errors import Problem, RequestError, SolverError
from parcelkit.models import Catalog, Quote, Request, SeasonPlan, SolverInfo, Status, Unserved

runner = CliRunner()

FAST = ["--time-limit", "3"]


def invoke(*args: str | Path) -> Result:
    """Run the app with wide output, so that table rows are not wrapped."""
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "240"})


def no_crash(result: Result) -> None:
    """The command ended by an exit status, not by an escaped exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def example_request(spec_examples: Path, index: int = 0) -> dict[str, Any]:
    """One request of the spec's example season, as a JSON object."""
    data = json.loads((spec_examples / "requests.json").read_text(encoding="utf-8"))
    request: dict[str, Any] = data["requests"][index]
    return request


def quote_example(spec_examples: Path, *options: str | Path) -> Result:
    """Quote REQ-0003 of the spec's example season with ``options``, quickly."""
    return invoke(
        "quote",
        spec_examples / "catalog.json",
        spec_examples / "requests.json",
        "--request-id",
        "REQ-0003",
        *options,
        *FAST,
    )


def write_json(path: Path, document: object) -> Path:
    """Write ``document`` as JSON and return the path."""
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- validate


def test_validate_examples(spec_examples: Path) -> None:
    """The spec's example catalog and requests are valid: exit 0 with a summary."""
    result = invoke("validate", spec_examples / "catalog.json", spec_examples / "requests.json")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Valid" in result.stdout
    assert "Producers" in result.stdout and "Total budget" in result.stdout


def test_validate_catalog_alone(spec_examples: Path) -> None:
    """A catalog can be validated without requests."""
    result = invoke("validate", spec_examples / "catalog.json")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Products" in result.stdout


@pytest.fixture
def broken_catalog(tmp_path: Path) -> Path:
    """A CSV catalog folder with a problem on product rows 2, 3 and 4 and packaging row 2."""
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "producers.csv").write_text(
        "id,name,district,certifications\n"
        'KRW-001,Rengginang Ceu Ani,Rengasdengklok,"halal, pirt"\n',
        encoding="utf-8",
    )
    (folder / "products.csv").write_text(
        "sku,producer_id,name,category,price,stock,halal,weight_g,volume_ml,shelf_life_days\n"
        "KRW-001-01,KRW-001,Rengginang bawang,snack,-5,900,true,250,900,120\n"
        "KRW-001-02,KRW-404,Rengginang terasi,snack,22000,900,true,250,900,120\n"
        "KRW-001-03,KRW-001,Rengginang manis,snack,22000,lots,true,250,900,120\n",
        encoding="utf-8",
    )
    (folder / "packaging.csv").write_text(
        "id,name,price,capacity_ml,max_weight_g,stock\n"
        "PKG-BOX-M,Kardus parcel sedang,12000,0,5000,500\n",
        encoding="utf-8",
    )
    return folder


def test_validate_lists_every_problem_with_its_row(broken_catalog: Path) -> None:
    """A broken catalog exits 2 and names each problem's file and row."""
    result = invoke("validate", broken_catalog)
    no_crash(result)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()

    def listed(file: str, row: int, field: str) -> bool:
        return any(file in ln and f"row {row}" in ln and field in ln for ln in lines)

    assert listed("products", 2, "price"), result.output
    assert listed("products", 3, "producer_id"), result.output
    assert listed("products", 4, "stock"), result.output
    assert listed("packaging", 2, "capacity_ml"), result.output
    assert "Problems (4)" in result.output


def test_validate_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is bad input: a message and exit 2."""
    result = invoke("validate", tmp_path / "nope.json")
    no_crash(result)
    assert result.exit_code == 2
    assert "nope.json" in result.output


def test_validate_unparsable_json(tmp_path: Path) -> None:
    """A catalog that is not JSON is bad input, listed without a traceback."""
    path = tmp_path / "catalog.json"
    path.write_text('{"format": "parcelkit.catalog/1", "producers": [', encoding="utf-8")
    result = invoke("validate", path)
    no_crash(result)
    assert result.exit_code == 2
    assert "catalog.json" in result.output


def test_validate_requests_against_catalog(spec_examples: Path, tmp_path: Path) -> None:
    """A request naming a category the catalog lacks is listed, exit 2."""
    request = example_request(spec_examples)
    request["rules"]["categories"] = {"durian": [1, 1]}
    path = write_json(tmp_path / "request.json", request)
    result = invoke("validate", spec_examples / "catalog.json", path)
    no_crash(result)
    assert result.exit_code == 2
    assert "durian" in result.output


def test_bad_input_never_prints_a_traceback(broken_catalog: Path, tmp_path: Path) -> None:
    """Run as a real process, bad input prints problems and exit 2, never a traceback."""
    for args in (["validate", str(broken_catalog)], ["validate", str(tmp_path / "missing")]):
        done = subprocess.run(
            [sys.executable, "-m", "parcelkit", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stdout + done.stderr


# --------------------------------------------------------------------------- schema


def test_schema_prints_four_formats() -> None:
    """``schema`` prints one JSON object with the catalog, request, quote and plan schemas."""
    result = invoke("schema")
    assert result.exit_code == 0
    schemas = json.loads(result.stdout)
    assert set(schemas) == {
        "parcelkit.catalog/1",
        "parcelkit.request/1",
        "parcelkit.quote/1",
        "parcelkit.plan/1",
    }
    for schema in schemas.values():
        assert schema["type"] == "object"
        assert "format" in schema["properties"]


# --------------------------------------------------------------------------- quote


def test_quote_json_parses_as_a_quote(spec_examples: Path, tmp_path: Path) -> None:
    """A one-request file is quoted: exit 0, and ``--json`` stdout is a valid Quote."""
    path = write_json(tmp_path / "request.json", example_request(spec_examples, 2))
    result = invoke("quote", spec_examples / "catalog.json", path, "--json", *FAST)
    no_crash(result)
    assert result.exit_code == 0, result.output
    quote = Quote.model_validate_json(result.stdout)
    assert quote.request_id == "REQ-0003"
    assert quote.served
    assert "Status" not in result.stdout


def test_quote_summary_and_output_file(spec_examples: Path, tmp_path: Path) -> None:
    """Without ``--json`` a readable summary is printed; ``-o`` writes the JSON file."""
    out = tmp_path / "quote.json"
    result = quote_example(spec_examples, "-o", out)
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "REQ-0003" in result.stdout and "Rp" in result.stdout
    assert "Kopi" in result.stdout  # product names, not just skus
    assert Quote.model_validate_json(out.read_text(encoding="utf-8")).request_id == "REQ-0003"


def test_quote_writes_the_penawaran_as_pdf_and_html(spec_examples: Path, tmp_path: Path) -> None:
    """``--pdf`` and ``--html`` write the company's offer document, in Indonesian."""
    from pypdf import PdfReader

    pdf, html = tmp_path / "penawaran.pdf", tmp_path / "penawaran.html"
    result = quote_example(spec_examples, "--pdf", pdf, "--html", html)
    no_crash(result)
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "PENAWARAN HARGA" in text and "Terbilang" in text
    page = html.read_text(encoding="utf-8")
    assert "PENAWARAN HARGA" in page and "Rp" in page
    assert "written to" in result.stderr


def test_quote_infeasible_writes_no_penawaran(spec_examples: Path, tmp_path: Path) -> None:
    """An infeasible quote has nothing to offer: no document, and the message says why."""
    request = example_request(spec_examples, 2)
    request["tiers"] = [{"name": "staff", "parcels": 60, "budget": 40000}]
    path = write_json(tmp_path / "cheap.json", request)
    pdf = tmp_path / "penawaran.pdf"
    result = invoke("quote", spec_examples / "catalog.json", path, "--pdf", pdf, *FAST)
    no_crash(result)
    assert result.exit_code == 1
    assert not pdf.exists()
    assert "No penawaran written" in result.stderr


def test_quote_penawaran_unwritable_is_bad_input(spec_examples: Path, tmp_path: Path) -> None:
    """A document path that cannot be written is bad input (exit 2), not a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = quote_example(spec_examples, "--html", blocker / "penawaran.html")
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert "cannot write it" in result.output


def test_quote_needs_request_id_when_ambiguous(spec_examples: Path) -> None:
    """A file of several requests without ``--request-id`` is bad input naming the ids."""
    result = invoke("quote", spec_examples / "catalog.json", spec_examples / "requests.json")
    no_crash(result)
    assert result.exit_code == 2
    assert "--request-id" in result.output and "REQ-0002" in result.output


def test_quote_unknown_request_id(spec_examples: Path) -> None:
    """A ``--request-id`` that is not in the file is bad input."""
    result = invoke(
        "quote",
        spec_examples / "catalog.json",
        spec_examples / "requests.json",
        "--request-id",
        "REQ-9999",
    )
    no_crash(result)
    assert result.exit_code == 2
    assert "REQ-9999" in result.output


def test_quote_infeasible_budget(spec_examples: Path, tmp_path: Path) -> None:
    """A Rp 40.000 budget cannot buy a parcel: exit 1 and the reasons are printed."""
    request = example_request(spec_examples, 2)
    request["tiers"] = [{"name": "staff", "parcels": 60, "budget": 40000}]
    path = write_json(tmp_path / "cheap.json", request)
    result = invoke("quote", spec_examples / "catalog.json", path, *FAST)
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert "infeasible" in result.stdout
    assert "Why it cannot be served" in result.stdout

    as_json = invoke("quote", spec_examples / "catalog.json", path, "--json", *FAST)
    assert as_json.exit_code == 1
    quote = Quote.model_validate_json(as_json.stdout)
    assert quote.reasons
    assert quote.reasons[0] in as_json.stderr


def test_quote_unknown_exits_3(
    spec_examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote whose time ran out before any answer or proof exits 3."""
    import parcelkit.solve

    def out_of_time(catalog: object, request: Request, **options: object) -> Quote:
        return Quote(
            request_id=request.id,
            company=request.company,
            status=Status.UNKNOWN,
            reasons=("The time limit ran out.",),
            solver=SolverInfo(name="stub", deterministic=False),
        )

    monkeypatch.setattr(parcelkit.solve, "quote", out_of_time)
    path = write_json(tmp_path / "request.json", example_request(spec_examples, 2))
    result = invoke("quote", spec_examples / "catalog.json", path)
    no_crash(result)
    assert result.exit_code == 3, result.output
    assert "unknown" in result.stdout


def test_solver_failure_exits_4(
    spec_examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An internal solver failure is a message and exit 4, not a traceback."""
    import parcelkit.solve

    def broken(catalog: object, request: object, **options: object) -> Quote:
        raise SolverError("the answer did not verify")

    monkeypatch.setattr(parcelkit.solve, "quote", broken)
    path = write_json(tmp_path / "request.json", example_request(spec_examples, 2))
    result = invoke("quote", spec_examples / "catalog.json", path)
    no_crash(result)
    assert result.exit_code == 4
    assert "did not verify" in result.stderr


# --------------------------------------------------------------------------- plan


def plan_args(spec_examples: Path, *more: str | Path) -> list[str | Path]:
    """``plan`` on the spec's example catalog and requests, with more arguments."""
    return ["plan", spec_examples / "catalog.json", spec_examples / "requests.json", *more]


def example_plan(spec_examples: Path) -> SeasonPlan:
    """The spec's example plan (every request served)."""
    return SeasonPlan.model_validate_json((spec_examples / "plan.json").read_text("utf-8"))


class StubPlanner:
    """Stands in for `parcelkit.solve.season.plan`: records its call, answers a fixed plan."""

    def __init__(self, answer: SeasonPlan | Exception) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self, catalog: Catalog, requests: tuple[Request, ...], **options: Any
    ) -> SeasonPlan:
        self.calls.append({"catalog": catalog, "requests": tuple(requests), **options})
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def stub_planner(spec_examples: Path, monkeypatch: pytest.MonkeyPatch) -> StubPlanner:
    """The season solver replaced by a stub answering the spec's example plan."""
    import parcelkit.solve.season

    stub = StubPlanner(example_plan(spec_examples))
    monkeypatch.setattr(parcelkit.solve.season, "plan", stub)
    return stub


def test_policy_names_are_the_solvers() -> None:
    """The policies the help lists are the solver's."""
    from parcelkit.solve.season import POLICIES

    assert POLICY_NAMES == POLICIES


def test_plan_summary_and_options(spec_examples: Path, stub_planner: StubPlanner) -> None:
    """The options reach the solver as given; all served: exit 0 and the plan summary."""
    result = invoke(
        *plan_args(spec_examples),
        "--policy",
        "proportional",
        "--max-share",
        "0.3",
        "--time-limit",
        "7",
        "--seed",
        "3",
        "--workers",
        "2",
    )
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Season plan" in result.stdout and "Fairness" in result.stdout
    assert "Kopi Abah Sanggabuana" in result.stdout
    (call,) = stub_planner.calls
    assert [r.id for r in call["requests"]] == ["REQ-0001", "REQ-0002", "REQ-0003"]
    assert call["policy"] == "proportional"
    assert call["max_share"] == Decimal("0.3") and isinstance(call["max_share"], Decimal)
    assert call["fixed"] == ()
    assert (call["time_limit"], call["seed"], call["workers"]) == (7.0, 3, 2)


def test_plan_defaults(spec_examples: Path, stub_planner: StubPlanner) -> None:
    """By default: policy maxmin_share, no share cap, 60 s, seed 0, one worker."""
    result = invoke(*plan_args(spec_examples))
    assert result.exit_code == 0, result.output
    (call,) = stub_planner.calls
    assert call["policy"] == "maxmin_share" and call["max_share"] is None
    assert (call["time_limit"], call["seed"], call["workers"]) == (60.0, 0, 1)


def test_plan_json_and_output_file(
    spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner
) -> None:
    """``--json`` prints the plan's JSON alone on stdout; ``-o`` writes the same plan."""
    out = tmp_path / "out" / "plan.json"
    result = invoke(*plan_args(spec_examples, "--json", "-o", out))
    no_crash(result)
    assert result.exit_code == 0, result.output
    printed = SeasonPlan.model_validate_json(result.stdout)
    assert printed == example_plan(spec_examples)
    assert SeasonPlan.model_validate_json(out.read_text(encoding="utf-8")) == printed
    assert "3 of 3 requests served" in result.stderr


def test_plan_some_unserved_exits_1(spec_examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan leaving a request unserved exits 1 and says what ran out."""
    import parcelkit.solve.season

    full = example_plan(spec_examples)
    partial = full.model_copy(
        update={
            "quotes": full.quotes[:2],
            "unserved": (Unserved(request_id="REQ-0003", reason="kopi stock ran out"),),
        }
    )
    monkeypatch.setattr(parcelkit.solve.season, "plan", StubPlanner(partial))
    result = invoke(*plan_args(spec_examples))
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert "kopi stock ran out" in result.stdout and "PT Kimia Pangan Jaya" in result.stdout

    as_json = invoke(*plan_args(spec_examples, "--json"))
    assert as_json.exit_code == 1
    assert SeasonPlan.model_validate_json(as_json.stdout).unserved == partial.unserved
    assert "REQ-0003: kopi stock ran out" in as_json.stderr


def test_plan_unknown_exits_3(spec_examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan whose time ran out before a verified plan exits 3."""
    import parcelkit.solve.season

    full = example_plan(spec_examples)
    unknown = full.model_copy(
        update={
            "status": Status.UNKNOWN,
            "quotes": (),
            "unserved": tuple(
                Unserved(request_id=q.request_id, reason="time ran out") for q in full.quotes
            ),
        }
    )
    monkeypatch.setattr(parcelkit.solve.season, "plan", StubPlanner(unknown))
    result = invoke(*plan_args(spec_examples))
    no_crash(result)
    assert result.exit_code == 3, result.output
    assert "unknown" in result.stdout


def test_plan_solver_failure_exits_4(spec_examples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver failure while planning is a message and exit 4."""
    import parcelkit.solve.season

    stub = StubPlanner(SolverError("the plan did not verify"))
    monkeypatch.setattr(parcelkit.solve.season, "plan", stub)
    result = invoke(*plan_args(spec_examples))
    no_crash(result)
    assert result.exit_code == 4
    assert "did not verify" in result.stderr


def test_plan_input_error_from_the_solver_exits_2(
    spec_examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad input only the solver sees (an `InputError`) is listed, exit 2."""
    import parcelkit.solve.season

    error = RequestError([Problem(message="accepted quotes need more kopi than there is")])
    monkeypatch.setattr(parcelkit.solve.season, "plan", StubPlanner(error))
    result = invoke(*plan_args(spec_examples))
    no_crash(result)
    assert result.exit_code == 2
    assert "more kopi than there is" in result.output


@pytest.mark.parametrize("policy", ["fair", "MAXMIN_SHARE", ""])
def test_plan_bad_policy(spec_examples: Path, stub_planner: StubPlanner, policy: str) -> None:
    """An unknown policy is bad input naming the valid ones; the solver is not called."""
    result = invoke(*plan_args(spec_examples, "--policy", policy))
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert "--policy" in result.output
    assert "maxmin_share, proportional, none" in result.output
    assert stub_planner.calls == []


@pytest.mark.parametrize("share", ["0", "-0.1", "1.5", "abc", "nan", "inf", "1e400x"])
def test_plan_bad_max_share(spec_examples: Path, stub_planner: StubPlanner, share: str) -> None:
    """A max share that is not a number in (0, 1] is bad input."""
    result = invoke(*plan_args(spec_examples, "--max-share", share))
    no_crash(result)
    assert result.exit_code == 2, result.output
    assert "--max-share" in result.output
    assert stub_planner.calls == []


@pytest.mark.parametrize("share", ["1", "0.15", " 0.5 ", "1e-2"])
def test_plan_good_max_share(spec_examples: Path, stub_planner: StubPlanner, share: str) -> None:
    """A share in (0, 1] reaches the solver as the exact decimal written."""
    result = invoke(*plan_args(spec_examples, "--max-share", share))
    assert result.exit_code == 0, result.output
    assert stub_planner.calls[0]["max_share"] == Decimal(share.strip())


def test_plan_missing_files(spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner) -> None:
    """A missing catalog, requests or fixed file is bad input naming the path."""
    catalog, requests = spec_examples / "catalog.json", spec_examples / "requests.json"
    cases: list[list[str | Path]] = [
        ["plan", tmp_path / "nope.json", requests],
        ["plan", catalog, tmp_path / "nope.json"],
        ["plan", catalog, requests, "--fixed", tmp_path / "nope.json"],
    ]
    for args in cases:
        result = invoke(*args)
        no_crash(result)
        assert result.exit_code == 2, result.output
        assert "nope.json" in result.output
    assert stub_planner.calls == []


def test_plan_fixed_from_quote_array_or_plan(
    spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner
) -> None:
    """``--fixed`` reads one quote, an array of quotes, or a plan's quotes."""
    quote = Quote.model_validate_json((spec_examples / "quote.json").read_text("utf-8"))
    document = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    array = write_json(tmp_path / "accepted.json", [document])
    plan = example_plan(spec_examples)
    for path, expected in (
        (spec_examples / "quote.json", (quote,)),
        (array, (quote,)),
        (spec_examples / "plan.json", plan.quotes),
    ):
        stub_planner.calls.clear()
        result = invoke(*plan_args(spec_examples, "--fixed", path))
        no_crash(result)
        assert result.exit_code == 0, result.output
        assert stub_planner.calls[0]["fixed"] == expected


def test_plan_fixed_unreadable(
    spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner
) -> None:
    """A fixed file that is not JSON, or JSON of the wrong kind, is bad input."""
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    number = write_json(tmp_path / "number.json", 5)
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((spec_examples / "catalog.json").read_bytes())
    for path, words in (
        (broken, "not valid JSON"),
        (number, "a quote, a JSON array of quotes, or a plan"),
        (catalog, "not a quote or a plan"),
    ):
        result = invoke(*plan_args(spec_examples, "--fixed", path))
        no_crash(result)
        assert result.exit_code == 2, result.output
        assert path.name in result.output and words in result.output
    assert stub_planner.calls == []


def test_plan_fixed_array_problems_are_located(
    spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner
) -> None:
    """A broken quote in an array is placed by its position and field."""
    good = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    bad = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    bad["tiers"][0]["budget"] = "lots"
    path = write_json(tmp_path / "accepted.json", [good, bad, 7])
    result = invoke(*plan_args(spec_examples, "--fixed", path))
    no_crash(result)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert any("row 2" in ln and "tiers[1].budget" in ln for ln in lines), result.output
    assert any("row 3" in ln and "an object" in ln for ln in lines), result.output
    assert stub_planner.calls == []


def test_plan_fixed_must_fit_the_season(
    spec_examples: Path, tmp_path: Path, stub_planner: StubPlanner
) -> None:
    """Accepted quotes for unknown requests, twice, unserved or breaking a rule are bad input."""
    document = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    stranger = {**document, "request_id": "REQ-0404"}
    refused = {**document, "status": "infeasible", "tiers": [], "total": 0, "producers": []}
    tampered = json.loads(json.dumps(document))
    tampered["tiers"][0]["variants"][0]["price"] += 1000
    cases = [
        ([stranger], "REQ-0404"),
        ([document, document], "second accepted quote"),
        ([refused], "must serve its request"),
        ([tampered], "breaks a rule"),
    ]
    for quotes, words in cases:
        path = write_json(tmp_path / "accepted.json", quotes)
        result = invoke(*plan_args(spec_examples, "--fixed", path))
        no_crash(result)
        assert result.exit_code == 2, (words, result.output)
        assert words in result.output, result.output
    assert stub_planner.calls == []


def test_demo_plans_the_karawang_season(stub_planner: StubPlanner) -> None:
    """The demo plans every request of the sample season and shows both summaries."""
    from parcelkit.data import karawang_catalog, karawang_requests

    result = invoke("demo", "--time-limit", "4")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Season" in result.stdout and "Season plan" in result.stdout
    assert "Fairness" in result.stdout
    (call,) = stub_planner.calls
    assert call["catalog"] == karawang_catalog()
    assert call["requests"] == karawang_requests()
    assert call["time_limit"] == 4.0 and call["policy"] == "maxmin_share"


# --------------------------------------------------------------------------- verify


@pytest.mark.parametrize("name", ["quote.json", "plan.json"])
def test_verify_examples(spec_examples: Path, name: str) -> None:
    """The spec's example quote and plan verify: exit 0."""
    result = invoke(
        "verify",
        spec_examples / "catalog.json",
        spec_examples / "requests.json",
        spec_examples / name,
    )
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Valid" in result.stdout


def test_verify_corrupted_quote(spec_examples: Path, tmp_path: Path) -> None:
    """A quote whose price was tampered with has violations: exit 1, listed."""
    quote = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    quote["tiers"][0]["variants"][0]["price"] += 1000
    path = write_json(tmp_path / "quote.json", quote)
    result = invoke("verify", spec_examples / "catalog.json", spec_examples / "requests.json", path)
    no_crash(result)
    assert result.exit_code == 1, result.output
    assert "Violations" in result.stdout and "price" in result.stdout


def test_verify_quote_for_another_request(spec_examples: Path, tmp_path: Path) -> None:
    """A quote whose request is not among the requests is bad input."""
    quote = json.loads((spec_examples / "quote.json").read_text(encoding="utf-8"))
    quote["request_id"] = "REQ-0404"
    path = write_json(tmp_path / "quote.json", quote)
    result = invoke("verify", spec_examples / "catalog.json", spec_examples / "requests.json", path)
    no_crash(result)
    assert result.exit_code == 2
    assert "REQ-0404" in result.output


# --------------------------------------------------------------------------- misc


def test_help_does_not_load_the_solver() -> None:
    """Importing the command line leaves OR-Tools unloaded, so ``--help`` is fast."""
    code = "import sys, parcelkit.cli; print('ortools' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


def test_python_m_parcelkit() -> None:
    """``python -m parcelkit`` runs the same app."""
    done = subprocess.run(
        [sys.executable, "-m", "parcelkit", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("parcelkit ")


# --------------------------------------------------------------------------- plan, solved


def test_plan_solved_json_verifies(spec_examples: Path, tmp_path: Path) -> None:
    """A real plan of the example season: its JSON passes the checker, the exit fits it."""
    from parcelkit.io import load_catalog, load_requests
    from parcelkit.verify import check_plan

    out = tmp_path / "plan.json"
    result = invoke(*plan_args(spec_examples, "--json", "-o", out, *FAST))
    no_crash(result)
    plan = SeasonPlan.model_validate_json(result.stdout)
    assert plan.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert result.exit_code == (1 if plan.unserved else 0), result.output
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog=catalog)
    assert check_plan(catalog, requests, plan) == []

    checked = invoke("verify", spec_examples / "catalog.json", spec_examples / "requests.json", out)
    assert checked.exit_code == 0, checked.output


def test_plan_writes_the_workbook(spec_examples: Path, tmp_path: Path) -> None:
    """``--xlsx`` writes the plan's workbook with a purchase order sheet per producer."""
    import openpyxl

    from parcelkit.io import load_catalog, load_requests
    from parcelkit.models import purchase_orders

    book, out = tmp_path / "rencana.xlsx", tmp_path / "plan.json"
    result = invoke(*plan_args(spec_examples, "--xlsx", book, "-o", out, *FAST))
    no_crash(result)
    assert result.exit_code in (0, 1), result.output
    plan = SeasonPlan.model_validate_json(out.read_text(encoding="utf-8"))
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog=catalog)
    orders = purchase_orders(plan, catalog, requests)
    assert orders
    assert {f"PO {order.producer_id}" for order in orders} <= set(names)


def test_plan_solved_summary(spec_examples: Path) -> None:
    """Without ``--json``, a real plan is shown as the plan summary."""
    result = invoke(*plan_args(spec_examples, "--policy", "proportional", *FAST))
    no_crash(result)
    assert result.exit_code in (0, 1), result.output
    assert "Season plan" in result.stdout and "policy proportional" in result.stdout


def test_plan_solved_with_fixed_and_max_share(spec_examples: Path) -> None:
    """An accepted quote is kept as it is, and no producer goes above the share cap."""
    from parcelkit.io import load_catalog, load_requests
    from parcelkit.verify import check_plan

    fixed = spec_examples / "quote.json"
    result = invoke(
        *plan_args(spec_examples, "--fixed", fixed, "--max-share", "0.3", "--json", *FAST)
    )
    no_crash(result)
    assert result.exit_code in (0, 1), result.output
    plan = SeasonPlan.model_validate_json(result.stdout)
    accepted = Quote.model_validate_json(fixed.read_text(encoding="utf-8"))
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog=catalog)
    violations = check_plan(catalog, requests, plan, fixed=[accepted], max_share=Decimal("0.3"))
    assert violations == []


def test_demo_solved() -> None:
    """The real demo plans the Karawang season within a short limit and shows the summary."""
    result = invoke("demo", "--time-limit", "10")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert "Season plan" in result.stdout and "Fairness" in result.stdout
    assert "Eligible producers by revenue" in result.stdout
