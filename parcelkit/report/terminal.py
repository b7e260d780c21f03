"""Rich renderables for the terminal: season, quote, problems and violations.

Every function here builds a `rich` Table or Panel and returns it; none of them
prints. The command line decides where a renderable goes (stdout for results,
stderr for errors), and tests can render one into a string. Data (names,
messages) is always put in cells as `rich.text.Text`, so a product called
``Kopi [Robusta]`` is shown as written instead of being read as markup.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parcelkit.errors import Problem
from parcelkit.models import (
    Catalog,
    Item,
    Product,
    Quote,
    Request,
    SolverInfo,
    Status,
    Suggestion,
    TierQuote,
)
from parcelkit.report.text import grouped, percent, rupiah

__all__ = [
    "STATUS_STYLE",
    "ViolationLike",
    "problems_table",
    "quote_summary",
    "season_summary",
    "solver_summary",
    "status_text",
    "violations_table",
]

STATUS_STYLE: dict[Status, str] = {
    Status.OPTIMAL: "bold green",
    Status.FEASIBLE: "green",
    Status.INFEASIBLE: "bold red",
    Status.UNKNOWN: "bold yellow",
}
"""How each result status is coloured: served in green, refused in red, open in yellow."""


class ViolationLike(Protocol):
    """What the violations table needs of a finding of `parcelkit.verify`.

    A protocol rather than an import of ``Violation``, so that reports depend on
    the models alone and not on the checker.
    """

    @property
    def rule(self) -> str:
        """The rule or recomputed figure that is broken."""
        ...

    @property
    def message(self) -> str:
        """What is wrong, with the numbers."""
        ...

    def place(self) -> str:
        """Where in the result it is wrong, as one phrase."""
        ...


def _table(title: str | None, *, expand: bool = False) -> Table:
    # One look for every table: a rule under the header, no outer frame.
    return Table(
        title=Text(title) if title else None,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        expand=expand,
    )


def status_text(status: Status) -> Text:
    """A result status as coloured text (``optimal`` in green, ``infeasible`` in red)."""
    return Text(status.value, style=STATUS_STYLE.get(status, "bold"))


# --------------------------------------------------------------------------- season


def season_summary(catalog: Catalog, requests: Sequence[Request] = ()) -> Panel:
    """What a season holds: producers, products per category, packaging and the orders.

    The totals answer a planner's first questions before any solving: how many
    UMKM and products take part, what each category offers and at what prices,
    and how many parcels worth how much the companies have asked for (the total
    budget is parcels x budget summed over every tier of every request).
    """
    overview = Table.grid(padding=(0, 2))
    overview.add_column(style="bold")
    overview.add_column()
    districts = {p.district for p in catalog.producers if p.district}
    producers = f"{grouped(len(catalog.producers))}"
    if districts:
        producers += f" in {grouped(len(districts))} kecamatan"
    overview.add_row("Producers", producers)
    overview.add_row(
        "Products",
        f"{grouped(len(catalog.products))} in {grouped(len(catalog.categories))} categories",
    )
    overview.add_row("Packaging", _packaging_line(catalog))
    if requests:
        tiers = [tier for request in requests for tier in request.tiers]
        parcels = sum(tier.parcels for tier in tiers)
        budget = sum(tier.parcels * tier.budget for tier in tiers)
        overview.add_row("Requests", f"{grouped(len(requests))} ({grouped(len(tiers))} tiers)")
        overview.add_row("Parcels", grouped(parcels))
        overview.add_row("Total budget", rupiah(budget))

    parts: list[RenderableType] = [overview]
    if catalog.products:
        parts += [Text(), _categories_table(catalog)]
    title = "Season" + (f": {catalog.season}" if catalog.season else "")
    return Panel(Group(*parts), title=Text(title, style="bold"), expand=False)


def _packaging_line(catalog: Catalog) -> str:
    if not catalog.packaging:
        return "none"
    prices = [p.price for p in catalog.packaging]
    line = f"{grouped(len(catalog.packaging))} options"
    low, high = min(prices), max(prices)
    return line + (f", {rupiah(low)}" if low == high else f", {rupiah(low)} - {rupiah(high)}")


def _categories_table(catalog: Catalog) -> Table:
    table = _table("Products per category")
    table.add_column("Category")
    table.add_column("Products", justify="right")
    table.add_column("Producers", justify="right")
    table.add_column("Halal", justify="right")
    table.add_column("Price range", justify="right")
    by_category: defaultdict[str, list[Product]] = defaultdict(list)
    for product in catalog.products:
        by_category[product.category].append(product)
    for category in catalog.categories:
        products = by_category[category]
        prices = [p.price for p in products]
        low, high = min(prices), max(prices)
        table.add_row(
            Text(category),
            grouped(len(products)),
            grouped(len({p.producer_id for p in products})),
            grouped(sum(1 for p in products if p.halal)),
            rupiah(low) if low == high else f"{rupiah(low)} - {rupiah(high)}",
        )
    return table


# --------------------------------------------------------------------------- quote


def quote_summary(quote: Quote, catalog: Catalog) -> Panel:
    """A quote as a planner reads it: status, the parcels of each tier, who sells what.

    Per tier, each variant with its number of parcels, packaging name, price per
    parcel (and its share of the budget) and contents, each item with the
    product's and the producer's name; then the total, the producers' units and
    revenue, the reasons and suggested changes when the request cannot be
    served, and the solver's stages. Names come from ``catalog``; an id the
    catalog does not know is shown as it is.
    """
    parts: list[RenderableType] = []
    head = Text.assemble("Status: ", status_text(quote.status))
    if quote.served:
        parcels = sum(tier.parcels for tier in quote.tiers)
        head.append(f"   {grouped(parcels)} parcels, total ")
        head.append(rupiah(quote.total), style="bold")
    parts.append(head)

    for tier in quote.tiers:
        parts += [Text(), _tier_section(tier, catalog)]
    if quote.producers:
        parts += [Text(), _producers_table(quote, catalog)]
    if quote.reasons:
        parts += [Text(), _reasons(quote.reasons)]
    if quote.suggestions:
        parts += [Text(), _suggestions_table(quote.suggestions)]
    parts += [Text(), solver_summary(quote.solver)]

    title = Text.assemble(("Quote ", "bold"), (quote.request_id, "bold"), f" - {quote.company}")
    return Panel(Group(*parts), title=title, border_style=STATUS_STYLE.get(quote.status, ""))


def _tier_section(tier: TierQuote, catalog: Catalog) -> Group:
    head = Text.assemble(
        (f"Tier {tier.name}", "bold"),
        f": {grouped(tier.parcels)} parcels, budget {rupiah(tier.budget)} each",
    )
    parts: list[RenderableType] = [head]
    for number, variant in enumerate(tier.variants, start=1):
        packaging = catalog.packaging_by_id.get(variant.packaging)
        line = Text.assemble(
            f"Variant {number}: ",
            (f"{grouped(variant.parcels)} parcels", "bold"),
            " at ",
            (rupiah(variant.price), "bold"),
            f" ({percent(variant.price / tier.budget, 0)} of budget), in ",
            packaging.name if packaging else variant.packaging,
        )
        parts += [
            Padding(line, (0, 0, 0, 2)),
            Padding(_items_table(variant.items, catalog), (0, 0, 0, 4)),
        ]
    return Group(*parts)


def _items_table(items: Iterable[Item], catalog: Catalog) -> Table:
    table = _table(None)
    table.add_column("Qty", justify="right")
    table.add_column("Product", ratio=3)
    table.add_column("Producer", ratio=2, style="dim")
    table.add_column("Unit price", justify="right", no_wrap=True)
    for item in items:
        product = catalog.product_by_sku.get(item.sku)
        producer = catalog.producer_by_id.get(product.producer_id) if product else None
        table.add_row(
            grouped(item.qty),
            Text(product.name if product else item.sku),
            Text(producer.name if producer else (product.producer_id if product else "?")),
            rupiah(item.unit_price),
        )
    return table


def _producers_table(quote: Quote, catalog: Catalog) -> Table:
    table = _table("Producers")
    table.add_column("Producer")
    table.add_column("Id", style="dim")
    table.add_column("Units", justify="right")
    table.add_column("Revenue", justify="right")
    table.add_column("Share", justify="right")
    revenue = sum(p.revenue for p in quote.producers)
    for sales in sorted(quote.producers, key=lambda p: (-p.revenue, p.producer_id)):
        producer = catalog.producer_by_id.get(sales.producer_id)
        table.add_row(
            Text(producer.name if producer else sales.producer_id),
            Text(sales.producer_id),
            grouped(sales.units),
            rupiah(sales.revenue),
            percent(sales.revenue / revenue) if revenue else "-",
        )
    table.add_section()
    table.add_row(
        Text(f"{len(quote.producers)} producers", style="bold"),
        "",
        grouped(sum(p.units for p in quote.producers)),
        Text(rupiah(revenue), style="bold"),
        "",
    )
    return table


def _reasons(reasons: Sequence[str]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="bold red")
    table.add_column()
    table.title = "Why it cannot be served"
    table.title_justify = "left"
    for number, reason in enumerate(reasons, start=1):
        table.add_row(f"{number}.", Text(reason))
    return table


def _suggestions_table(suggestions: Sequence[Suggestion]) -> Table:
    table = _table("What would make it work")
    table.add_column("Tier")
    table.add_column("Change")
    table.add_column("Rule", style="dim")
    table.add_column("New value", style="dim")
    for suggestion in suggestions:
        table.add_row(
            Text(suggestion.tier or "all"),
            Text(suggestion.message or f"set {suggestion.rule}"),
            Text(suggestion.rule),
            Text(json.dumps(suggestion.value, ensure_ascii=False, default=str)),
        )
    return table


def solver_summary(solver: SolverInfo) -> Group:
    """The solver's name, wall time and stages (objective, proven bound, gap).

    The gap is what a planner needs to trust an answer: 0% means the stage is
    proven best; a stage with no objective found no solution in its budget.
    """
    how = "reproducible" if solver.deterministic else "stopped by the wall-clock limit"
    head = Text.assemble(("Solver: ", "bold"), solver.name, f", {solver.wall_time_s:.2f} s, {how}")
    if not solver.stages:
        return Group(head)
    table = _table(None)
    table.add_column("Stage")
    table.add_column("Objective", justify="right")
    table.add_column("Bound", justify="right")
    table.add_column("Gap", justify="right")
    for stage in solver.stages:
        table.add_row(
            Text(stage.name),
            _figure(stage.objective),
            _figure(stage.bound),
            "-" if stage.gap is None else percent(stage.gap, 2),
        )
    return Group(head, table)


def _figure(value: float | None) -> str:
    if value is None:
        return "-"
    if float(value).is_integer():
        return grouped(int(value))
    return f"{value:.4g}"


# --------------------------------------------------------------------------- problems


def problems_table(problems: Sequence[Problem], title: str = "Problems") -> Table:
    """Every problem of some input, one row each: where it is and what is wrong.

    The place is the file, sheet, row (as a spreadsheet shows it) and field, so a
    planner can go straight to the cell; the message says what was found and
    what was expected.
    """
    table = _table(f"{title} ({len(problems)})")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Place", style="cyan", overflow="fold")
    table.add_column("Problem", ratio=1)
    for number, problem in enumerate(problems, start=1):
        table.add_row(str(number), Text(problem.place() or "-"), Text(_problem_text(problem)))
    return table


def _problem_text(problem: Problem) -> str:
    # Problem.__str__ without the place, which has its own column here.
    text = problem.message
    if problem.value is not None:
        text += f" (found {problem.value!r})"
    if problem.expected:
        text += f"; expected {problem.expected}"
    return text


def violations_table(violations: Sequence[ViolationLike], title: str = "Violations") -> Table:
    """Every rule a result breaks, one row each: where, which rule, and the numbers."""
    table = _table(f"{title} ({len(violations)})")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Place", style="cyan", overflow="fold")
    table.add_column("Rule", style="bold")
    table.add_column("Message", ratio=1)
    for number, violation in enumerate(violations, start=1):
        table.add_row(
            str(number),
            Text(violation.place() or "-"),
            Text(violation.rule),
            Text(violation.message),
        )
    return table
