"""The plots of `parcelkit.report.plots`: what they draw, rupiah ticks, and readable text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from parcelkit.analysis import tradeoff_frame
from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Fairness, SeasonPlan, SolverInfo, Status, Variant
from parcelkit.report.plots import (
    curve_gini,
    fairness_tradeoff,
    lorenz_curve,
    lorenz_points,
    producer_revenue,
    rupiah_short,
    utilization_histogram,
    variant_contents,
)
from parcelkit.report.text import rupiah
from parcelkit.solve import plan as plan_season
from parcelkit.solve.tradeoff import TradeoffPoint

RUPIAH_TICK = re.compile(r"^(Rp0|-?Rp\d+(,\d+)? (rb|jt|M))$")
"""A tick of a rupiah axis: ``Rp0`` or a short amount such as ``Rp2,5 jt``."""


@pytest.fixture(scope="module")
def season() -> tuple[Catalog, SeasonPlan]:
    """The sample catalog (75 producers) and a plan of its first five requests."""
    catalog = karawang_catalog()
    return catalog, plan_season(catalog, karawang_requests()[:5], time_limit=10.0)


@pytest.fixture(scope="module")
def variant(season: tuple[Catalog, SeasonPlan]) -> Variant:
    """The variant of the plan with the most items."""
    _, plan = season
    variants = [v for q in plan.quotes for t in q.tiers for v in t.variants]
    return max(variants, key=lambda v: (len(v.items), v.price))


@pytest.fixture(scope="module")
def tradeoff_table() -> pd.DataFrame:
    """A price-of-fairness table as the full sample season gave it, one floor not met."""
    floors = [
        (0.0, True, 7_113_057_000, 0.0555, 0.500),
        (0.1333, True, 7_109_347_000, 0.1335, 0.510),
        (0.2667, True, 7_113_614_000, 0.2667, 0.508),
        (0.4, False, 7_092_391_500, 0.3990, 0.487),
    ]
    points = [
        TradeoffPoint(
            floor=floor,
            floor_met=met,
            served_parcels=25_830,
            value=value,
            value_bound=7.125125e9 if floor < 0.4 else None,
            min_ratio=ratio,
            min_utilization=ratio,
            gini=gini,
            jain=0.41,
            coverage=1.0,
            wall_time_s=10.0,
        )
        for floor, met, value, ratio, gini in floors
    ]
    return tradeoff_frame(points)


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Every figure a test opens is closed after it."""
    yield
    plt.close("all")


def figure_of(ax: Axes) -> Figure:
    """The figure the Axes are drawn in."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return figure


def tick_labels(ax: Axes, which: str) -> list[Text]:
    """The tick labels of one axis that a drawn figure shows (in view, with text)."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    low, high = sorted(ax.get_xlim() if which == "x" else ax.get_ylim())
    locs = axis.get_majorticklocs()
    shown = []
    for loc, tick in zip(locs, axis.get_major_ticks(len(locs)), strict=True):
        if low - 1e-9 <= loc <= high + 1e-9:
            shown += [
                label
                for label in (tick.label1, tick.label2)
                if label.get_visible() and label.get_text()
            ]
    return shown


