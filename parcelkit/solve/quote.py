"""A quote for one company: the public entry point and its steps.

1. Work out each tier's effective rules and what it may use (`eligibility`).
2. Cheap checks that prove infeasibility in words (`diagnose.precheck`).
3. The best single parcel per tier: a proven upper bound on value, and the
   first hint.
4. The quote model (`quote_model`), solved in stages (`stages`) in the
   order of the `QuoteObjective`.
5. The answer as a `Quote`, checked by `parcelkit.verify` before it is
   returned: a quote that does not verify raises `SolverError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from ortools.sat.python import cp_model

from parcelkit.errors import SolverError
from parcelkit.models import (
    Catalog,
    Item,
    ProducerSales,
    Quote,
    Request,
    SolverInfo,
    Stage,
    Status,
    Tier,
    TierQuote,
    Variant,
    effective_rules,
)
from parcelkit.solve import diagnose
from parcelkit.solve.eligibility import available_stock, eligible_for
from parcelkit.solve.objectives import (
    QuoteObjective,
    preference_term,
    producer_weights,
    spread_term,
)
from parcelkit.solve.parcel import TierSpec, add_composition
from parcelkit.solve.quote_model import QuoteModel, build_quote_model
from parcelkit.solve.stages import STATUS_MAP, Limits, StagedSolve, parameters
from parcelkit.verify import check_quote

log = logging.getLogger(__name__)

SOLVER_NAME = "parcelkit CP-SAT (variant slots, staged)"

LATER_STAGE_WORK = 0.5
"""Deterministic seconds for each stage after the first: spread and preferences refine
an answer that is already valid, and their bounds are weak, so they get a fixed,
small amount of work and report their gap honestly."""


def tier_spec(catalog: Catalog, request: Request, tier: Tier, stock: Mapping[str, int]) -> TierSpec:
    """The plain-number description of what a tier's parcels may hold."""
    rules = effective_rules(request, tier)
    eligible = eligible_for(catalog, rules, stock)
    max_same = {p.sku: min(rules.max_same_product, stock[p.sku]) for p in eligible.products}
    return TierSpec(
        rules=rules,
        budget=tier.budget,
        fees=request.fees.per_parcel,
        products=eligible.products,
        packaging=eligible.packaging,
        max_same=max_same,
    )


def quote(
    catalog: Catalog,
    request: Request,
    *,
    stock: Mapping[str, int] | None = None,
    ordered: Mapping[str, int] | None = None,
    objective: QuoteObjective | None = None,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
) -> Quote:
    """Quote ``request`` from ``catalog``: valid, well-spread parcels, or why not.

    Parameters
    ----------
    stock
        Units left per sku or packaging id, for quoting against what earlier
        orders left; ids not given keep the catalog's stock.
    ordered
        Units of each sku already ordered this season; they count toward
        ``min_order``.
    objective
        Priorities of the objective terms; default value, spread, preferences.
    time_limit
        Wall-clock cap in seconds. The search itself is bounded by
        deterministic work so the same input and seed give the same quote;
        ``solver.deterministic`` is false when this cap stopped it instead.
    seed, workers
        CP-SAT's random seed and number of workers (more than one worker
        runs interleaved, which stays deterministic).
    """
    started = time.monotonic()
    objective = objective or QuoteObjective()
    available = available_stock(catalog, stock)
    already = dict(ordered or {})
    specs = {t.name: tier_spec(catalog, request, t, available) for t in request.tiers}
    stages = len(objective.order) + 1
    limits = Limits(
        work_per_stage=max(0.05, time_limit / (2 * stages)),
        deadline=started + time_limit,
        seed=seed,
        workers=workers,
    )

    found = diagnose.precheck(catalog, request, specs, available, already)
    if found:
        found.verified(request, _checker(catalog, stock, already, limits))
        return _infeasible(request, found, started, [])

    best: dict[str, int] = {}
    parcels: dict[str, ParcelContents] = {}
    left = dict(available)
    for tier in request.tiers:
        status, price, parcel = best_parcel(specs[tier.name], limits)
        if status == Status.INFEASIBLE:
            found = diagnose.explain(
                catalog,
                request,
                specs,
                available,
                already,
                limits,
                _checker(catalog, stock, already, limits),
            )
            return _infeasible(request, found, started, [])
        if status == Status.OPTIMAL and price is not None:
            best[tier.name] = price
        if parcel is not None:
            parcels[tier.name] = _fitting_parcel(specs[tier.name], tier, parcel, left, limits)
            _take(left, tier.parcels, parcels[tier.name])

    qm = build_quote_model(catalog, request, specs, available, already, best)
    staged = StagedSolve(qm.model, limits, first_hint=_best_parcel_hint(qm, parcels))
    weights = producer_weights(catalog, stock)
    held_value = 0
    for term in objective.order:
        if term == "preferences" and not _has_preferences(request):
            continue
        if staged.solution is None and term != objective.order[0]:
            break
        if term == "value":
            expression: cp_model.LinearExprT = qm.value()
        elif term == "spread":
            reached = held_value or (
                sum(best.get(t.name, t.budget) * t.parcels for t in request.tiers)
            )
            expression = spread_term(qm, catalog, weights, reached)
        else:
            expression = preference_term(qm, catalog, request)
        first = term == objective.order[0]
        outcome = staged.run(term, expression, work=None if first else LATER_STAGE_WORK)
        if outcome.status == Status.INFEASIBLE and staged.solution is None:
            return _after_infeasible(catalog, request, specs, available, already, limits, started)
        if staged.solution is None:
            break
        reached_value = staged.value(expression)
        tolerance = float(objective.value_tolerance) if term == "value" else 0.0
        staged.hold(expression, reached_value, tolerance, maximize=True)
        if term == "value":
            held_value = reached_value

    records = [o.record() for o in staged.outcomes]
    if staged.solution is None:
        return Quote(
            request_id=request.id,
            company=request.company,
            status=Status.UNKNOWN,
            reasons=("The time limit ran out before a valid quote was found or ruled out.",),
            solver=_info(started, records, staged.deterministic),
        )
    proven = all(o.status == Status.OPTIMAL for o in staged.outcomes)
    result = Quote(
        request_id=request.id,
        company=request.company,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        tiers=tuple(_tier_quote(staged, ts.tier, ts) for ts in qm.tiers),
        solver=_info(started, records, staged.deterministic),
    )
    result = with_totals(catalog, result, request)
    _verify(catalog, request, result, stock, ordered)
    return result


