"""Why a request cannot be served, in words, with the smallest change that works.

Two layers:

- `precheck`: arithmetic that proves infeasibility without a solver (a
  required category with no eligible product, no usable packaging, stock that
  cannot fill the parcels asked).
- `explain`: the solver-based part. For a tier whose single parcel is
  impossible, every rule gets a literal (`parcel.Guards`); relaxing one rule at a
  time finds the rules whose change alone makes a parcel possible, and a small
  solve finds the smallest new value. When single parcels are possible but the
  whole order is not (stock shared across parcels, ``min_order``), the most
  parcels the stock serves is computed instead.

Every suggestion is applied to the request and checked once more before it
is offered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal

from ortools.sat.python import cp_model

from parcelkit.models import Catalog, Packaging, Product, Request, Rules, Suggestion, Tier
from parcelkit.models.money import rupiah
from parcelkit.solve.eligibility import product_exclusion
from parcelkit.solve.parcel import Composition, Guards, TierSpec, add_composition
from parcelkit.solve.quote_model import build_quote_model
from parcelkit.solve.stages import ESCALATION, Limits, parameters

PROOF_ESCALATIONS = 2
"""Times `_proven_impossible` raises its work before it gives up on a tier."""

RULE_WORDS = {
    "halal_only": "halal_only (non-halal food)",
    "exclude_tags": "exclude_tags",
    "min_shelf_life_days": "min_shelf_life_days",
    "stock": "no stock left",
    "min_order": "a min_order this order cannot reach",
}


@dataclass
class Diagnosis:
    """Reasons in words and the machine-readable suggestions that go with them."""

    reasons: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reasons)

    def verified(
        self, request: Request, check: Callable[[Request], bool], pool: Executor | None = None
    ) -> None:
        """Keep only suggestions that, applied to ``request``, make it servable.

        A single parcel's numbers can be too optimistic for the whole order
        (stock shared by many parcels); a numeric suggestion that fails is moved
        in its easy direction to the nearest value that works, by bisection.
        With ``pool`` the suggestions are first checked side by side (each
        check is a solve bounded by its own work, so the outcome is the same).
        """
        applies = (pool.map if pool else map)(
            lambda suggestion: _applies(request, suggestion, check), self.suggestions
        )
        kept = []
        for suggestion, works in zip(self.suggestions, list(applies), strict=True):
            if works:
                kept.append(suggestion)
                continue
            moved = _nearest_working(request, suggestion, check)
            if moved is not None:
                kept.append(moved)
        self.suggestions = kept


def precheck(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    stock: Mapping[str, int],
) -> Diagnosis:
    """Infeasibility that arithmetic alone proves, explained; empty when none is found."""
    found = Diagnosis()
    for tier in request.tiers:
        spec = specs[tier.name]
        before = len(found.reasons)
        _check_categories(catalog, tier, spec, stock, found)
        _check_packaging(catalog, tier, spec, stock, found)
        if len(found.reasons) == before:  # stock matters only once something qualifies
            _check_stock(tier, spec, stock, found)
    return found


def _check_categories(
    catalog: Catalog,
    tier: Tier,
    spec: TierSpec,
    stock: Mapping[str, int],
    found: Diagnosis,
) -> None:
    for category, (low, high) in sorted(spec.rules.categories.items()):
        if low == 0:
            continue
        eligible = [p for p in spec.products if p.category == category]
        if eligible:
            continue
        in_category = [p for p in catalog.products if p.category == category]
        why: dict[str, list[Product]] = {}
        for product in in_category:
            rule = product_exclusion(product, spec.rules, stock[product.sku]) or (
                "budget" if product.price > _room(spec) else "min_order"
            )
            why.setdefault(rule, []).append(product)
        if "budget" in why:
            # The budget is what to change, and by how much only a whole parcel
            # says: the solver-based explanation prices the cheapest valid one.
            continue
        listed = ", ".join(
            f"{len(products)} by {RULE_WORDS.get(rule, rule)}"
            + (
                " (" + ", ".join(f"{p.name} needs {p.min_order}" for p in products[:4]) + ")"
                if rule == "min_order"
                else ""
            )
            for rule, products in sorted(why.items())
        )
        found.reasons.append(
            f"Tier '{tier.name}': category '{category}' needs at least {low} unit(s) per parcel, "
            f"but none of its {len(in_category)} products qualifies ({listed})."
        )
        categories = dict(spec.rules.categories)
        categories[category] = (0, high)
        found.suggestions.append(
            Suggestion(
                rule="categories",
                tier=tier.name,
                value={k: list(v) for k, v in sorted(categories.items())},
                message=f"drop the minimum of category '{category}' in tier '{tier.name}'",
            )
        )
        if set(why) == {"min_shelf_life_days"}:
            longest = max(p.shelf_life_days or 0 for p in why["min_shelf_life_days"])
            found.suggestions.append(
                Suggestion(
                    rule="min_shelf_life_days",
                    tier=tier.name,
                    value=longest,
                    message=f"accept products that keep {longest} days",
                )
            )
        if set(why) == {"exclude_tags"}:
            found.suggestions.append(
                Suggestion(
                    rule="exclude_tags",
                    tier=tier.name,
                    value=[],
                    message=f"stop excluding {', '.join(spec.rules.exclude_tags)}",
                )
            )


def _room(spec: TierSpec) -> int:
    """What one parcel's budget leaves for items, next to the fees and the cheapest box."""
    cheapest_box = min((p.price for p in spec.packaging), default=0)
    return spec.budget - spec.fees - cheapest_box


