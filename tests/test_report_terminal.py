"""The terminal renderables of `parcelkit.report.terminal`: the plan summary and the progress."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from parcelkit.io import load_catalog, load_requests, load_result
from parcelkit.models import (
    Catalog,
    Fairness,
    Ineligible,
    Producer,
    ProducerFigures,
    Request,
    SeasonPlan,
    SolverInfo,
    Stage,
    Status,
    Unserved,
)
from parcelkit.report.terminal import (
    fairness_line,
    plan_progress,
    plan_summary,
    progress_figures,
)
from parcelkit.report.text import grouped, percent, rupiah


def render(renderable: RenderableType, width: int = 200) -> str:
    """The text a terminal of ``width`` columns shows for ``renderable``."""
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


@pytest.fixture(scope="module")
def example(spec_examples: Path) -> tuple[Catalog, tuple[Request, ...], SeasonPlan]:
    """The spec's example catalog, requests and plan."""
    catalog = load_catalog(spec_examples / "catalog.json")
    requests = load_requests(spec_examples / "requests.json", catalog=catalog)
    plan = load_result(spec_examples / "plan.json")
    assert isinstance(plan, SeasonPlan)
    return catalog, requests, plan


def lines_with(text: str, *needles: str) -> list[str]:
    """The lines of ``text`` holding every one of ``needles``."""
    return [line for line in text.splitlines() if all(n in line for n in needles)]


# --------------------------------------------------------------------------- the example plan


def test_example_plan_head(example: tuple[Catalog, tuple[Request, ...], SeasonPlan]) -> None:
    """The head gives the status, requests and parcels served, and the plan's total value."""
    catalog, requests, plan = example
    text = render(plan_summary(plan, catalog, requests))
    parcels = sum(t.parcels for q in plan.quotes for t in q.tiers)
    assert lines_with(text, "Status", plan.status.value)
    assert lines_with(text, "Requests", f"{len(plan.quotes)} of {len(requests)} served")
    assert lines_with(text, "Parcels", f"{grouped(parcels)} served")
    assert lines_with(text, "Total value", rupiah(sum(q.total for q in plan.quotes)))
    assert catalog.season and catalog.season in text
    assert "Unserved" not in text


def test_example_producers_by_revenue(
    example: tuple[Catalog, tuple[Request, ...], SeasonPlan],
) -> None:
    """Eligible producers are listed by revenue, largest first, with share and utilization."""
    catalog, requests, plan = example
    text = render(plan_summary(plan, catalog, requests))
    ineligible = {entry.producer_id for entry in plan.fairness.ineligible}
    eligible = sorted(
        (f for f in plan.producers if f.producer_id not in ineligible), key=lambda f: -f.revenue
    )
    total = sum(f.revenue for f in plan.producers)
    positions = []
    for rank, figures in enumerate(eligible, start=1):
        producer = catalog.producer_by_id[figures.producer_id]
        rows = lines_with(
            text,
            producer.name,
            producer.district,
            rupiah(figures.revenue),
            percent(figures.revenue / total),
            percent(figures.utilization),
            rupiah(figures.reachable),
        )
        assert len(rows) == 1, (producer.name, text)
        assert rows[0].split()[1] == str(rank)
        positions.append(text.index(rows[0]))
    assert positions == sorted(positions)
    assert lines_with(text, "Total", rupiah(sum(f.revenue for f in eligible)))


def test_example_ineligible_apart(
    example: tuple[Catalog, tuple[Request, ...], SeasonPlan],
) -> None:
    """An ineligible producer is listed apart, after the eligible ones, with its reason."""
    catalog, requests, plan = example
    text = render(plan_summary(plan, catalog, requests))
    (entry,) = plan.fairness.ineligible
    name = catalog.producer_by_id[entry.producer_id].name
    (row,) = lines_with(text, name)
    assert entry.reason in row
    assert text.index("Ineligible producers (1)") < text.index(row)
    assert text.index("Eligible producers") < text.index("Ineligible producers")


