"""Plots of a season plan for notebooks: revenue, fairness, utilization, parcels.

One function per plot, in the manner of PyVRP's plotting: each takes an
optional matplotlib ``ax`` to draw into (a figure of a fitting size is made
when it is None) and returns the Axes, so that a planner can place several
plots in one figure or change a title afterwards. Amounts are rupiah on the
axes, in the short form Indonesian reports use (``Rp250 rb``, ``Rp1,5 jt``,
``Rp7,1 M`` for ribu, juta and miliar); exact amounts elsewhere are written
``Rp250.000``.

matplotlib (and pyplot, which a notebook needs to show a new figure) is
imported on first use, so importing the reports costs nothing for the command
line. Nothing here chooses a backend: a script without a display sets
``MPLBACKEND=Agg`` or calls ``matplotlib.use("Agg")`` itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from parcelkit.models import Catalog, ProducerFigures, SeasonPlan, Variant
from parcelkit.report.text import grouped, percent, rupiah

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter, MaxNLocator

__all__ = [
    "curve_gini",
    "fairness_tradeoff",
    "lorenz_curve",
    "lorenz_points",
    "producer_revenue",
    "rupiah_axis",
    "rupiah_short",
    "utilization_histogram",
    "variant_contents",
]

_UNITS = ((1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb"))
"""Miliar, juta and ribu, the largest first: the short units of rupiah."""

ROW_INCHES = 0.22
"""Height of one producer's bar in a figure `producer_revenue` makes itself."""

_MAX_DIGITS = 4


# --------------------------------------------------------------------------- rupiah


def rupiah_short(amount: float, digits: int = 1) -> str:
    """An amount of rupiah in the short form of Indonesian reports.

    The largest unit of miliar (``M``), juta (``jt``) and ribu (``rb``) that
    leaves at least 1, with at most ``digits`` decimals after a decimal comma
    (trailing zeros dropped); below a thousand the exact amount.

    >>> rupiah_short(1_500_000)
    'Rp1,5 jt'
    >>> rupiah_short(250_000)
    'Rp250 rb'
    >>> rupiah_short(7_113_057_000, digits=2)
    'Rp7,11 M'
    >>> rupiah_short(-950)
    '-Rp950'
    """
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    for unit_size, unit in _UNITS:
        scaled = round(size / unit_size, digits)
        if scaled >= 1:
            return f"{sign}Rp{_decimal(scaled, digits).rstrip('0').rstrip(',')} {unit}"
    return rupiah(round(amount))


def _decimal(number: float, digits: int) -> str:
    # 1234.5 -> "1.234,5": dots group thousands, a comma marks the decimals.
    text = f"{number:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _tick_unit(locs: Sequence[float]) -> tuple[int, str, int]:
    """The unit (size, name) and the decimals that write every tick of an axis exactly."""
    largest = max((abs(loc) for loc in locs), default=0.0)
    unit_size, unit = next(((s, u) for s, u in _UNITS if largest >= s), (1, ""))
    digits = next(
        (
            d
            for d in range(_MAX_DIGITS + 1)
            if all(
                math.isclose(loc / unit_size, round(loc / unit_size, d), abs_tol=1e-9)
                for loc in locs
            )
        ),
        _MAX_DIGITS,
    )
    return unit_size, unit, digits


def _tick_text(value: float, locs: Sequence[float]) -> str:
    """One tick of a rupiah axis: the axis's unit and decimals, so the labels line up."""
    if math.isclose(value, 0.0, abs_tol=1e-9):
        return "Rp0"
    unit_size, unit, digits = _tick_unit(locs or [value])
    if not unit:
        return rupiah(round(value))
    sign = "-" if value < 0 else ""
    return f"{sign}Rp{_decimal(abs(value) / unit_size, digits)} {unit}"