def servable(
    catalog: Catalog,
    request: Request,
    *,
    stock: Mapping[str, int] | None,
    ordered: Mapping[str, int],
    limits: Limits,
) -> bool:
    """True when some valid quote for ``request`` exists (a feasibility solve, no objective)."""
    available = available_stock(catalog, stock)
    specs = {t.name: tier_spec(catalog, request, t, available) for t in request.tiers}
    if diagnose.precheck(catalog, request, specs, available, ordered):
        return False
    qm = build_quote_model(catalog, request, specs, available, ordered)
    return parameters(limits).solve(qm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _checker(
    catalog: Catalog,
    stock: Mapping[str, int] | None,
    ordered: Mapping[str, int],
    limits: Limits,
) -> Callable[[Request], bool]:
    """Whether a changed request (a suggestion applied) can be served."""

    def check(changed: Request) -> bool:
        return servable(catalog, changed, stock=stock, ordered=ordered, limits=limits)

    return check


ParcelContents = tuple[str, dict[str, int]]
"""A packaging id and the quantity per sku of one parcel."""


def best_parcel(spec: TierSpec, limits: Limits) -> tuple[Status, int | None, ParcelContents | None]:
    """The priciest single valid parcel of a tier (stock per parcel only).

    Its price bounds the tier's value per parcel; its contents, given to every
    parcel of the tier, are the first hint of the quote model.
    """
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "best")
    model.maximize(composition.price)
    solver = parameters(limits)
    status = STATUS_MAP.get(solver.solve(model), Status.UNKNOWN)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return status, None, None
    package = next(k for k, var in composition.packaging.items() if solver.boolean_value(var))
    contents = {sku: int(solver.value(q)) for sku, q in composition.qty.items()}
    return status, int(solver.value(composition.price)), (package, contents)


