"""Quote latency on the Karawang sample: every sample request alone, plus synthetic ones.

Run by hand (not part of ``make test``)::

    .venv/bin/python benchmarks/quote_latency.py [--synthetic 60] [--time-limit 10] [--json F]

For each request it records the wall time of `parcelkit.solve.quote` (the
solve alone, imports excluded), the status, and each stage's gap and
objective. It prints median and p95 wall time, status counts, the gaps and
what each stage reached in all (the sum over quotes: rupiah, weighted
producers, preference score; compare it between two versions on the same
requests), the quotes the wall clock stopped (their answers depend on the
machine's speed), and checks every served quote with `parcelkit.verify.check_quote`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass

from parcelkit.data import karawang_catalog, karawang_requests
from parcelkit.models import Catalog, Request, Rules, Tier
from parcelkit.solve import quote
from parcelkit.verify import check_quote

BUDGETS = (150_000, 200_000, 250_000, 300_000, 400_000, 500_000, 750_000, 1_000_000)
TIER_NAMES = ("staff", "supervisor", "manager")


@dataclass
class Row:
    """One quote's measurement."""

    request_id: str
    kind: str
    parcels: int
    tiers: int
    status: str
    wall_s: float
    gaps: dict[str, float | None]
    """Gap per stage name (value, spread, preferences)."""
    objectives: dict[str, float | None]
    """What each stage reached: rupiah, weighted producers, preference score."""
    violations: int
    deterministic: bool = True
    """False when the wall-clock cap, not the work limit, stopped a stage."""


def synthetic_requests(catalog: Catalog, count: int, seed: int = 7) -> list[Request]:
    """Requests of 50 to 3,000 parcels with 1-3 tiers, drawn from the catalog's categories."""
    rng = random.Random(seed)
    categories = [c for c in ("beverage", "cookies", "snack", "coffee") if c in catalog.categories]
    requests = []
    for index in range(count):
        tier_count = rng.choice((1, 1, 2, 2, 3))
        budgets = sorted(rng.sample(BUDGETS, tier_count))
        total = rng.choice((50, 100, 200, 300, 500, 800, 1_000, 1_500, 2_000, 3_000))
        shares = [0.7, 0.2, 0.1][:tier_count]
        tiers = []
        for position, budget in enumerate(budgets):
            parcels = max(10, round(total * shares[tier_count - 1 - position]))
            tiers.append(Tier(name=TIER_NAMES[position], parcels=parcels, budget=budget))
        required = rng.sample(categories, rng.randint(1, 2))
        requests.append(
            Request(
                id=f"SYN-{index:04d}",
                company=f"PT Sintetis {index}",
                tiers=tuple(tiers),
                rules=Rules(categories={c: (1, 2) for c in required}),
                fees={"assembly": 5_000},
            )
        )
    return requests


def measure(catalog: Catalog, request: Request, kind: str, time_limit: float) -> Row:
    """Quote one request and record what happened."""
    started = time.perf_counter()
    result = quote(catalog, request, time_limit=time_limit)
    wall = time.perf_counter() - started
    violations = len(check_quote(catalog, request, result)) if result.served else 0
    return Row(
        request_id=request.id,
        kind=kind,
        parcels=sum(t.parcels for t in request.tiers),
        tiers=len(request.tiers),
        status=result.status.value,
        wall_s=round(wall, 4),
        gaps={s.name: s.gap for s in result.solver.stages},
        objectives={s.name: s.objective for s in result.solver.stages},
        violations=violations,
        deterministic=result.solver.deterministic,
    )


def summarize(rows: list[Row]) -> str:
    """Median and p95 wall time, status counts and the gaps per stage, as plain text."""
    if not rows:
        return "quotes: 0"
    times = sorted(r.wall_s for r in rows)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    statuses = sorted(Counter(r.status for r in rows).items())
    lines = [
        f"quotes: {len(rows)}",
        f"wall time: median {statistics.median(times):.3f} s, p95 {p95:.3f} s, "
        f"max {times[-1]:.3f} s",
        "status: " + ", ".join(f"{k} {v}" for k, v in statuses),
    ]
    for stage in ("value", "spread", "preferences"):
        gaps = [r.gaps[stage] for r in rows if stage in r.gaps]
        known = sorted(g for g in gaps if g is not None)
        if not gaps:
            continue
        within = sum(1 for g in known if g <= 0.01)
        median = statistics.median(known) if known else float("nan")
        reached = sum(r.objectives[stage] or 0 for r in rows if stage in r.objectives)
        lines.append(
            f"{stage} stage: {len(gaps)} run, {within} within 1 % of the bound, "
            f"median gap {median:.4f}, no gap known {len(gaps) - len(known)}, "
            f"reached in all {reached:,.0f}"
        )
    stopped = [r.request_id for r in rows if not r.deterministic]
    lines.append(
        f"stopped by the wall clock (not reproducible): {len(stopped)}"
        + (f" ({', '.join(stopped)})" if stopped else "")
    )
    lines.append(f"violations found by verify: {sum(r.violations for r in rows)}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--json", help="write every row to this file")
    args = parser.parse_args()
    catalog = karawang_catalog()
    rows = [measure(catalog, r, "sample", args.time_limit) for r in karawang_requests()]
    rows += [
        measure(catalog, r, "synthetic", args.time_limit)
        for r in synthetic_requests(catalog, args.synthetic)
    ]
    for kind in ("sample", "synthetic"):
        print(f"== {kind}")
        print(summarize([r for r in rows if r.kind == kind]))
    print("== all")
    print(summarize(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([asdict(r) for r in rows], out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
