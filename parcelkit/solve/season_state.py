"""The season planner's state and plain data: what one call of `parcelkit.plan` works with.

`Season` holds the requests, the stock left and each tier's pattern pool;
`Answer` is a plan as chosen parcels. The helpers here (`keys_of`, `usage`,
`answer_revenue`) are shared by the stages (`parcelkit.solve.season`), the
start heuristics (`parcelkit.solve.season_start`) and the leximin rounds
(`parcelkit.solve.leximin`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final, Literal

from parcelkit.models import Catalog, Request, Tier
from parcelkit.models import effective_rules as rules_of
from parcelkit.solve.eligibility import Eligible, eligible_for
from parcelkit.solve.objectives import owners
from parcelkit.solve.parcel import ParcelContents, TierSpec
from parcelkit.solve.patterns import Pattern, pattern_of
from parcelkit.solve.quote import tier_spec
from parcelkit.solve.stages import Limits

Policy = Literal["maxmin_share", "proportional", "none"]

PRICING_WORK: Final = 0.05
"""Deterministic seconds one pricing solve may take at most."""
WALL_SHARE: Final = 0.9
"""Share of ``time_limit`` the stages may use; the rest assembles and verifies the plan."""


@dataclass(frozen=True)
class Progress:
    """What a long solve reports while it runs.

    ``phase`` is one of ``patterns``, ``serve``, ``fairness``, ``value``;
    ``incumbent`` and ``bound`` are the phase's objective so far and its proven
    bound (``None`` while unknown); ``elapsed`` is wall seconds since the start.
    """

    phase: str
    incumbent: float | None
    bound: float | None
    elapsed: float


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class TierRef:
    """One tier of a request to plan: its request's index, name, parcels and spec."""

    request: int
    name: str
    parcels: int
    spec: TierSpec


@dataclass
class Season:
    """What one call of `plan` works with."""

    catalog: Catalog
    requests: list[Request]
    """The requests to plan (fixed ones left out), in arrival order."""
    left: dict[str, int]
    ordered: dict[str, int]
    policy: Policy
    max_share: Fraction | None
    time_limit: float
    seed: int
    workers: int
    progress: ProgressCallback | None
    floor: float | None = None
    """A hard floor on every eligible producer's revenue / reachable, if asked."""
    base: dict[str, int] = field(default_factory=dict)
    """Producer -> revenue the fixed quotes already pay."""
    started: float = field(default_factory=time.monotonic)
    wall_stopped: bool = False
    spent: float = 0.0
    """Work done so far in estimated seconds, counted deterministically: column
    generation's pricing solves (LP work included) and CP-SAT's deterministic time.
    Decisions that would otherwise read the clock read this, so that they do not
    depend on the machine's speed."""
    best: Answer | None = None
    """The best plan so far, for an interrupted search."""
    empty_classes: set[int] = field(default_factory=set)
    """Tier classes proven to have no valid parcel (`season_start.prove_unservable`)."""
    unservable: set[int] = field(default_factory=set)
    """Requests with a tier in an empty class: no plan serves them."""

    def __post_init__(self) -> None:
        self.owner = owners(self.catalog)
        specs = SpecCache(self.catalog, self.left)
        self.tiers = [
            TierRef(r, tier.name, tier.parcels, specs.of(request, tier))
            for r, request in enumerate(self.requests)
            for tier in request.tiers
        ]
        self.specs = specs
        self.tiers_of: dict[int, list[int]] = {}
        for t, ref in enumerate(self.tiers):
            self.tiers_of.setdefault(ref.request, []).append(t)
        self.pool: list[dict[tuple[object, ...], Pattern]] = [{} for _ in self.tiers]
        self.class_of = _classes(self.tiers)
        # the last tenth is left for assembling and verifying the plan
        self.deadline = self.started + WALL_SHARE * self.time_limit

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def report(self, phase: str, incumbent: float | None, bound: float | None) -> None:
        if self.progress is not None:
            self.progress(Progress(phase, incumbent, bound, round(self.elapsed(), 3)))

    def limits(self, work: float) -> Limits:
        return Limits(
            work_per_stage=work, deadline=self.deadline, seed=self.seed, workers=self.workers
        )

    def newest(self, t: int) -> Pattern:
        """The pattern last added to tier ``t``'s pool."""
        return next(reversed(self.pool[t].values()))

    def offer(self, t: int, contents: ParcelContents) -> bool:
        """Add a parcel to tier ``t``'s pool; False when it was there already."""
        pattern = pattern_of(self.tiers[t].spec, contents, self.owner)
        key = (pattern.package, pattern.items)
        if key in self.pool[t]:
            return False
        self.pool[t][key] = pattern
        return True


@dataclass
class SpecCache:
    """Tier specs against one stock, shared by tiers with the same rules, budget and fees.

    Building a spec scans the catalog; a season of 5,000 requests has far
    fewer distinct (rules, budget, fees) than tiers.
    """

    catalog: Catalog
    stock: Mapping[str, int]
    specs: dict[tuple[str, int, int], TierSpec] = field(default_factory=dict)
    eligible: dict[tuple[object, ...], Eligible] = field(default_factory=dict)
    """What the per-product rules let in, shared by tiers with the same such rules."""

    def of(self, request: Request, tier: Tier) -> TierSpec:
        rules = rules_of(request, tier)
        key = (rules.model_dump_json(), tier.budget, request.fees.per_parcel)
        if key not in self.specs:
            filters = (
                rules.halal_only,
                tuple(sorted(rules.exclude_tags)),
                rules.min_shelf_life_days,
                rules.packaging,
            )
            if filters not in self.eligible:
                self.eligible[filters] = eligible_for(self.catalog, rules, self.stock)
            self.specs[key] = tier_spec(
                self.catalog, request, tier, self.stock, self.eligible[filters]
            )
        return self.specs[key]


def _classes(tiers: Sequence[TierRef]) -> list[int]:
    """Tier -> index of its class: tiers whose specs are equal price the same patterns."""
    seen: dict[tuple[object, ...], int] = {}
    classes = []
    for ref in tiers:
        spec = ref.spec
        key = (
            spec.rules.model_dump_json(),
            spec.budget,
            spec.fees,
            tuple(sorted(spec.max_same.items())),
            tuple(p.id for p in spec.packaging),
        )
        classes.append(seen.setdefault(key, len(seen)))
    return classes


@dataclass(frozen=True)
class Answer:
    """A plan as chosen parcels: served request indexes, tier -> [(pattern, parcels)]."""

    served: tuple[int, ...]
    fills: Mapping[int, tuple[tuple[Pattern, int], ...]]

    def parcels(self, season: Season) -> int:
        return sum(season.tiers[t].parcels for r in self.served for t in season.tiers_of[r])


def keys_of(spec: TierSpec) -> list[str]:
    """The skus and packaging ids a tier's spec may use."""
    return [p.sku for p in spec.products] + [p.id for p in spec.packaging]


def usage(fills: Iterable[tuple[tuple[Pattern, int], ...]]) -> dict[str, int]:
    """Sku or packaging -> units the ``fills`` take."""
    use: dict[str, int] = {}
    for fill in fills:
        for pattern, count in fill:
            for key, units in pattern.uses:
                use[key] = use.get(key, 0) + units * count
    return use


def answer_revenue(season: Season, answer: Answer) -> dict[str, int]:
    """Producer -> revenue of ``answer``, fixed quotes included."""
    revenue: dict[str, int] = dict(season.base)
    for fill in answer.fills.values():
        for pattern, count in fill:
            for producer, amount in pattern.revenue:
                revenue[producer] = revenue.get(producer, 0) + amount * count
    return revenue