def rupiah_axis(axis: Axis) -> None:
    """Write an axis's ticks in rupiah (``Rp2,5 jt``), one unit and precision for all ticks.

    On a horizontal axis the number of ticks follows the axis's width each time
    the figure is drawn, so that the labels, wider than plain numbers, keep
    apart whatever the layout leaves the axis.
    """
    from matplotlib.axis import XAxis

    formatter, locator = _rupiah_tickers()
    axis.set_major_formatter(formatter())
    if isinstance(axis, XAxis):
        axis.set_major_locator(locator(steps=[1, 2, 2.5, 5, 10]))


@cache
def _rupiah_tickers() -> tuple[type[Formatter], type[MaxNLocator]]:
    """The formatter and locator classes of `rupiah_axis`, made once matplotlib is imported."""
    from matplotlib.ticker import Formatter, MaxNLocator

    class RupiahFormatter(Formatter):
        """Ticks in short rupiah, all in the unit and decimals the largest and finest need."""

        def __init__(self) -> None:
            self.ticks: list[float] = []

        def set_locs(self, locs: list[float]) -> None:
            super().set_locs(locs)
            self.ticks = [float(loc) for loc in locs]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return _tick_text(x, self.ticks)

    class RupiahLocator(MaxNLocator):
        """Round ticks spaced for labels about 6 em wide with their gap (matplotlib assumes 3)."""

        def __call__(self) -> Sequence[float]:
            if self.axis is not None:
                # get_tick_space counts labels 3 font sizes wide along a horizontal axis
                room = self.axis.get_tick_space() * 3 // 6
                self.set_params(nbins=max(2, min(9, room)))
            return super().__call__()

    return RupiahFormatter, RupiahLocator


# --------------------------------------------------------------------------- shared