def _fitting_parcel(
    spec: TierSpec, tier: Tier, parcel: ParcelContents, left: Mapping[str, int], limits: Limits
) -> ParcelContents:
    """The best parcel if the stock left fills the whole tier with it; else the best that does."""
    package, contents = parcel
    if left[package] >= tier.parcels and all(
        left[sku] >= qty * tier.parcels for sku, qty in contents.items()
    ):
        return parcel
    per_parcel = {sku: min(most, left[sku] // tier.parcels) for sku, most in spec.max_same.items()}
    boxes = tuple(p for p in spec.packaging if left[p.id] >= tier.parcels)
    narrowed = replace(spec, max_same=per_parcel, packaging=boxes or spec.packaging)
    _, _, fitting = best_parcel(narrowed, limits)
    return fitting or parcel


def _take(left: dict[str, int], count: int, parcel: ParcelContents) -> None:
    package, contents = parcel
    left[package] -= count
    for sku, qty in contents.items():
        left[sku] -= qty * count


def _best_parcel_hint(
    qm: QuoteModel, parcels: Mapping[str, ParcelContents]
) -> dict[cp_model.IntVar, int]:
    """Hint: every parcel of a tier in its first slot, holding the tier's best parcel."""
    hint: dict[cp_model.IntVar, int] = {}
    for slots in qm.tiers:
        best = parcels.get(slots.tier.name)
        if best is None:
            continue
        package, contents = best
        for index, (composition, count) in enumerate(zip(slots.slots, slots.counts, strict=True)):
            first = index == 0
            hint[count] = slots.tier.parcels if first else 0
            hint[composition.active] = int(first)
            for sku, chain in composition.steps.items():
                for k, step in enumerate(chain):
                    hint[step] = int(first and contents.get(sku, 0) > k)
            for package_id, chosen in composition.packaging.items():
                hint[chosen] = int(first and package_id == package)
    return hint


def _has_preferences(request: Request) -> bool:
    likes = request.preferences
    return any(likes.categories.values()) or any(likes.skus.values())


def _tier_quote(staged: StagedSolve, tier: Tier, slots: object) -> TierQuote:
    from parcelkit.solve.quote_model import TierSlots

    assert isinstance(slots, TierSlots)
    merged: dict[tuple[str, tuple[tuple[str, int], ...]], int] = {}
    spec = slots.spec
    for composition, count_var in zip(slots.slots, slots.counts, strict=True):
        count = staged.value(count_var)
        if count == 0:
            continue
        package = next(pid for pid, chosen in composition.packaging.items() if staged.value(chosen))
        contents = tuple(
            (p.sku, staged.value(composition.qty[p.sku]))
            for p in spec.products
            if staged.value(composition.qty[p.sku]) > 0
        )
        key = (package, contents)
        merged[key] = merged.get(key, 0) + count
    prices = {p.sku: p.price for p in spec.products}
    package_price = {p.id: p.price for p in spec.packaging}
    variants = []
    for (package, contents), count in merged.items():
        items = tuple(Item(sku=sku, qty=qty, unit_price=prices[sku]) for sku, qty in contents)
        price = sum(i.qty * i.unit_price for i in items) + package_price[package] + spec.fees
        variants.append(Variant(parcels=count, packaging=package, items=items, price=price))
    variants.sort(key=lambda v: (-v.parcels, -v.price, v.packaging))
    return TierQuote(
        name=tier.name, parcels=tier.parcels, budget=tier.budget, variants=tuple(variants)
    )


def with_totals(catalog: Catalog, result: Quote, request: Request) -> Quote:
    """Fill in a quote's total and its producer figures from its variants."""
    del request
    owner = {p.sku: p.producer_id for p in catalog.products}
    owner.update({p.id: p.producer_id for p in catalog.packaging if p.producer_id})
    package_price = {p.id: p.price for p in catalog.packaging}
    units: dict[str, int] = {}
    revenue: dict[str, int] = {}
    total = 0
    for tier in result.tiers:
        for variant in tier.variants:
            total += variant.parcels * variant.price
            sold = [(i.sku, i.qty, i.unit_price) for i in variant.items]
            sold.append((variant.packaging, 1, package_price[variant.packaging]))
            for key, qty, unit_price in sold:
                producer_id = owner.get(key)
                if producer_id is None:
                    continue
                units[producer_id] = units.get(producer_id, 0) + qty * variant.parcels
                revenue[producer_id] = (
                    revenue.get(producer_id, 0) + qty * variant.parcels * unit_price
                )
    producers = tuple(
        ProducerSales(producer_id=pid, units=units[pid], revenue=revenue[pid])
        for pid in sorted(units)
    )
    return result.model_copy(update={"total": total, "producers": producers})


def _verify(
    catalog: Catalog,
    request: Request,
    result: Quote,
    stock: Mapping[str, int] | None,
    ordered: Mapping[str, int] | None,
) -> None:
    violations = check_quote(catalog, request, result, stock=stock, ordered=ordered)
    if violations:
        listed = "\n".join(f"  - {v}" for v in violations)
        raise SolverError(f"the quote for {request.id} does not verify:\n{listed}")


def _after_infeasible(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    available: Mapping[str, int],
    already: Mapping[str, int],
    limits: Limits,
    started: float,
) -> Quote:
    """Confirm a solver's "infeasible" with presolve off, then explain it."""
    qm: QuoteModel = build_quote_model(catalog, request, specs, available, already)
    solver = parameters(limits, presolve=False)
    code = solver.solve(qm.model)
    stage = Stage(name="feasibility", objective=None, bound=None, gap=None)
    if code != cp_model.INFEASIBLE:
        log.warning("request %s: infeasible not confirmed with presolve off", request.id)
        return Quote(
            request_id=request.id,
            company=request.company,
            status=Status.UNKNOWN,
            reasons=("The optimizer could not settle whether this request can be served.",),
            solver=_info(started, [stage], deterministic=True),
        )
    found = diagnose.explain(
        catalog,
        request,
        specs,
        available,
        already,
        limits,
        _checker(catalog, available, already, limits),
    )
    return _infeasible(request, found, started, [stage])


def _infeasible(
    request: Request, found: diagnose.Diagnosis, started: float, stages: list[Stage]
) -> Quote:
    return Quote(
        request_id=request.id,
        company=request.company,
        status=Status.INFEASIBLE,
        reasons=tuple(found.reasons),
        suggestions=tuple(found.suggestions),
        solver=_info(started, stages, deterministic=True),
    )


def _info(started: float, stages: list[Stage], deterministic: bool) -> SolverInfo:
    return SolverInfo(
        name=SOLVER_NAME,
        wall_time_s=round(time.monotonic() - started, 3),
        stages=tuple(stages),
        deterministic=deterministic,
    )


__all__ = ["QuoteObjective", "best_parcel", "quote", "tier_spec", "with_totals"]