def _check_packaging(
    catalog: Catalog, tier: Tier, spec: TierSpec, stock: Mapping[str, int], found: Diagnosis
) -> None:
    if spec.packaging:
        return
    allowed = spec.rules.packaging or tuple(p.id for p in catalog.packaging)
    usable = [p.id for p in catalog.packaging if stock[p.id] > 0]
    found.reasons.append(
        f"Tier '{tier.name}': no packaging is available: allowed {', '.join(allowed) or 'none'}, "
        f"and none of them has stock left."
    )
    if usable:
        found.suggestions.append(
            Suggestion(
                rule="packaging",
                tier=tier.name,
                value=usable,
                message="allow packaging that has stock: " + ", ".join(usable),
            )
        )


def _check_stock(tier: Tier, spec: TierSpec, stock: Mapping[str, int], found: Diagnosis) -> None:
    if not spec.packaging or not spec.products:
        return
    limits: list[tuple[int, str]] = []
    boxes = sum(stock[p.id] for p in spec.packaging)
    limits.append((boxes, f"packaging ({', '.join(p.id for p in spec.packaging)})"))
    units = sum(stock[p.sku] for p in spec.products)
    if spec.rules.min_items > 0:
        limits.append((units // spec.rules.min_items, f"eligible products ({units} units)"))
    for category, (low, _high) in sorted(spec.rules.categories.items()):
        if low == 0:
            continue
        have = sum(stock[p.sku] for p in spec.products if p.category == category)
        if have == 0:  # nothing the budget affords: not a stock question (see above)
            return
        limits.append((have // low, f"category '{category}' ({have} units)"))
    served, what = min(limits)
    if served >= tier.parcels:
        return
    found.reasons.append(
        f"Tier '{tier.name}': stock serves at most {served} of the {tier.parcels} parcels asked; "
        f"{what} run out."
    )
    if served > 0:
        found.suggestions.append(
            Suggestion(
                rule="parcels",
                tier=tier.name,
                value=served,
                message=f"order {served} parcels in tier '{tier.name}'",
            )
        )


# -- solver-based explanation -------------------------------------------------

SINGLE_RULES = (
    "budget",
    "min_budget_use",
    "min_items",
    "max_items",
    "max_same_product",
    "max_items_per_producer",
    "capacity",
    "weight",
    "packaging",
    "halal_only",
    "exclude_tags",
    "min_shelf_life_days",
)


def explain(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    stock: Mapping[str, int],
    ordered: Mapping[str, int],
    limits: Limits,
    pool: Executor | None = None,
) -> Diagnosis:
    """Explain an infeasible request found by the solver (see the module docstring).

    The suggestions are not checked here: `Diagnosis.verified` does that. With
    ``pool`` the tiers are proven impossible (or not) side by side, and then a
    tier's relaxations, each on a copy of its model; each solve is bounded by
    its own work, so the reasons are the same.
    """
    found = Diagnosis()
    relaxed = [_relaxed_model(catalog, specs[tier.name], stock) for tier in request.tiers]
    impossible = list(
        (pool.map if pool else map)(
            lambda r: _proven_impossible(r, sorted(r.guards.literals), limits), relaxed
        )
    )
    for tier, model, proven in zip(request.tiers, relaxed, impossible, strict=True):
        if proven:  # else a valid parcel exists, or none is ruled out: not to blame
            _explain_tier(catalog, tier, specs[tier.name], model, limits, found, pool)
    if not found:
        _explain_order(catalog, request, specs, stock, ordered, limits, found)
    return found


@dataclass
class _Relaxed:
    """A single-parcel model where any rule may be switched off."""

    model: cp_model.CpModel
    composition: Composition
    guards: Guards
    spec: TierSpec


def _relaxed_model(catalog: Catalog, spec: TierSpec, stock: Mapping[str, int]) -> _Relaxed:
    products = tuple(p for p in catalog.products if stock[p.sku] > 0)
    packaging = tuple(p for p in catalog.packaging if stock[p.id] > 0)
    deep = max(spec.rules.max_same_product, spec.rules.max_items)
    wide = TierSpec(
        rules=spec.rules,
        budget=spec.budget,
        fees=spec.fees,
        products=products,
        packaging=packaging,
        max_same={p.sku: min(deep, stock[p.sku]) for p in products},
    )
    model = cp_model.CpModel()
    guards = Guards({rule: model.new_bool_var(f"keep:{rule}") for rule in SINGLE_RULES})
    for category in wide.rules.categories:
        for end in ("min", "max"):
            key = f"categories:{category}:{end}"
            guards.literals[key] = model.new_bool_var(f"keep:{key}")
    composition = add_composition(model, wide, "diagnose", guards=guards)
    for product in products:
        rule = product_exclusion(product, spec.rules, stock[product.sku])
        if rule is not None:
            model.add(composition.qty[product.sku] == 0).only_enforce_if(guards.literals[rule])
    allowed = spec.rules.packaging
    for package in packaging:
        if allowed is not None and package.id not in allowed:
            model.add(composition.packaging[package.id] == 0).only_enforce_if(
                guards.literals["packaging"]
            )
    return _Relaxed(model, composition, guards, wide)


def _explain_tier(
    catalog: Catalog,
    tier: Tier,
    spec: TierSpec,
    relaxed: _Relaxed,
    limits: Limits,
    found: Diagnosis,
    pool: Executor | None = None,
) -> None:
    """Reasons and suggestions for a tier proven impossible: each rule whose
    relaxation alone allows a parcel, with the least change that does."""
    keys = sorted(relaxed.guards.literals)

    def relax(key: str) -> tuple[_Relaxed, cp_model.CpSolver | None]:
        own = replace(relaxed, model=relaxed.model.clone()) if pool else relaxed
        return own, _solve_keeping(own, [k for k in keys if k != key], limits, focus=key)

    fixes: list[str] = []
    relaxations = list((pool.map if pool else map)(relax, keys))
    for key, (own, solver) in zip(keys, relaxations, strict=True):
        if solver is None:
            continue
        fixes.append(key)
        reason, suggestion = _describe(catalog, _read(own, solver, tier, spec, key))
        found.reasons.append(reason)
        found.suggestions.append(suggestion)
    if not fixes:
        found.reasons.append(
            f"Tier '{tier.name}': no single parcel satisfies the rules together, and no one rule "
            f"alone is to blame; relax several (budget {rupiah(tier.budget)}, "
            f"{spec.rules.min_items}-{spec.rules.max_items} items, categories "
            f"{_categories_text(spec)})."
        )


def _proven_impossible(relaxed: _Relaxed, keys: list[str], limits: Limits) -> bool:
    """Whether CP-SAT proves that no single parcel keeps every rule in ``keys``.

    The search gets more work (`ESCALATION` times, up to `PROOF_ESCALATIONS`
    times) while it neither finds a parcel nor proves there is none: a tier
    whose feasibility was only not shown in time must not be blamed (a
    Rp500.000 manager tier needed 0.72 deterministic seconds, more than a
    stage's 0.4, and its relaxations then gave reasons that made no sense).
    """
    model = _keeping_only(relaxed, keys)
    for _ in range(PROOF_ESCALATIONS + 1):
        code = parameters(limits).solve(model)
        if code != cp_model.UNKNOWN or limits.remaining() <= 0:
            break
        limits = replace(limits, work_per_stage=limits.work_per_stage * ESCALATION)
    return bool(code == cp_model.INFEASIBLE)


def _solve_keeping(
    relaxed: _Relaxed, kept: list[str], limits: Limits, focus: str | None = None
) -> cp_model.CpSolver | None:
    """Solve with only ``kept`` rules enforced; with ``focus`` relaxed, minimize its change."""
    model = _keeping_only(relaxed, kept)
    objective = _change_objective(relaxed, focus) if focus else None
    if objective is not None:
        expression, maximize = objective
        if maximize:
            model.maximize(expression)
        else:
            model.minimize(expression)
    solver = parameters(limits)
    code = solver.solve(model)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver
    return None


def _keeping_only(relaxed: _Relaxed, kept: list[str]) -> cp_model.CpModel:
    """The relaxed model with only the ``kept`` rules enforced and no objective."""
    model = relaxed.model
    model.clear_assumptions()
    model.add_assumptions([relaxed.guards.literals[k] for k in kept])
    model.clear_objective()  # type: ignore[no-untyped-call]
    return model


def _change_objective(relaxed: _Relaxed, key: str) -> tuple[cp_model.LinearExprT, bool] | None:
    c = relaxed.composition
    units = cp_model.LinearExpr.sum(list(c.qty.values()))
    if key == "budget":
        return c.price, False
    if key == "min_budget_use":
        return c.price, True
    if key == "max_items":
        return units, False
    if key == "min_items":
        return units, True
    if key.startswith("categories:"):
        _, category, end = key.split(":")
        in_category = cp_model.LinearExpr.sum(
            [c.qty[p.sku] for p in relaxed.spec.products if p.category == category]
        )
        return in_category, end == "min"
    return None


@dataclass(frozen=True)
class _Relaxation:
    """A parcel that is valid once rule ``key`` is relaxed, read back as plain numbers."""

    tier: Tier
    spec: TierSpec
    key: str
    price: int
    qty: dict[str, int]
    """Units per sku in the parcel (only skus it holds)."""
    products: dict[str, Product]
    package: Packaging

    @property
    def units(self) -> int:
        """Product units in the parcel."""
        return sum(self.qty.values())

    def suggest(self, rule: str, value: object, message: str) -> Suggestion:
        """A suggestion for this tier."""
        return Suggestion(rule=rule, tier=self.tier.name, value=value, message=message)


def _read(
    relaxed: _Relaxed, solver: cp_model.CpSolver, tier: Tier, spec: TierSpec, key: str
) -> _Relaxation:
    c = relaxed.composition
    qty = {sku: int(solver.value(q)) for sku, q in c.qty.items()}
    products = {p.sku: p for p in relaxed.spec.products if qty[p.sku] > 0}
    package = next(p for p in relaxed.spec.packaging if solver.boolean_value(c.packaging[p.id]))
    return _Relaxation(
        tier=tier,
        spec=spec,
        key=key,
        price=int(solver.value(c.price)),
        qty={sku: q for sku, q in qty.items() if q > 0},
        products=products,
        package=package,
    )


def _describe(catalog: Catalog, r: _Relaxation) -> tuple[str, Suggestion]:
    """The reason and the suggestion for a tier that rule ``r.key`` alone makes impossible."""
    if r.key.startswith("categories:"):
        return _describe_category(r)
    if r.key in ("capacity", "weight", "packaging"):
        return _describe_packaging(catalog, r)
    return _DESCRIBERS[r.key](r)


def _describe_budget(r: _Relaxation) -> tuple[str, Suggestion]:
    extra = r.price - r.tier.budget
    return (
        f"Tier '{r.tier.name}': the cheapest valid parcel costs {rupiah(r.price)}, "
        f"{rupiah(extra)} over the budget of {rupiah(r.tier.budget)} (items, packaging "
        f"{rupiah(r.package.price)} and fees {rupiah(r.spec.fees)} per parcel).",
        r.suggest("budget", r.price, f"raise the budget to {rupiah(r.price)}"),
    )


def _describe_budget_use(r: _Relaxation) -> tuple[str, Suggestion]:
    rules = r.spec.rules
    share = (Decimal(r.price) / Decimal(r.tier.budget)).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )
    return (
        f"Tier '{r.tier.name}': the richest valid parcel reaches only {rupiah(r.price)} within "
        f"{rules.max_items} items, below min_budget_use {rules.min_budget_use} of the budget "
        f"({rupiah(r.spec.price_low)}).",
        r.suggest("min_budget_use", float(share), f"lower min_budget_use to {share}"),
    )


def _describe_item_count(r: _Relaxation) -> tuple[str, Suggestion]:
    limit = getattr(r.spec.rules, r.key)
    return (
        f"Tier '{r.tier.name}': a valid parcel needs {r.units} items, but {r.key} is {limit}.",
        r.suggest(r.key, r.units, f"set {r.key} to {r.units}"),
    )


def _describe_category(r: _Relaxation) -> tuple[str, Suggestion]:
    _, category, end = r.key.split(":")
    count = sum(q for sku, q in r.qty.items() if r.products[sku].category == category)
    low, high = r.spec.rules.categories[category]
    new = (count, high) if end == "min" else (low, count)
    categories = {k: list(v) for k, v in sorted(r.spec.rules.categories.items())}
    categories[category] = list(new)
    return (
        f"Tier '{r.tier.name}': category '{category}' asks for {low}-{high} units, but a valid "
        f"parcel can hold {count}.",
        r.suggest("categories", categories, f"allow {new[0]}-{new[1]} units of '{category}'"),
    )


def _describe_packaging(catalog: Catalog, r: _Relaxation) -> tuple[str, Suggestion]:
    volume = sum(q * r.products[sku].volume_ml for sku, q in r.qty.items())
    weight = sum(q * r.products[sku].weight_g for sku, q in r.qty.items())
    fitting = [
        p.id
        for p in catalog.packaging
        if p.capacity_ml >= volume and p.max_weight_g >= weight and p.stock > 0
    ]
    given = r.spec.rules.packaging or [p.id for p in r.spec.packaging]
    return (
        f"Tier '{r.tier.name}': the smallest valid parcel takes {volume} ml and {weight} g, more "
        f"than the allowed packaging holds.",
        r.suggest(
            "packaging",
            sorted(set(given) | set(fitting)),
            "allow packaging " + ", ".join(fitting or [r.package.id]),
        ),
    )


def _describe_same_product(r: _Relaxation) -> tuple[str, Suggestion]:
    most = max(r.qty.values())
    return (
        f"Tier '{r.tier.name}': a valid parcel needs {most} units of one product, but "
        f"max_same_product is {r.spec.rules.max_same_product}.",
        r.suggest("max_same_product", most, f"allow {most}"),
    )


def _describe_per_producer(r: _Relaxation) -> tuple[str, Suggestion]:
    per: dict[str, int] = {}
    for sku, q in r.qty.items():
        producer = r.products[sku].producer_id
        per[producer] = per.get(producer, 0) + q
    most = max(per.values())
    return (
        f"Tier '{r.tier.name}': a valid parcel needs {most} items from one producer, but "
        f"max_items_per_producer is {r.spec.rules.max_items_per_producer}.",
        r.suggest("max_items_per_producer", most, f"allow {most}"),
    )


def _describe_exclusion(r: _Relaxation) -> tuple[str, Suggestion]:
    rules = r.spec.rules
    blocked = [p for p in r.products.values() if product_exclusion(p, rules, 1) == r.key]
    names = ", ".join(p.name for p in blocked) or "some products"
    value: object
    if r.key == "halal_only":
        value = False
    elif r.key == "exclude_tags":
        tags = {t for p in blocked for t in p.tags}
        value = [t for t in rules.exclude_tags if t not in tags]
    else:
        value = min((p.shelf_life_days or 0) for p in blocked) if blocked else 0
    return (
        f"Tier '{r.tier.name}': no valid parcel exists without products that {r.key} excludes "
        f"({names}).",
        r.suggest(r.key, value, f"set {r.key} to {value}"),
    )


_DESCRIBERS: dict[str, Callable[[_Relaxation], tuple[str, Suggestion]]] = {
    "budget": _describe_budget,
    "min_budget_use": _describe_budget_use,
    "min_items": _describe_item_count,
    "max_items": _describe_item_count,
    "max_same_product": _describe_same_product,
    "max_items_per_producer": _describe_per_producer,
    "halal_only": _describe_exclusion,
    "exclude_tags": _describe_exclusion,
    "min_shelf_life_days": _describe_exclusion,
}
"""Rule key -> the function that explains it (categories and packaging apart)."""


def _explain_order(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    stock: Mapping[str, int],
    ordered: Mapping[str, int],
    limits: Limits,
    found: Diagnosis,
) -> None:
    """Single parcels work but the whole order does not: stock or min_order is short."""
    loose = build_quote_model(catalog, request, specs, stock, ordered, min_order=False)
    if _feasible(loose.model, limits):
        _explain_min_order(catalog, request, specs, stock, ordered, found)
        return
    flexible = build_quote_model(catalog, request, specs, stock, ordered, flexible=True)
    flexible.model.maximize(cp_model.LinearExpr.sum([t.served for t in flexible.tiers]))
    solver = parameters(limits)
    if solver.solve(flexible.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found.reasons.append(
            "Each parcel can be made on its own, but the stock cannot fill the order together."
        )
        return
    for slots in flexible.tiers:
        served = int(solver.value(slots.served))
        if served >= slots.tier.parcels:
            continue
        short = _shortest_goods(slots.spec, stock)
        found.reasons.append(
            f"Tier '{slots.tier.name}': stock serves only {served} of the "
            f"{slots.tier.parcels} parcels asked, with the other tiers served too; "
            f"{short} run out first."
        )
        if served > 0:
            found.suggestions.append(
                Suggestion(
                    rule="parcels",
                    tier=slots.tier.name,
                    value=served,
                    message=f"order {served} parcels in tier '{slots.tier.name}'",
                )
            )


def _explain_min_order(
    catalog: Catalog,
    request: Request,
    specs: Mapping[str, TierSpec],
    stock: Mapping[str, int],
    ordered: Mapping[str, int],
    found: Diagnosis,
) -> None:
    usable = {p.sku for spec in specs.values() for p in spec.products}
    blocking = [
        p for p in catalog.products if p.sku in usable and p.min_order - ordered.get(p.sku, 0) > 1
    ]
    listed = ", ".join(
        f"{p.name} (min_order {p.min_order}, {stock[p.sku]} in stock)" for p in blocking[:6]
    )
    parcels = sum(t.parcels for t in request.tiers)
    found.reasons.append(
        f"The order of {parcels} parcels is too small for the producers' smallest runs "
        f"(min_order): {listed or 'the products it needs'}. Without min_order it could be served."
    )


def _feasible(model: cp_model.CpModel, limits: Limits) -> bool:
    return parameters(limits).solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _shortest_goods(spec: TierSpec, stock: Mapping[str, int]) -> str:
    boxes = sum(stock[p.id] for p in spec.packaging)
    units = sum(stock[p.sku] for p in spec.products)
    return f"the eligible products ({units} units) or packaging ({boxes} boxes)"


def _categories_text(spec: TierSpec) -> str:
    if not spec.rules.categories:
        return "none"
    return ", ".join(f"{k} {a}-{b}" for k, (a, b) in sorted(spec.rules.categories.items()))


# rule -> (scale of the searched integer, direction in which the rule gets easier)
_SEARCHABLE: dict[str, tuple[int, int]] = {
    "min_budget_use": (100, -1),
    "budget": (1, +1),
    "parcels": (1, -1),
    "max_items": (1, +1),
    "min_items": (1, -1),
}


def _nearest_working(
    request: Request, suggestion: Suggestion, check: Callable[[Request], bool]
) -> Suggestion | None:
    """The value nearest ``suggestion``'s, in the rule's easy direction, that works."""
    if suggestion.rule not in _SEARCHABLE:
        return None
    scale, direction = _SEARCHABLE[suggestion.rule]
    start = round(Decimal(str(suggestion.value)) * scale)
    far = (
        (1 if suggestion.rule == "parcels" else 0) if direction < 0 else max(start * 4, start + 30)
    )

    def make(step: int) -> Suggestion:
        value: float | int = step / scale if scale != 1 else step
        return suggestion.model_copy(
            update={"value": value, "message": f"set {suggestion.rule} to {value}"}
        )

    if not _applies(request, make(far), check):
        return None
    failing, working = start, far
    while abs(working - failing) > 1:
        middle = (failing + working) // 2
        if _applies(request, make(middle), check):
            working = middle
        else:
            failing = middle
    return make(working)


def _applies(request: Request, suggestion: Suggestion, check: Callable[[Request], bool]) -> bool:
    try:
        changed = apply(request, suggestion)
    except ValueError:  # pydantic's ValidationError too: the change breaks a rule's range
        return False
    return check(changed)


def apply(request: Request, suggestion: Suggestion) -> Request:
    """The request with ``suggestion`` applied to its tier (or to every tier)."""
    tiers = []
    for tier in request.tiers:
        if suggestion.tier not in (None, tier.name):
            tiers.append(tier)
            continue
        if suggestion.rule == "budget":
            tiers.append(tier.model_copy(update={"budget": int(suggestion.value)}))
        elif suggestion.rule == "parcels":
            tiers.append(tier.model_copy(update={"parcels": int(suggestion.value)}))
        else:
            given = tier.rules.model_dump(exclude_none=True)
            given[suggestion.rule] = suggestion.value
            tiers.append(tier.model_copy(update={"rules": Rules.model_validate(given)}))
    data = request.model_dump()
    data["tiers"] = [t.model_dump() for t in tiers]
    return Request.model_validate(data)


__all__ = ["Diagnosis", "apply", "explain", "precheck"]
