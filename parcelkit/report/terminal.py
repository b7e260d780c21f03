"""Rich renderables for the terminal: season, quote, plan, progress, problems, violations.

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
from typing import Protocol, TypeVar

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from parcelkit.errors import Problem
from parcelkit.models import (
    Catalog,
    Fairness,
    Item,
    ProducerFigures,
    Product,
    Quote,
    Request,
    SeasonPlan,
    SolverInfo,
    Status,
    Suggestion,
    TierQuote,
)
from parcelkit.report.text import grouped, percent, rupiah

__all__ = [
    "STATUS_STYLE",
    "ViolationLike",
    "fairness_line",
    "plan_progress",
    "plan_summary",
    "problems_table",
    "progress_figures",
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


T = TypeVar("T")


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
    # Objectives are whole numbers (rupiah, parcels, weights); an LP bound may
    # have a fraction that only matters when the figure is small.
    if value is None:
        return "-"
    if float(value).is_integer() or abs(value) >= 1000:
        return grouped(int(value))
    return f"{value:.4g}"


# --------------------------------------------------------------------------- plan

PRODUCER_ROWS = 20
"""How many producers a plan summary lists before it leaves out the middle ones."""

UNSERVED_ROWS = 30
"""How many unserved requests a plan summary lists before it stops."""


def plan_summary(
    plan: SeasonPlan,
    catalog: Catalog,
    requests: Sequence[Request] = (),
    *,
    max_producers: int = PRODUCER_ROWS,
) -> Panel:
    """A season plan as the program reads it: who is served, who earns what, how evenly.

    The head gives the status, the requests and parcels served and not served,
    and the value of the served quotes; then the unserved requests with what
    ran out, the producers by revenue (over ``max_producers`` of them, the top
    and the bottom earners, the middle counted; ineligible producers apart,
    with the reason), the fairness metrics and the solver's stages. The plan
    does not hold the parcels or company of a request it leaves unserved:
    ``requests`` (the season's) adds them when given.
    """
    by_id = {request.id: request for request in requests}
    parts: list[RenderableType] = [_plan_overview(plan, by_id)]
    if plan.unserved:
        parts += [Text(), _unserved_table(plan, by_id)]
    if plan.producers:
        parts += [Text(), _plan_producers_table(plan, catalog, max_producers)]
    if plan.fairness.ineligible:
        parts += [Text(), _ineligible_table(plan, catalog, max(max_producers // 2, 1))]
    parts += [Text(), fairness_line(plan.fairness), Text(), solver_summary(plan.solver)]
    title = "Season plan" + (f": {catalog.season}" if catalog.season else "")
    return Panel(
        Group(*parts),
        title=Text(title, style="bold"),
        border_style=STATUS_STYLE.get(plan.status, ""),
    )


def _plan_overview(plan: SeasonPlan, requests: dict[str, Request]) -> Table:
    overview = Table.grid(padding=(0, 2))
    overview.add_column(style="bold")
    overview.add_column()
    overview.add_row("Status", status_text(plan.status))
    asked = len(plan.quotes) + len(plan.unserved)
    served = f"{grouped(len(plan.quotes))} of {grouped(asked)} served"
    if plan.unserved:
        served += f", {grouped(len(plan.unserved))} unserved"
    overview.add_row("Requests", served)
    parcels = f"{grouped(sum(t.parcels for q in plan.quotes for t in q.tiers))} served"
    missing = [requests.get(entry.request_id) for entry in plan.unserved]
    if plan.unserved and all(r is not None for r in missing):
        left = sum(t.parcels for r in missing if r is not None for t in r.tiers)
        parcels += f", {grouped(left)} unserved"
    overview.add_row("Parcels", parcels)
    overview.add_row("Total value", Text(rupiah(sum(q.total for q in plan.quotes)), style="bold"))
    return overview


def _unserved_table(plan: SeasonPlan, requests: dict[str, Request]) -> Table:
    table = _table(f"Unserved requests ({grouped(len(plan.unserved))})")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Request", no_wrap=True)
    table.add_column("Company", ratio=1)
    table.add_column("Parcels", justify="right")
    table.add_column("Why not served", ratio=2)
    for number, entry in enumerate(plan.unserved[:UNSERVED_ROWS], start=1):
        request = requests.get(entry.request_id)
        table.add_row(
            str(number),
            Text(entry.request_id),
            Text(request.company if request else "-"),
            grouped(sum(t.parcels for t in request.tiers)) if request else "-",
            Text(entry.reason),
        )
    if len(plan.unserved) > UNSERVED_ROWS:
        more = len(plan.unserved) - UNSERVED_ROWS
        table.add_row("", Text(f"... {grouped(more)} more", style="dim"), "", "", "")
    return table


def _plan_producers_table(plan: SeasonPlan, catalog: Catalog, max_rows: int) -> Table:
    """The eligible producers by revenue, largest first, with their share and utilization.

    A long list keeps both ends, since fairness is about both: the top earners
    (how concentrated the money is) and the bottom ones (who got little or
    nothing; an eligible producer without orders is shown in yellow).
    """
    ineligible = {entry.producer_id for entry in plan.fairness.ineligible}
    revenue = sum(f.revenue for f in plan.producers)
    ranked = sorted(plan.producers, key=lambda f: (-f.revenue, f.producer_id))
    eligible = [f for f in ranked if f.producer_id not in ineligible]

    table = _table(f"Eligible producers by revenue ({grouped(len(eligible))})")
    table.add_column("#", justify="right", style="dim")
    table.add_column("Producer", min_width=10)
    table.add_column("District", style="dim")
    table.add_column("Revenue", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("Util.", justify="right", no_wrap=True)
    table.add_column("Reachable", justify="right", no_wrap=True)

    def add(rank: int, row: ProducerFigures) -> None:
        producer = catalog.producer_by_id.get(row.producer_id)
        table.add_row(
            str(rank),
            Text(producer.name if producer else row.producer_id),
            Text(producer.district if producer else ""),
            rupiah(row.revenue),
            percent(row.revenue / revenue) if revenue else "-",
            percent(row.utilization),
            rupiah(row.reachable),
            style="yellow" if not row.revenue else None,
        )

    top, hidden, bottom = _ends(list(enumerate(eligible, start=1)), max_rows)
    for rank, row in top:
        add(rank, row)
    if hidden:
        table.add_row("", Text(f"... {grouped(hidden)} more", style="dim"), *[""] * 5)
    for rank, row in bottom:
        add(rank, row)
    table.add_section()
    table.add_row(
        "",
        Text("Total", style="bold"),
        "",
        Text(rupiah(sum(f.revenue for f in eligible)), style="bold"),
        percent(sum(f.revenue for f in eligible) / revenue) if revenue else "-",
        "",
        "",
    )
    return table


def _ineligible_table(plan: SeasonPlan, catalog: Catalog, max_rows: int) -> Table:
    """The producers no request may buy from, and why (first ``max_rows`` of them)."""
    entries = plan.fairness.ineligible
    table = _table(f"Ineligible producers ({grouped(len(entries))})")
    table.add_column("Producer", min_width=10)
    table.add_column("District", style="dim")
    table.add_column("Why not eligible", ratio=1)
    shown, hidden, _ = _ends(list(entries), max_rows, keep_last=False)
    for entry in shown:
        producer = catalog.producer_by_id.get(entry.producer_id)
        table.add_row(
            Text(producer.name if producer else entry.producer_id),
            Text(producer.district if producer else ""),
            Text(entry.reason),
        )
    if hidden:
        table.add_row(Text(f"... {grouped(hidden)} more", style="dim"), "", "")
    return table


def _ends(rows: list[T], limit: int, *, keep_last: bool = True) -> tuple[list[T], int, list[T]]:
    """A long list cut to ``limit`` rows: the first ones, how many are left out, the last ones.

    With ``keep_last`` the rows kept are split between both ends (the top and
    the bottom earners); without it, only the first ones are kept.
    """
    if len(rows) <= limit:
        return rows, 0, []
    if not keep_last:
        return rows[:limit], len(rows) - limit, []
    top, bottom = (limit + 1) // 2, limit // 2
    return rows[:top], len(rows) - top - bottom, rows[len(rows) - bottom :]


def fairness_line(fairness: Fairness) -> Text:
    """The fairness metrics of a plan on one line: policy, gini, jain, coverage, ...

    Gini 0 and Jain 1 are a perfectly even spread over the eligible producers;
    coverage is the share of them that sold anything.
    """
    ineligible = len(fairness.ineligible)
    return Text.assemble(
        ("Fairness", "bold"),
        f" (policy {fairness.policy}): ",
        f"gini {fairness.gini:.3f}, jain {fairness.jain:.3f}, ",
        f"coverage {percent(fairness.coverage)}, ",
        f"min utilization {percent(fairness.min_utilization)}, ",
        f"max share {percent(fairness.max_share)}, ",
        f"{grouped(ineligible)} ineligible",
    )


# --------------------------------------------------------------------------- progress


class _ClockBar(ProgressColumn):
    """A bar of the wall time spent against the time limit (the task's total).

    Driven by the display's own clock, so it moves while the solver is busy
    between two reports.
    """

    def render(self, task: Task) -> ProgressBar:
        total = task.total or 1.0
        return ProgressBar(total=total, completed=min(task.elapsed or 0.0, total), width=30)


def plan_progress(console: Console) -> Progress:
    """A live display of a season solve: phase, incumbent and bound, time against the limit.

    Not started: the caller starts it, adds one task with ``total`` set to the
    time limit and a ``figures`` field (see `progress_figures`), and updates
    the task's description (the phase) and figures as the solver reports. It
    disappears when stopped, leaving the terminal to the summary.
    """
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", style="bold", markup=False),
        TextColumn("{task.fields[figures]}", markup=False),
        _ClockBar(),
        TimeElapsedColumn(),
        TextColumn("of {task.total:.0f} s", markup=False),
        console=console,
        transient=True,
    )


def progress_figures(incumbent: float | None, bound: float | None) -> str:
    """A phase's best objective so far and its proven bound, with the gap between them."""
    text = f"incumbent {_figure(incumbent)}, bound {_figure(bound)}"
    if incumbent is not None and bound is not None and bound != 0:
        text += f", gap {percent(abs(bound - incumbent) / abs(bound), 2)}"
    return text


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