def _new_axes(width: float, height: float) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def _figure(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    assert figure is not None, "the Axes belong to a figure"
    return figure


def _palette(count: int) -> list[tuple[float, float, float, float]]:
    """``count`` distinct colours: tab10, tab20, then tab20 with tab20b and tab20c (60)."""
    from matplotlib import colormaps

    if count <= 10:
        names = ["tab10"]
    elif count <= 20:
        names = ["tab20"]
    else:
        names = ["tab20", "tab20b", "tab20c"]
    colours = [cmap(i) for cmap in (colormaps[name] for name in names) for i in range(cmap.N)]
    return [colours[i % len(colours)] for i in range(count)]


def _counted(count: int, noun: str) -> str:
    """``1 parcel``, ``1.500 parcels``."""
    return f"{grouped(count)} {noun}{'' if count == 1 else 's'}"


def _eligible(plan: SeasonPlan) -> list[ProducerFigures]:
    """The producers the plan's fairness metrics count: those with reachable above zero."""
    return [row for row in plan.producers if row.reachable > 0]


def _eligible_note(plan: SeasonPlan) -> str:
    eligible = len(_eligible(plan))
    text = f"{grouped(eligible)} eligible producers"
    left_out = len(plan.producers) - eligible
    if left_out:
        text += f", {grouped(left_out)} ineligible left out"
    return text


# --------------------------------------------------------------------------- producer revenue


def producer_revenue(
    plan: SeasonPlan, catalog: Catalog, *, ax: Axes | None = None, top: int | None = None
) -> Axes:
    """Revenue per producer, highest first, as horizontal bars coloured by district.

    Every producer of the plan's table has a row, those that sold nothing too
    (marked ``no orders``, or ``ineligible`` with their name in grey); the
    dashed line is the mean over the eligible producers, the level an even
    spread would give each. Each row is labelled with the producer's name and
    district, so the 30 colours of a large season need not be told apart.

    Parameters
    ----------
    plan
        The season plan whose producer table is drawn.
    catalog
        Gives names and districts; an id it does not know is shown as it is.
    ax
        Axes to draw into; when None, a figure whose height grows with the
        number of producers. On a given Axes too short for one label per row
        the labels get smaller, and are left out when still too crowded; so
        is the legend of districts when it would need over two columns.
    top
        Only the ``top`` producers by revenue.
    """
    rows = sorted(plan.producers, key=lambda row: (-row.revenue, row.producer_id))
    if top is not None:
        rows = rows[: max(top, 0)]
    if ax is None:
        ax = _new_axes(11.0, ROW_INCHES * max(len(rows), 8) + 2.0)
    producers = catalog.producer_by_id
    districts = sorted({_district(row.producer_id, catalog) for row in rows})
    colour_of = dict(zip(districts, _palette(len(districts)), strict=True))
    ineligible = {entry.producer_id for entry in plan.fairness.ineligible}

    positions = list(range(len(rows)))
    ax.barh(
        positions,
        [row.revenue for row in rows],
        color=[colour_of[_district(row.producer_id, catalog)] for row in rows],
        height=0.75,
    )
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    largest = max((row.revenue for row in rows), default=0)
    ax.set_xlim(0, largest * 1.15 if largest else 1_000_000)
    _revenue_notes(ax, rows, ineligible)
    _producer_labels(ax, rows, producers, ineligible)
    mean = _mean_revenue(plan)
    mean_line = None
    if mean is not None:
        mean_line = ax.axvline(
            mean,
            color="0.2",
            linestyle="--",
            linewidth=1,
            label=f"Mean of eligible producers ({rupiah_short(mean)})",
        )
    handles: list[Any] = [] if mean_line is None else [mean_line]
    from matplotlib.patches import Patch

    handles += [Patch(color=colour_of[name], label=name or "(no district)") for name in districts]
    if not _side_legend(ax, handles, "Kecamatan") and mean_line is not None:
        ax.legend(handles=[mean_line], loc="lower right", fontsize=8)

    rupiah_axis(ax.xaxis)
    if len(rows) > 30:
        ax.tick_params(axis="x", labeltop=True)
    ax.set_xlabel("Revenue in the season (Rp)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    shown = f"top {grouped(len(rows))} of {grouped(len(plan.producers))}"
    count = shown if top is not None else f"{grouped(len(rows))} producers"
    ax.set_title(f"Revenue per producer ({count}), highest first")
    return ax


def _district(producer_id: str, catalog: Catalog) -> str:
    producer = catalog.producer_by_id.get(producer_id)
    return producer.district if producer else ""


NOTE_POINTS = 7.0
"""Font size of the amount written at the end of each producer's bar."""


def _revenue_notes(ax: Axes, rows: Sequence[ProducerFigures], ineligible: set[str]) -> None:
    """Each bar's amount at its end (``no orders`` or ``ineligible`` at zero), when rows allow."""
    if _axes_height_points(ax) / max(len(rows), 1) < 1.2 * NOTE_POINTS:
        return
    for position, row in enumerate(rows):
        if row.revenue:
            note, style = rupiah_short(row.revenue), "normal"
        else:
            note, style = ("ineligible" if row.producer_id in ineligible else "no orders"), "italic"
        ax.annotate(
            note,
            (row.revenue, position),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=NOTE_POINTS,
            fontstyle=style,
            color="0.25",
            # over the mean line, which would otherwise cross the text
            bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=4,
        )


def _mean_revenue(plan: SeasonPlan) -> float | None:
    eligible = _eligible(plan)
    if not eligible:
        return None
    return sum(row.revenue for row in eligible) / len(eligible)


def _producer_labels(
    ax: Axes,
    rows: Sequence[ProducerFigures],
    producers: dict[str, Any],
    ineligible: set[str],
) -> None:
    """One label per row, as large as the rows allow, or none when they would overlap."""
    row_points = _axes_height_points(ax) / max(len(rows), 1)
    size = min(9.0, row_points / 1.3)
    if size < 5.0:
        ax.set_yticks([])
        ax.set_ylabel(f"{grouped(len(rows))} producers, by revenue")
        return
    labels = []
    for row in rows:
        producer = producers.get(row.producer_id)
        labels.append(
            f"{producer.name} ({producer.district})"
            if producer and producer.district
            else (producer.name if producer else row.producer_id)
        )
    ax.set_yticks(range(len(rows)), labels, fontsize=size)
    for label, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row.producer_id in ineligible:
            label.set_color("0.5")
    ax.tick_params(axis="y", length=0)


def _axes_height_points(ax: Axes) -> float:
    return ax.get_position().height * _figure(ax).get_figheight() * 72


LEGEND_COLUMNS = 2
"""The most columns a legend beside the axes may take; a longer one is left out."""


def _side_legend(ax: Axes, handles: Sequence[Any], title: str) -> bool:
    """A legend right of the axes, in as many columns as their height needs.

    False, and no legend, when it would take more than `LEGEND_COLUMNS`
    columns: on Axes that short it would leave the plot no width.
    """
    if not handles:
        return True
    rows_fitting = max(int(_axes_height_points(ax) / 14) - 1, 1)
    columns = math.ceil(len(handles) / rows_fitting)
    if columns > LEGEND_COLUMNS:
        return False
    ax.legend(
        handles=handles,
        title=title,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=8,
        title_fontsize=9,
        ncols=columns,
        frameon=False,
    )
    return True


# --------------------------------------------------------------------------- Lorenz curve


def lorenz_points(revenues: Sequence[int]) -> tuple[list[float], list[float]]:
    """The Lorenz curve of revenues: shares of producers and of revenue, poorest first.

    Starts at (0, 0) and ends at (1, 1); with no revenue at all the curve is
    the diagonal (everybody got the same: nothing).
    """
    ordered = sorted(revenues)
    count, total = len(ordered), sum(ordered)
    if not count:
        return [0.0, 1.0], [0.0, 1.0]
    xs, ys, running = [0.0], [0.0], 0
    for index, revenue in enumerate(ordered, start=1):
        running += revenue
        xs.append(index / count)
        ys.append(running / total if total else index / count)
    return xs, ys


def curve_gini(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Twice the area between the diagonal and a Lorenz curve (trapezoids).

    On the points of `lorenz_points` this is exactly FORMAT.md's Gini, the sum
    over pairs of |r_i - r_j| / (2 n^2 mean r).
    """
    below = sum(
        (x1 - x0) * (y0 + y1) / 2 for x0, x1, y0, y1 in zip(xs, xs[1:], ys, ys[1:], strict=False)
    )
    return 1 - 2 * below


def lorenz_curve(plan: SeasonPlan, *, ax: Axes | None = None) -> Axes:
    """The Lorenz curve of the eligible producers' revenue, with the Gini of the plan.

    The producers are those the plan's fairness metrics count (reachable above
    zero); the shaded area between the curve and the diagonal of perfect
    equality is half the Gini. The legend gives the plan's own
    ``fairness.gini``, which is this curve's Gini by definition; should the
    plan disagree with its own producer table, both are shown.
    """
    from matplotlib.ticker import PercentFormatter

    if ax is None:
        ax = _new_axes(6.5, 6.5)
    xs, ys = lorenz_points([row.revenue for row in _eligible(plan)])
    gini = plan.fairness.gini
    drawn = curve_gini(xs, ys)
    text = f"Gini {gini:.3f}"
    if not math.isclose(drawn, gini, abs_tol=5e-4):
        text = f"Gini {drawn:.3f} (the plan says {gini:.3f})"
    ax.plot([0, 1], [0, 1], color="0.5", linestyle="--", linewidth=1, label="Perfect equality")
    ax.fill_between(xs, ys, xs, color="tab:blue", alpha=0.15, label=text)
    ax.plot(
        xs,
        ys,
        color="tab:blue",
        marker="o",
        markersize=3,
        linewidth=1.5,
        label="Producers, lowest revenue first",
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_xlabel("Share of eligible producers (%)")
    ax.set_ylabel("Share of their revenue (%)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    ax.set_title(f"Lorenz curve of producer revenue\n{_eligible_note(plan)}", fontsize=11)
    return ax


# --------------------------------------------------------------------------- utilization


def utilization_histogram(plan: SeasonPlan, *, ax: Axes | None = None) -> Axes:
    """How the eligible producers' utilization (revenue / capacity) is spread.

    Capacity is the value of a producer's stock (FORMAT.md), so utilization is
    the share of what it could deliver that the season buys. Bins are a round
    number of percent wide; the lines mark the plan's minimum and the mean.
    """
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    if ax is None:
        ax = _new_axes(9.5, 4.5)
    values = [row.utilization for row in _eligible(plan)]
    edges = _bin_edges(max(values, default=0.0))
    ax.hist(values, bins=edges, color="tab:green", edgecolor="white", label="Eligible producers")
    if values:
        unsold = sum(1 for value in values if value == 0)
        low = plan.fairness.min_utilization
        mean = sum(values) / len(values)
        ax.axvline(
            low, color="tab:red", linestyle="--", linewidth=1, label=f"Minimum {percent(low)}"
        )
        ax.axvline(mean, color="0.2", linestyle=":", linewidth=1.5, label=f"Mean {percent(mean)}")
        sold_out = sum(1 for value in values if value >= 1 - 1e-9)
        for count, what in ((unsold, "sold nothing"), (sold_out, "sold all their stock")):
            if count:
                ax.plot([], [], " ", label=f"{grouped(count)} {what}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    ax.set_xlim(edges[0], edges[-1])
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Utilization: revenue / value of the producer's stock (%)")
    ax.set_ylabel("Producers")
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(f"Utilization of producer capacity\n{_eligible_note(plan)}", fontsize=11)
    return ax


def _bin_edges(largest: float, most: int = 20) -> list[float]:
    """Edges from 0 past ``largest`` in the narrowest round width giving at most ``most`` bins."""
    widths = (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
    width = next((w for w in widths if largest / w <= most), 1.0)
    count = max(math.ceil(largest / width - 1e-9), 4)
    return [round(i * width, 6) for i in range(count + 1)]


# --------------------------------------------------------------------------- price of fairness


def fairness_tradeoff(frame: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The price of fairness: company value against the fairness floor.

    ``frame`` is `parcelkit.analysis.tradeoff`'s table. Each point is a plan
    under a floor on every eligible producer's revenue / reachable; the band
    reaches up to the proven bound on the value (where one was proven), and
    each point is labelled with its price of fairness, the value lost against
    the lowest floor. A hollow point is a floor no plan met.
    """
    from matplotlib.ticker import PercentFormatter

    if ax is None:
        ax = _new_axes(9.0, 5.0)
    rows = frame.sort_values("floor")
    floors = [float(x) for x in rows["floor"]]
    values = [float(x) for x in rows["value"]]
    bounds = [float(x) for x in rows["value_bound"]]
    met = [bool(x) for x in rows["floor_met"]]
    prices = [float(x) for x in rows["price_of_fairness"]]

    if any(math.isfinite(b) for b in bounds):
        ax.fill_between(
            floors,
            values,
            [b if math.isfinite(b) else v for b, v in zip(bounds, values, strict=True)],
            color="tab:blue",
            alpha=0.15,
            label="Up to the proven bound on value",
        )
        ax.plot(floors, bounds, color="tab:blue", linestyle="--", linewidth=0.8)
    ax.plot(floors, values, color="tab:blue", linewidth=1.5, label="Company value of the plan")
    ax.scatter(
        [f for f, ok in zip(floors, met, strict=True) if ok],
        [v for v, ok in zip(values, met, strict=True) if ok],
        color="tab:blue",
        zorder=3,
    )
    if not all(met):
        ax.scatter(
            [f for f, ok in zip(floors, met, strict=True) if not ok],
            [v for v, ok in zip(values, met, strict=True) if not ok],
            facecolors="white",
            edgecolors="tab:blue",
            zorder=3,
            label="Floor not met",
        )
    for index, (floor, value, price) in enumerate(zip(floors, values, prices, strict=True)):
        ax.annotate(
            "reference" if index == 0 else f"price {percent(price, 2)}",
            (floor, value),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    if floors:
        span = max(floors) - min(floors) or 0.1
        ax.set_xlim(min(floors) - 0.08 * span, max(floors) + 0.08 * span)
        _pad_below(ax, values)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    rupiah_axis(ax.yaxis)
    ax.set_xlabel("Floor on every eligible producer's revenue / reachable (%)")
    from_zero = ax.get_ylim()[0] <= 0
    ax.set_ylabel("Company value: budget used (Rp)" + ("" if from_zero else "\naxis not from Rp0"))
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    ax.set_title("Price of fairness\ncompany value lost against the lowest floor", fontsize=11)
    return ax


def _pad_below(ax: Axes, values: Sequence[float]) -> None:
    """Room under the lowest point for its label, and a little over the band."""
    low, high = ax.get_ylim()
    span = (high - low) or max(abs(max(values)), 1.0) * 0.01
    ax.set_ylim(min(low, min(values) - 0.15 * span), high + 0.05 * span)


# --------------------------------------------------------------------------- a parcel


def variant_contents(variant: Variant, catalog: Catalog, *, ax: Axes | None = None) -> Axes:
    """What one parcel of a variant holds, and what each part of its price pays for.

    One bar per item (quantity x unit price), the most expensive first,
    labelled with the product and its producer and coloured by category; then
    the packaging and, when the price holds more than items and packaging, the
    fees. The bars add up to the parcel's price, given in the title.
    """
    products = catalog.product_by_sku
    rows: list[tuple[str, int, str]] = []  # label, rupiah, colour key
    for item in sorted(variant.items, key=lambda item: (-item.qty * item.unit_price, item.sku)):
        product = products.get(item.sku)
        producer = catalog.producer_by_id.get(product.producer_id) if product else None
        name = product.name if product else item.sku
        maker = producer.name if producer else (product.producer_id if product else "?")
        rows.append(
            (
                f"{grouped(item.qty)} x {name}\n{maker}",
                item.qty * item.unit_price,
                product.category if product else "unknown",
            )
        )
    packaging = catalog.packaging_by_id.get(variant.packaging)
    packaging_price = packaging.price if packaging else 0
    rows.append(
        (
            f"Packaging\n{packaging.name if packaging else variant.packaging}",
            packaging_price,
            "packaging",
        )
    )
    fees = variant.price - sum(amount for _, amount, _ in rows)
    if fees > 0:
        rows.append(("Fees\nassembly and koperasi", fees, "fees"))

    if ax is None:
        ax = _new_axes(9.0, 0.5 * len(rows) + 1.8)
    categories = [c for c in catalog.categories if any(key == c for _, _, key in rows)]
    categories += sorted({key for _, _, key in rows} - set(categories) - {"packaging", "fees"})
    colour_of: dict[str, Any] = dict(zip(categories, _palette(len(categories)), strict=True))
    colour_of |= {"packaging": "0.55", "fees": "0.8"}
    bars = ax.barh(
        range(len(rows)),
        [amount for _, amount, _ in rows],
        color=[colour_of[key] for _, _, key in rows],
        height=0.7,
    )
    ax.bar_label(bars, labels=[rupiah(amount) for _, amount, _ in rows], padding=3, fontsize=8)
    ax.set_yticks(range(len(rows)), [label for label, _, _ in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    largest = max(amount for _, amount, _ in rows)
    ax.set_xlim(0, largest * 1.2 if largest else 1_000)
    from matplotlib.patches import Patch

    keys = [*categories, "packaging"] + (["fees"] if fees > 0 else [])
    _side_legend(ax, [Patch(color=colour_of[k], label=k) for k in keys], "Category")
    rupiah_axis(ax.xaxis)
    ax.set_xlabel("Cost in one parcel (Rp)")
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.set_title(
        f"Parcel at {rupiah(variant.price)} ({_counted(variant.parcels, 'parcel')}), "
        f"{_counted(sum(item.qty for item in variant.items), 'item')}",
        fontsize=11,
    )
    return ax
