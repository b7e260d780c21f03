"""One parcel composition as CP-SAT variables, and the rules of a tier on it.

A composition is a packaging plus a quantity per sku. Quantities are unary:
``steps[sku][k]`` is true when the parcel holds more than ``k`` units, so a
quantity times a parcel count stays linear (see `parcelkit.solve.quote_model`).

Each rule family is one small function. Every constraint is enforced only
when the composition is *active* (a variant slot that is used), and, for
diagnosis, only while the rule's own literal holds (`Guards`): relaxing a rule
is switching its literal off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil

from ortools.sat.python import cp_model

from parcelkit.models import EffectiveRules, Packaging, Product

ParcelContents = tuple[str, dict[str, int]]
"""One parcel as plain data: a packaging id and the quantity per sku (qty > 0)."""


@dataclass(frozen=True)
class TierSpec:
    """What a composition of one tier must satisfy, as plain numbers.

    ``max_same`` is the number of unary steps per sku (its largest quantity).
    ``price_low`` and ``price_high`` bound the parcel price, fees included.
    """

    rules: EffectiveRules
    budget: int
    fees: int
    products: tuple[Product, ...]
    packaging: tuple[Packaging, ...]
    max_same: dict[str, int]

    @property
    def price_low(self) -> int:
        """The least a parcel may cost: min_budget_use x budget, rounded up exactly."""
        return ceil(Fraction(self.rules.min_budget_use) * self.budget)

    @property
    def price_high(self) -> int:
        """The most a parcel may cost: the budget."""
        return self.budget

    @property
    def spread_ratio(self) -> Fraction:
        """1 + variant_price_spread, exactly: the most one variant may cost over another."""
        return 1 + Fraction(self.rules.variant_price_spread)


@dataclass
class Guards:
    """Enforcement literals per rule key; a key not present is always enforced."""

    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)

    def of(self, rule: str, active: cp_model.IntVar) -> list[cp_model.IntVar]:
        """The literals under which ``rule`` holds for a composition gated by ``active``."""
        guard = self.literals.get(rule)
        return [active] if guard is None else [active, guard]


@dataclass
class Composition:
    """The variables of one parcel composition."""

    active: cp_model.IntVar
    steps: dict[str, list[cp_model.IntVar]]
    packaging: dict[str, cp_model.IntVar]
    qty: dict[str, cp_model.LinearExpr]
    items_price: cp_model.LinearExpr
    price: cp_model.LinearExpr
    """Items, packaging and fees (the fees only while active)."""


def add_composition(
    model: cp_model.CpModel,
    spec: TierSpec,
    name: str,
    active: cp_model.IntVar | None = None,
    guards: Guards | None = None,
) -> Composition:
    """Add a composition of ``spec``'s tier to ``model`` with all of the tier's rules."""
    guards = guards or Guards()
    if active is None:
        active = model.new_constant(1)
    steps: dict[str, list[cp_model.IntVar]] = {}
    for product in spec.products:
        chain = [
            model.new_bool_var(f"{name}:{product.sku}>{k}")
            for k in range(spec.max_same[product.sku])
        ]
        for higher, lower in zip(chain[1:], chain, strict=False):
            model.add_implication(higher, lower)
        for step in chain:
            model.add_implication(step, active)
        steps[product.sku] = chain
    packaging = {p.id: model.new_bool_var(f"{name}:pkg:{p.id}") for p in spec.packaging}
    qty = {sku: cp_model.LinearExpr.sum(chain) for sku, chain in steps.items()}
    items_price = cp_model.LinearExpr.weighted_sum(
        [qty[p.sku] for p in spec.products], [p.price for p in spec.products]
    )
    package_price = cp_model.LinearExpr.weighted_sum(
        list(packaging.values()), [p.price for p in spec.packaging]
    )
    price = items_price + package_price + spec.fees * active
    composition = Composition(active, steps, packaging, qty, items_price, price)

    model.add(cp_model.LinearExpr.sum(list(packaging.values())) == active)
    _add_budget(model, spec, composition, guards)
    _add_item_counts(model, spec, composition, guards)
    _add_categories(model, spec, composition, guards)
    _add_same_product(model, spec, composition, guards)
    _add_per_producer(model, spec, composition, guards)
    _add_capacity(model, spec, composition, guards)
    return composition


def _add_budget(model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards) -> None:
    model.add(c.price <= spec.price_high).only_enforce_if(guards.of("budget", c.active))
    model.add(c.price >= spec.price_low).only_enforce_if(guards.of("min_budget_use", c.active))


def _add_item_counts(
    model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards
) -> None:
    units = cp_model.LinearExpr.sum(list(c.qty.values()))
    model.add(units >= spec.rules.min_items).only_enforce_if(guards.of("min_items", c.active))
    model.add(units <= spec.rules.max_items).only_enforce_if(guards.of("max_items", c.active))


def _add_categories(
    model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards
) -> None:
    by_category = _group(spec.products, lambda p: p.category)
    for category, (low, high) in sorted(spec.rules.categories.items()):
        units = cp_model.LinearExpr.sum([c.qty[p.sku] for p in by_category.get(category, [])])
        model.add(units >= low).only_enforce_if(guards.of(f"categories:{category}:min", c.active))
        model.add(units <= high).only_enforce_if(guards.of(f"categories:{category}:max", c.active))


def _add_same_product(
    model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards
) -> None:
    # The unary steps already stop at max_same; they only go further when the
    # rule may be relaxed for diagnosis, and then the extra steps are guarded.
    limit = spec.rules.max_same_product
    for chain in c.steps.values():
        for step in chain[limit:]:
            model.add(step == 0).only_enforce_if(guards.of("max_same_product", c.active))


def _add_per_producer(
    model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards
) -> None:
    cap = spec.rules.max_items_per_producer
    if cap is None:
        return
    for _producer, products in sorted(_group(spec.products, lambda p: p.producer_id).items()):
        units = cp_model.LinearExpr.sum([c.qty[p.sku] for p in products])
        model.add(units <= cap).only_enforce_if(guards.of("max_items_per_producer", c.active))


def _add_capacity(model: cp_model.CpModel, spec: TierSpec, c: Composition, guards: Guards) -> None:
    volume = cp_model.LinearExpr.weighted_sum(
        [c.qty[p.sku] for p in spec.products], [p.volume_ml for p in spec.products]
    )
    weight = cp_model.LinearExpr.weighted_sum(
        [c.qty[p.sku] for p in spec.products], [p.weight_g for p in spec.products]
    )
    holds = list(c.packaging.values())
    capacity = cp_model.LinearExpr.weighted_sum(holds, [p.capacity_ml for p in spec.packaging])
    max_weight = cp_model.LinearExpr.weighted_sum(holds, [p.max_weight_g for p in spec.packaging])
    model.add(volume <= capacity).only_enforce_if(guards.of("capacity", c.active))
    model.add(weight <= max_weight).only_enforce_if(guards.of("weight", c.active))


def _group(
    products: Sequence[Product], key: Callable[[Product], str]
) -> Mapping[str, list[Product]]:
    groups: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        groups[key(product)].append(product)
    return groups
