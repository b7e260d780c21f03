"""How far the serve stage's master LP gets with unlimited column generation, round by round.

Run by hand (not part of ``make test``)::

    .venv/bin/python benchmarks/serve_lp_convergence.py L --minutes 20

It starts as `parcelkit.plan` does (greedy start, seed patterns, the master
LP) and runs the serve stage's column generation (`_generate`, 400 pricing
solves a call) until no pattern with a positive reduced cost is left or the
time is up, printing the LP's value, its bound and the elapsed time after
each call. The converged value bounds the parcels any plan serves; compare it
with what ``benchmarks/season_plan.py`` serves in the time limit.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from highs_master import bare_season
from season_instances import make_instance

from parcelkit.solve.leximin import fairness_rows
from parcelkit.solve.season import _generate, master_lp
from parcelkit.solve.season_start import begin, seed_pools

SOLVES_PER_CALL = 400


def main(argv: Sequence[str] | None = None) -> None:
    """Print the serve LP's progress for one size until it converges or time is up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=("S", "M", "L", "XL"))
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    catalog, requests = make_instance(args.size, args.seed)
    start = time.perf_counter()
    season = bare_season(catalog, requests, time_limit=args.minutes * 60)
    begun = begin(season)
    print(f"greedy start: {begun.answer.parcels(season):,} parcels")
    seed_pools(season)
    lp = master_lp(season, fairness_rows("maxmin_share", begun.reach))
    lp.set_stage("serve")
    while True:
        bound, _ = _generate(season, lp, "serve", SOLVES_PER_CALL, season.deadline)
        duals = lp.solve()
        elapsed = time.perf_counter() - start
        value = None if duals is None else duals.objective
        print(f"{elapsed:7.1f} s  LP {value:,.0f}  bound {bound:,.0f}" if value else "LP failed")
        if duals is None or bound is None or elapsed > args.minutes * 60 - 5:
            break
        if bound - duals.objective < 1:
            print("converged")
            break


if __name__ == "__main__":
    main()