def visible_texts(figure: Figure) -> list[Text]:
    """Tick labels, axis labels, titles, notes and legend entries of a figure."""
    texts: list[Text] = []
    for ax in figure.axes:
        texts += tick_labels(ax, "x") + tick_labels(ax, "y")
        texts += [ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            texts += [legend.get_title(), *legend.get_texts()]
    return [text for text in texts if text.get_visible() and text.get_text().strip()]


def overlapping(figure: Figure) -> list[tuple[str, str]]:
    """Pairs of texts of a drawn figure whose boxes overlap on the canvas."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in visible_texts(figure)]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if box_a.overlaps(box_b)
    ]


def bars(ax: Axes) -> list[Rectangle]:
    """The bars drawn on the Axes (legend swatches are not on them)."""
    return [patch for patch in ax.patches if isinstance(patch, Rectangle)]


# --------------------------------------------------------------------------- rupiah


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (0, "Rp0"),
        (950, "Rp950"),
        (250_000, "Rp250 rb"),
        (1_500_000, "Rp1,5 jt"),
        (999_999, "Rp1 jt"),
        (92_140_000, "Rp92,1 jt"),
        (7_113_057_000, "Rp7,1 M"),
        (-5_000, "-Rp5 rb"),
    ],
)
def test_rupiah_short(amount: int, written: str) -> None:
    """Short rupiah take the largest of ribu, juta, miliar, with a decimal comma."""
    assert rupiah_short(amount) == written


def test_rupiah_short_digits() -> None:
    """More digits keep more decimals, trailing zeros dropped."""
    assert rupiah_short(7_113_057_000, digits=3) == "Rp7,113 M"
    assert rupiah_short(2_500_000, digits=3) == "Rp2,5 jt"


# --------------------------------------------------------------------------- producer revenue


def test_producer_revenue_one_bar_per_producer(season: tuple[Catalog, SeasonPlan]) -> None:
    """One bar per producer, highest revenue first, into the Axes it is given."""
    catalog, plan = season
    _, ax = plt.subplots(figsize=(11, 18))
    assert producer_revenue(plan, catalog, ax=ax) is ax
    widths = [bar.get_width() for bar in bars(ax)]
    assert len(widths) == len(plan.producers) == 75
    assert widths == sorted((row.revenue for row in plan.producers), reverse=True)
    first = max(plan.producers, key=lambda row: (row.revenue, row.producer_id))
    assert catalog.producer_by_id[first.producer_id].name in ax.get_yticklabels()[0].get_text()


def test_producer_revenue_marks_producers_without_revenue(
    season: tuple[Catalog, SeasonPlan],
) -> None:
    """Producers who sold nothing keep a labelled row: 'no orders' or 'ineligible'."""
    catalog, plan = season
    ax = producer_revenue(plan, catalog)
    notes = [text.get_text() for text in ax.texts]
    ineligible = len(plan.fairness.ineligible)
    unsold = sum(1 for row in plan.producers if row.revenue == 0)
    assert ineligible > 0 and unsold > ineligible
    assert notes.count("ineligible") == ineligible
    assert notes.count("no orders") == unsold - ineligible
    assert len(ax.get_yticklabels()) == len(plan.producers)


def test_producer_revenue_colours_by_district(season: tuple[Catalog, SeasonPlan]) -> None:
    """Bars share a colour exactly when their producers share a district; the legend names them."""
    catalog, plan = season
    ax = producer_revenue(plan, catalog)
    rows = sorted(plan.producers, key=lambda row: (-row.revenue, row.producer_id))
    colour_of: dict[str, tuple[float, ...]] = {}
    for row, bar in zip(rows, bars(ax), strict=True):
        district = catalog.producer_by_id[row.producer_id].district
        colour_of.setdefault(district, bar.get_facecolor())
        assert bar.get_facecolor() == colour_of[district]
    assert len(colour_of) == 30
    assert len(set(colour_of.values())) == 30
    legend = ax.get_legend()
    assert legend is not None
    assert set(colour_of) <= {text.get_text() for text in legend.get_texts()}


def test_producer_revenue_rupiah_ticks_and_mean(season: tuple[Catalog, SeasonPlan]) -> None:
    """The revenue axis is in short rupiah, one unit for all ticks; a line marks the mean."""
    catalog, plan = season
    ax = producer_revenue(plan, catalog)
    figure_of(ax).canvas.draw()
    labels = [label.get_text() for label in tick_labels(ax, "x")]
    assert len(labels) >= 3
    assert all(RUPIAH_TICK.match(label) for label in labels), labels
    assert len({label.split()[-1] for label in labels if label != "Rp0"}) == 1
    eligible = [row.revenue for row in plan.producers if row.reachable > 0]
    (mean_line,) = ax.get_lines()
    assert mean_line.get_xdata()[0] == pytest.approx(sum(eligible) / len(eligible))


def test_producer_revenue_top(season: tuple[Catalog, SeasonPlan]) -> None:
    """``top`` keeps the highest earners only, and the title says of how many."""
    catalog, plan = season
    ax = producer_revenue(plan, catalog, top=10)
    assert len(bars(ax)) == 10
    assert (
        min(bar.get_width() for bar in bars(ax))
        == sorted((row.revenue for row in plan.producers), reverse=True)[9]
    )
    assert "top 10 of 75" in ax.get_title()


def test_producer_revenue_small_axes_drop_labels(season: tuple[Catalog, SeasonPlan]) -> None:
    """On Axes too short for 75 names, the names are left out rather than overlapping."""
    catalog, plan = season
    figure, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    producer_revenue(plan, catalog, ax=ax)
    assert tick_labels(ax, "y") == []
    assert not ax.texts
    assert "75 producers" in ax.get_ylabel()
    assert overlapping(figure) == []


# --------------------------------------------------------------------------- Lorenz curve


def test_curve_gini_is_the_format_gini() -> None:
    """Twice the area over the Lorenz curve is FORMAT.md's sum of pairs / (2 n^2 mean)."""
    revenues = [0, 5_000, 5_000, 20_000, 170_000]
    pairs = sum(abs(a - b) for a in revenues for b in revenues)
    expected = pairs / (2 * len(revenues) * sum(revenues))
    assert curve_gini(*lorenz_points(revenues)) == pytest.approx(expected)
    assert curve_gini(*lorenz_points([7, 7, 7])) == pytest.approx(0.0)
    assert lorenz_points([]) == ([0.0, 1.0], [0.0, 1.0])


def test_lorenz_curve_points_and_gini(season: tuple[Catalog, SeasonPlan]) -> None:
    """One point per eligible producer (plus the origin); the legend gives the plan's Gini."""
    _, plan = season
    _, ax = plt.subplots()
    assert lorenz_curve(plan, ax=ax) is ax
    eligible = [row.revenue for row in plan.producers if row.reachable > 0]
    assert len(eligible) == len(plan.producers) - len(plan.fairness.ineligible)
    curve = next(line for line in ax.get_lines() if line.get_marker() == "o")
    assert len(curve.get_xdata()) == len(eligible) + 1
    assert curve.get_ydata()[-1] == pytest.approx(1.0)
    assert curve_gini(curve.get_xdata(), curve.get_ydata()) == pytest.approx(plan.fairness.gini)
    legend = ax.get_legend()
    assert legend is not None
    assert f"Gini {plan.fairness.gini:.3f}" in [text.get_text() for text in legend.get_texts()]
    assert f"{len(eligible)} eligible producers" in ax.get_title()


def test_lorenz_curve_shows_a_disagreeing_gini(season: tuple[Catalog, SeasonPlan]) -> None:
    """A plan whose Gini does not match its own producers gets both numbers, not one."""
    _, plan = season
    fairness = plan.fairness.model_copy(update={"gini": 0.1})
    ax = lorenz_curve(plan.model_copy(update={"fairness": fairness}))
    legend = ax.get_legend()
    assert legend is not None
    texts = [text.get_text() for text in legend.get_texts()]
    assert any("the plan says 0.100" in text for text in texts), texts


# --------------------------------------------------------------------------- utilization


def test_utilization_histogram_counts_eligible(season: tuple[Catalog, SeasonPlan]) -> None:
    """The bins hold every eligible producer once; the x axis is in percent."""
    _, plan = season
    _, ax = plt.subplots()
    assert utilization_histogram(plan, ax=ax) is ax
    eligible = [row for row in plan.producers if row.reachable > 0]
    assert sum(bar.get_height() for bar in bars(ax)) == len(eligible)
    figure_of(ax).canvas.draw()
    labels = [label.get_text() for label in tick_labels(ax, "x")]
    assert labels and all(re.fullmatch(r"\d+%", label) for label in labels), labels
    minimum = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    assert minimum.get_xdata()[0] == pytest.approx(plan.fairness.min_utilization)


# --------------------------------------------------------------------------- price of fairness


def test_fairness_tradeoff_points_band_and_prices(tradeoff_table: pd.DataFrame) -> None:
    """One point per floor, in floor order, a band up to the bound, each point's price beside it."""
    _, ax = plt.subplots()
    assert fairness_tradeoff(tradeoff_table.iloc[::-1], ax=ax) is ax
    value_line = next(line for line in ax.get_lines() if line.get_linestyle() == "-")
    assert list(value_line.get_xdata()) == sorted(tradeoff_table["floor"])
    assert list(value_line.get_ydata()) == list(tradeoff_table.sort_values("floor")["value"])
    assert any(isinstance(c, PolyCollection) for c in ax.collections)
    met, not_met = (c for c in ax.collections if not isinstance(c, PolyCollection))
    assert len(met.get_offsets()) == 3 and len(not_met.get_offsets()) == 1
    notes = [text.get_text() for text in ax.texts]
    assert notes[0] == "reference"
    assert notes[-1] == "price 0.29%"


def test_fairness_tradeoff_rupiah_axis(tradeoff_table: pd.DataFrame) -> None:
    """Company value is on a rupiah axis in miliar, and the axis says it does not start at 0."""
    ax = fairness_tradeoff(tradeoff_table)
    figure_of(ax).canvas.draw()
    labels = [label.get_text() for label in tick_labels(ax, "y")]
    assert labels and all(RUPIAH_TICK.match(label) for label in labels), labels
    assert all(label.endswith(" M") for label in labels)
    assert len(set(labels)) == len(labels)
    assert "not from Rp0" in ax.get_ylabel()


# --------------------------------------------------------------------------- a parcel


def test_variant_contents_adds_up_to_the_price(
    season: tuple[Catalog, SeasonPlan], variant: Variant
) -> None:
    """A bar per item, then packaging (and fees): together the parcel's price, in the title."""
    catalog, _ = season
    _, ax = plt.subplots()
    assert variant_contents(variant, catalog, ax=ax) is ax
    widths = [bar.get_width() for bar in bars(ax)]
    assert len(widths) in (len(variant.items) + 1, len(variant.items) + 2)
    assert sum(widths) == variant.price
    packaging = catalog.packaging_by_id[variant.packaging]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels[len(variant.items)] == f"Packaging\n{packaging.name}"
    dearest = max(variant.items, key=lambda item: item.qty * item.unit_price)
    assert catalog.product_by_sku[dearest.sku].name in labels[0]
    assert rupiah(variant.price) in ax.get_title()


def test_a_plan_without_producers_draws_empty_plots() -> None:
    """A plan with no producer table gives empty charts, not errors: no bars, the diagonal."""
    empty = SeasonPlan(
        status=Status.UNKNOWN,
        fairness=Fairness(
            policy="none", gini=0.0, jain=1.0, coverage=0.0, min_utilization=0.0, max_share=0.0
        ),
        solver=SolverInfo(name="none"),
    )
    assert bars(producer_revenue(empty, karawang_catalog())) == []
    assert bars(utilization_histogram(empty)) != []
    assert sum(bar.get_height() for bar in bars(utilization_histogram(empty))) == 0
    curve = next(line for line in lorenz_curve(empty).get_lines() if line.get_marker() == "o")
    assert list(curve.get_xdata()) == list(curve.get_ydata()) == [0.0, 1.0]


# --------------------------------------------------------------------------- readability


@pytest.fixture(
    params=[
        "producer_revenue",
        "producer_revenue_top",
        "lorenz_curve",
        "utilization_histogram",
        "fairness_tradeoff",
        "variant_contents",
    ]
)
def drawn(
    request: pytest.FixtureRequest,
    season: tuple[Catalog, SeasonPlan],
    variant: Variant,
    tradeoff_table: pd.DataFrame,
) -> Axes:
    """Each plot in the figure it makes for itself."""
    catalog, plan = season
    name = request.param
    if name == "producer_revenue":
        return producer_revenue(plan, catalog)
    if name == "producer_revenue_top":
        return producer_revenue(plan, catalog, top=12)
    if name == "lorenz_curve":
        return lorenz_curve(plan)
    if name == "utilization_histogram":
        return utilization_histogram(plan)
    if name == "fairness_tradeoff":
        return fairness_tradeoff(tradeoff_table)
    return variant_contents(variant, catalog)


def test_no_text_overlaps(drawn: Axes) -> None:
    """No two tick labels, axis labels, titles, notes or legend entries overlap when drawn."""
    assert overlapping(figure_of(drawn)) == []


def test_every_text_inside_the_figure(drawn: Axes) -> None:
    """Nothing is cut at the figure's edges: every text lies within the canvas."""
    figure = figure_of(drawn)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    canvas = figure.bbox
    for text in visible_texts(figure):
        box = text.get_window_extent(renderer)
        assert canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1, text.get_text()
        assert canvas.y0 - 1 <= box.y0 and box.y1 <= canvas.y1 + 1, text.get_text()


def test_saves_to_png(drawn: Axes, tmp_path: Path) -> None:
    """The figure saves as a PNG image."""
    path = tmp_path / "plot.png"
    figure_of(drawn).savefig(path, dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