def test_example_fairness_and_solver(
    example: tuple[Catalog, tuple[Request, ...], SeasonPlan],
) -> None:
    """The fairness metrics are on one line, and the solver's stages follow."""
    catalog, requests, plan = example
    text = render(plan_summary(plan, catalog, requests))
    fairness = plan.fairness
    (line,) = lines_with(text, "Fairness")
    for part in (
        f"policy {fairness.policy}",
        f"gini {fairness.gini:.3f}",
        f"jain {fairness.jain:.3f}",
        f"coverage {percent(fairness.coverage)}",
        f"min utilization {percent(fairness.min_utilization)}",
        f"max share {percent(fairness.max_share)}",
        f"{len(fairness.ineligible)} ineligible",
    ):
        assert part in line, part
    assert plan.solver.name in text
    for stage in plan.solver.stages:
        assert lines_with(text, stage.name)


def test_example_fits_80_columns(
    example: tuple[Catalog, tuple[Request, ...], SeasonPlan],
) -> None:
    """On an 80-column terminal every amount is still shown whole, never cut."""
    catalog, requests, plan = example
    text = render(plan_summary(plan, catalog, requests), width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    for figures in plan.producers:
        if figures.producer_id not in {e.producer_id for e in plan.fairness.ineligible}:
            assert rupiah(figures.revenue) in text
            assert rupiah(figures.reachable) in text


# --------------------------------------------------------------------------- a hand-built plan


def big_plan(eligible: int, ineligible: int) -> tuple[Catalog, tuple[Request, ...], SeasonPlan]:
    """A plan over many producers (distinct revenues), some ineligible, two requests unserved.

    Producer ``P-k`` earns ``k`` x Rp100.000, so the rank of ``P-k`` is
    ``eligible + 1 - k``; ``P-1`` earns nothing (eligible, no orders).
    """
    ids = [f"P-{k:02d}" for k in range(1, eligible + ineligible + 1)]
    catalog = Catalog(
        season="Test season",
        producers=tuple(
            Producer(id=pid, name=f"Usaha {pid}", district=f"Kecamatan {pid}") for pid in ids
        ),
    )
    requests = tuple(
        Request.model_validate(
            {
                "id": rid,
                "company": f"PT {rid}",
                "tiers": [{"name": "staff", "parcels": parcels, "budget": 200000}],
            }
        )
        for rid, parcels in (("REQ-A", 150), ("REQ-B", 2500))
    )
    figures = tuple(
        ProducerFigures(
            producer_id=pid,
            units=(k - 1) * 10 if k <= eligible else 0,
            revenue=(k - 1) * 100000 if k <= eligible else 0,
            capacity=10_000_000,
            reachable=5_000_000 if k <= eligible else 0,
            utilization=((k - 1) * 100000 / 10_000_000) if k <= eligible else 0.0,
        )
        for k, pid in enumerate(ids, start=1)
    )
    plan = SeasonPlan(
        status=Status.FEASIBLE,
        unserved=(
            Unserved(request_id="REQ-A", reason="stock of craft ran out"),
            Unserved(request_id="REQ-B", reason="no packaging left for 2.500 parcels"),
        ),
        producers=figures,
        fairness=Fairness(
            policy="maxmin_share",
            gini=0.5,
            jain=0.6,
            coverage=0.9,
            min_utilization=0.0,
            max_share=0.08,
            ineligible=tuple(
                Ineligible(producer_id=pid, reason=f"too expensive ({pid})")
                for pid in ids[eligible:]
            ),
        ),
        solver=SolverInfo(
            name="stub",
            stages=(Stage(name="serve", objective=0, bound=2650, gap=1.0),),
            deterministic=False,
        ),
    )
    return catalog, requests, plan


def test_unserved_requests_with_reasons() -> None:
    """Unserved requests are counted and listed with company, parcels and what ran out."""
    catalog, requests, plan = big_plan(6, 2)
    text = render(plan_summary(plan, catalog, requests))
    assert lines_with(text, "Requests", "0 of 2 served", "2 unserved")
    assert lines_with(text, "Parcels", "0 served", f"{grouped(150 + 2500)} unserved")
    assert "Unserved requests (2)" in text
    assert lines_with(text, "REQ-A", "PT REQ-A", "150", "stock of craft ran out")
    assert lines_with(text, "REQ-B", "PT REQ-B", "2.500", "no packaging left")


def test_unserved_without_requests() -> None:
    """Without the requests, unserved ones are still listed with their reason."""
    catalog, _, plan = big_plan(6, 2)
    text = render(plan_summary(plan, catalog))
    assert lines_with(text, "REQ-B", "no packaging left")
    assert "unserved" not in "".join(lines_with(text, "Parcels"))


def test_long_producer_list_keeps_both_ends() -> None:
    """Over the limit, the top and bottom earners are listed and the middle is counted."""
    eligible = 30
    catalog, requests, plan = big_plan(eligible, 14)
    text = render(plan_summary(plan, catalog, requests, max_producers=10))
    shown = [k for k in range(1, eligible + 1) if lines_with(text, f"Usaha P-{k:02d} ")]
    # The top five earners are P-30..P-26, the bottom five P-05..P-01.
    assert shown == [*range(1, 6), *range(26, 31)]
    assert lines_with(text, "... 20 more")
    (last,) = lines_with(text, "Usaha P-01 ")
    assert last.split()[1] == "30" and "Rp0" in last
    assert "Eligible producers by revenue (30)" in text


def test_long_ineligible_list_is_cut() -> None:
    """Many ineligible producers: the first ones with their reason, the rest counted."""
    catalog, requests, plan = big_plan(4, 14)
    text = render(plan_summary(plan, catalog, requests, max_producers=10))
    assert "Ineligible producers (14)" in text
    listed = [e for e in plan.fairness.ineligible if lines_with(text, e.reason)]
    assert listed == list(plan.fairness.ineligible[:5])
    assert lines_with(text, "... 9 more")


def test_short_lists_are_whole() -> None:
    """Under the limit nothing is left out and no "more" row appears."""
    catalog, requests, plan = big_plan(8, 3)
    text = render(plan_summary(plan, catalog, requests))
    assert "more" not in text
    for producer in catalog.producers:
        assert lines_with(text, f"{producer.name} ")


def test_names_are_not_markup() -> None:
    """A producer or reason with square brackets is shown as written."""
    catalog, requests, plan = big_plan(3, 1)
    renamed = catalog.model_copy(
        update={
            "producers": (
                catalog.producers[0].model_copy(update={"name": "Kopi [bold]Robusta[/bold]"}),
                *catalog.producers[1:],
            )
        }
    )
    text = render(plan_summary(plan, renamed, requests))
    assert "Kopi [bold]Robusta[/bold]" in text


def test_unknown_producer_shown_by_id() -> None:
    """A producer the catalog does not know is listed by its id."""
    catalog, requests, plan = big_plan(3, 1)
    smaller = catalog.model_copy(update={"producers": catalog.producers[1:]})
    text = render(plan_summary(plan, smaller, requests))
    assert lines_with(text, "P-01")


def test_fairness_line_alone() -> None:
    """The fairness line rounds the metrics and counts the ineligible producers."""
    line = fairness_line(
        Fairness(
            policy="proportional",
            gini=0.12345,
            jain=0.98765,
            coverage=0.75,
            min_utilization=0.05,
            max_share=0.2,
        )
    ).plain
    assert "policy proportional" in line
    assert "gini 0.123" in line and "jain 0.988" in line
    assert "coverage 75.0%" in line and "min utilization 5.0%" in line
    assert "max share 20.0%" in line and "0 ineligible" in line


# --------------------------------------------------------------------------- progress


def test_progress_figures() -> None:
    """Incumbent, bound and the gap between them; unknown figures as a dash."""
    assert progress_figures(None, None) == "incumbent -, bound -"
    assert progress_figures(450, 500) == "incumbent 450, bound 500, gap 10.00%"
    assert progress_figures(1.5, None) == "incumbent 1.5, bound -"
    assert progress_figures(0, 0) == "incumbent 0, bound 0"
    assert progress_figures(8_941_500, 34_852_345.6).startswith(
        "incumbent 8.941.500, bound 34.852.345,"
    )


def test_progress_display_row() -> None:
    """The display shows the phase, the figures and the time limit."""
    console = Console(width=160, file=io.StringIO(), color_system=None)
    display = plan_progress(console)
    task = display.add_task("fairness", total=60, figures=progress_figures(12, 40))
    display.update(task, description="value")
    text = render(display.make_tasks_table(display.tasks), width=160)
    assert "value" in text and "fairness" not in text
    assert "incumbent 12, bound 40, gap 70.00%" in text
    assert "of 60 s" in text
