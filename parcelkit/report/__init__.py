"""Reports: rupiah formatting and the renderables the command line shows.

`parcelkit.report.text` is plain formatting (``Rp250.000``) with no
dependencies; `parcelkit.report.terminal` builds `rich` tables and panels from
the models. Reports read results, they never solve: this package imports the
models and nothing from `parcelkit.solve`.
"""

from parcelkit.report.terminal import (
    fairness_line,
    plan_progress,
    plan_summary,
    problems_table,
    progress_figures,
    quote_summary,
    season_summary,
    solver_summary,
    violations_table,
)
from parcelkit.report.text import grouped, percent, rupiah

__all__ = [
    "fairness_line",
    "grouped",
    "percent",
    "plan_progress",
    "plan_summary",
    "problems_table",
    "progress_figures",
    "quote_summary",
    "rupiah",
    "season_summary",
    "solver_summary",
    "violations_table",
]
