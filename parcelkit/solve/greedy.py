"""The greedy season planner: what a planner does by hand, fast at any size.

Requests are taken in arrival order and each tier gets one composition for all
of its parcels: the category minimums are filled with the cheapest eligible
products, then the parcel is topped up with the priciest product that still
fits, until nothing does. Packaging is tried from the cheapest allowed one in
stock upward, and the first parcel that meets ``min_items`` and
``min_budget_use`` is taken. Stock is subtracted as it goes; a request is
served whole (all its tiers) or not at all, and an unserved request says what
ran out. This is DESIGN.md's baseline, and the hint of the season master.

Why it is fast enough for 5,000 requests against 2,000 skus: the per-product
rules (halal, tags, shelf life) depend on three rule values only, so
eligibility and the price orders are worked out once per distinct combination
(`_Shelf`), not per tier. Topping up walks the products from the priciest
down and skips, by bisection, those the budget can no longer afford. One pass
is enough: every limit (budget, items, caps, volume, weight, stock) only
tightens as units are added, so a product that does not fit now never fits
later in the same parcel.

``min_order`` is kept simple and valid: a sku may go into a tier only if the
season's total of it (units already ordered, units booked so far, and this
tier's parcels times its quantity) reaches its ``min_order``. Totals only grow,
so a plan that holds when a sku is first used holds at the end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from parcelkit.models import Catalog, EffectiveRules, Packaging, Product, Request, Tier
from parcelkit.models import effective_rules as rules_of
from parcelkit.models.money import rupiah
from parcelkit.solve.eligibility import available_stock, packaging_exclusion, product_exclusion
from parcelkit.solve.parcel import ParcelContents, TierSpec

__all__ = ["SeasonChoice", "greedy_season"]


@dataclass(frozen=True)
class SeasonChoice:
    """What the greedy planner does with one request.

    ``tiers`` maps each tier name to the one composition all its parcels get
    (``None`` when the request is unserved); ``reason`` says, in words a
    planner understands, why it is unserved (``None`` when served).
    """

    request_id: str
    tiers: Mapping[str, ParcelContents] | None
    reason: str | None

    @property
    def served(self) -> bool:
        """True when every tier of the request has its composition."""
        return self.tiers is not None


def greedy_season(
    catalog: Catalog,
    requests: Sequence[Request],
    *,
    stock: Mapping[str, int] | None = None,
    ordered: Mapping[str, int] | None = None,
    alone: bool = False,
) -> list[SeasonChoice]:
    """Plan a season greedily: one `SeasonChoice` per request, in the same order.

    Parameters
    ----------
    catalog, requests
        The season; ``requests`` in arrival order, which is the order served.
    stock
        Units available per sku or packaging id, replacing the catalog's stock
        for the ids it holds.
    ordered
        Units of each sku already ordered this season (fixed quotes), which
        count towards its ``min_order``.
    alone
        Fill each request as if it were the only one: every request sees
        ``stock`` and ``ordered`` as given, nothing is taken from one for the
        next. The same as one call per request, without rebuilding the
        shelves each time (which is what costs on a large catalog).
    """
    season = _Season(catalog, available_stock(catalog, stock), Counter(ordered or {}))
    return [season.serve(request, commit=not alone) for request in requests]


# --------------------------------------------------------------------------- the season's state


@dataclass(frozen=True)
class _Shelf:
    """The products one combination of per-product rules lets in, in greedy's orders."""

    ascending: tuple[Product, ...]
    """Cheapest first (ties by sku)."""
    descending: tuple[Product, ...]
    """Priciest first (ties by sku)."""
    neg_prices: tuple[int, ...]
    """Minus the prices of ``descending``: ascending, for bisection."""
    by_category: Mapping[str, tuple[Product, ...]]
    """Per category, cheapest first."""
    least_volume: int
    least_weight: int


_ShelfKey = tuple[bool, tuple[str, ...], int | None]


def _shelf_key(rules: EffectiveRules) -> _ShelfKey:
    """The rule values that decide which products a tier may use at all."""
    return (rules.halal_only, tuple(sorted(rules.exclude_tags)), rules.min_shelf_life_days)


def _make_shelf(catalog: Catalog, rules: EffectiveRules) -> _Shelf:
    # Stock is checked per unit while filling, so eligibility here ignores it.
    allowed = [p for p in catalog.products if product_exclusion(p, rules, 1) is None]
    ascending = sorted(allowed, key=lambda p: (p.price, p.sku))
    return _shelf_of(ascending, sorted(allowed, key=lambda p: (-p.price, p.sku)))


def _without_sold_out(shelf: _Shelf, left: Mapping[str, int]) -> _Shelf:
    """``shelf`` without the products that have no unit left (orders kept)."""
    return _shelf_of(
        [p for p in shelf.ascending if left[p.sku] > 0],
        [p for p in shelf.descending if left[p.sku] > 0],
    )


def _shelf_of(ascending: Sequence[Product], descending: Sequence[Product]) -> _Shelf:
    by_category: dict[str, list[Product]] = {}
    for product in ascending:
        by_category.setdefault(product.category, []).append(product)
    return _Shelf(
        ascending=tuple(ascending),
        descending=tuple(descending),
        neg_prices=tuple(-p.price for p in descending),
        by_category={category: tuple(group) for category, group in by_category.items()},
        least_volume=min((p.volume_ml for p in ascending), default=0),
        least_weight=min((p.weight_g for p in ascending), default=0),
    )


@dataclass
class _Stock:
    """Units left and season totals, with one request's tentative use on top."""

    left: dict[str, int]
    """Per sku and packaging id, after the requests served so far."""
    total: Counter[str]
    """Per sku: units already ordered plus units booked so far (for min_order)."""
    taken: dict[str, int] = field(default_factory=dict)
    """The request being planned: units its finished tiers take."""
    sold_out: int = 0
    """How many skus and packaging ids have no unit left."""

    def available(self, key: str) -> int:
        """Units of a sku or packaging still free for the tier being planned."""
        return self.left.get(key, 0) - self.taken.get(key, 0)

    def season_total(self, sku: str) -> int:
        """Units of ``sku`` in the season so far, the request's finished tiers included."""
        return self.total.get(sku, 0) + self.taken.get(sku, 0)

    def take(self, tier: Tier, contents: ParcelContents) -> None:
        """Hold a finished tier's units for the request being planned."""
        package, quantities = contents
        self.taken[package] = self.taken.get(package, 0) + tier.parcels
        for sku, qty in quantities.items():
            self.taken[sku] = self.taken.get(sku, 0) + qty * tier.parcels

    def commit(self) -> None:
        """The request is served: its units leave the stock for good."""
        for key, units in self.taken.items():
            self.left[key] -= units
            self.total[key] += units
            if self.left[key] <= 0 < units:
                self.sold_out += 1
        self.taken = {}

    def drop(self) -> None:
        """The request is unserved: give back what its tiers held."""
        self.taken = {}


class _Season:
    """Requests served so far and what they left."""

    def __init__(self, catalog: Catalog, left: dict[str, int], ordered: Counter[str]) -> None:
        self.catalog = catalog
        self.stock = _Stock(left, ordered)
        self.shelves: dict[_ShelfKey, _Shelf] = {}
        self.live: dict[_ShelfKey, tuple[int, _Shelf]] = {}
        self.by_category = Counter(p.category for p in catalog.products)

    def shelf(self, rules: EffectiveRules) -> _Shelf:
        """Every product ``rules`` let in, sold out or not (made once per combination)."""
        key = _shelf_key(rules)
        if key not in self.shelves:
            self.shelves[key] = _make_shelf(self.catalog, rules)
        return self.shelves[key]

    def live_shelf(self, rules: EffectiveRules) -> _Shelf:
        """The shelf of ``rules`` without sold-out products, to fill parcels from.

        Sold-out products are dropped in batches (when a fiftieth of the shelf
        has sold out since the last time), so that late in a tight season the
        walks do not step over them again and again; between batches they are
        skipped by the stock check like any product short of stock.
        """
        key = _shelf_key(rules)
        sold_out = self.stock.sold_out
        seen = self.live.get(key)
        if seen is None:
            live = _without_sold_out(self.shelf(rules), self.stock.left)
        else:
            at, live = seen
            if sold_out - at < max(1, len(live.ascending) // 50):
                return live
            live = _without_sold_out(live, self.stock.left)
        self.live[key] = (sold_out, live)
        return live

    def serve(self, request: Request, commit: bool = True) -> SeasonChoice:
        """Fill every tier from what is left, or none of them; ``commit``: take the stock."""
        tiers: dict[str, ParcelContents] = {}
        for tier in request.tiers:
            job = _TierJob.of(self, request, tier)
            outcome = job.plan()
            if isinstance(outcome, str):
                self.stock.drop()
                return SeasonChoice(request.id, None, f"tier '{tier.name}': {outcome}")
            tiers[tier.name] = outcome
            self.stock.take(tier, outcome)
        if commit:
            self.stock.commit()
        else:
            self.stock.drop()
        return SeasonChoice(request.id, tiers, None)


# --------------------------------------------------------------------------- one tier


@dataclass(frozen=True)
class _Failure:
    """Why one packaging did not give a parcel; ``stage`` ranks how far it got."""

    stage: int
    price: int
    explain: Callable[[], str]
    """Words for the reason, worked out only for the failure that is reported."""


_CATEGORY, _ITEMS, _PRICE = 0, 1, 2


@dataclass(frozen=True)
class _TierJob:
    """One tier to fill: its rules, shelf, price window and the stock it sees."""

    season: _Season
    tier: Tier
    rules: EffectiveRules
    fees: int
    price_low: int
    shelf: _Shelf
    """Products to fill from (sold-out ones mostly dropped)."""
    everything: _Shelf
    """Every product the per-product rules let in, for the reasons."""

    @classmethod
    def of(cls, season: _Season, request: Request, tier: Tier) -> _TierJob:
        rules = rules_of(request, tier)
        fees = request.fees.per_parcel
        # TierSpec holds the one definition of the exact price floor; the products and
        # packaging are not needed for it.
        floor = TierSpec(rules, tier.budget, fees, (), (), {}).price_low
        return cls(season, tier, rules, fees, floor, season.live_shelf(rules), season.shelf(rules))

    @property
    def stock(self) -> _Stock:
        return self.season.stock

    def plan(self) -> ParcelContents | str:
        """The tier's composition, or the reason there is none."""
        boxes, reason = self.boxes()
        failures: list[_Failure] = []
        for package in boxes:
            outcome = _Fill(self, package).build()
            if isinstance(outcome, _Failure) and outcome.stage == _PRICE:
                outcome = _Fill(self, package).build(dearest_minimums=True)
            if isinstance(outcome, _Failure):
                failures.append(outcome)
            else:
                return outcome
        if not failures:
            return reason
        best = failures[0]
        for failure in failures[1:]:
            if (failure.stage, failure.price) > (best.stage, best.price):
                best = failure
        return best.explain()

    def boxes(self) -> tuple[list[Packaging], str]:
        """Allowed packaging with stock for every parcel, cheapest first; else why none."""
        parcels = self.tier.parcels
        allowed = [
            p
            for p in self.season.catalog.packaging
            if packaging_exclusion(p, self.rules, 1) is None
        ]
        if not allowed:
            catalog = self.season.catalog
            if not catalog.packaging:
                return [], "the catalog has no packaging"
            return [], (
                "none of the allowed packaging (" + ", ".join(self.rules.packaging or ()) + ") "
                "is in the catalog"
            )
        usable: list[Packaging] = []
        problems: list[str] = []
        for package in sorted(allowed, key=lambda p: (p.price, p.id)):
            left = self.stock.available(package.id)
            if left < parcels:
                problems.append(
                    f"{package.id} ran out" if left <= 0 else f"{package.id} has {left} left"
                )
            elif package.price + self.fees > self.tier.budget:
                problems.append(
                    f"{package.id} costs {rupiah(package.price)}, with fees "
                    f"{rupiah(self.fees)} over the budget {rupiah(self.tier.budget)}"
                )
            else:
                usable.append(package)
        return usable, f"no allowed packaging left for {parcels} parcels: " + "; ".join(problems)


# --------------------------------------------------------------------------- one parcel

_BLOCKERS = {
    "stock": ("has", "have", "too little stock left for {parcels} parcels"),
    "min_order": ("would", "would", "stay below its min_order over the season"),
    "budget": ("would", "would", "take the parcel over the budget of {budget}"),
    "reserve": ("would", "would", "leave too little budget to reach min_items {min_items}"),
    "max_items": ("would", "would", "go over max_items {max_items}"),
    "category": ("is", "are", "in a category already at its maximum"),
    "max_same_product": ("is", "are", "already max_same_product ({max_same}) times in the parcel"),
    "producer": ("comes", "come", "from a producer at max_items_per_producer ({per_producer})"),
    "volume": ("does", "do", "not fit in the volume left in {package} ({capacity} ml)"),
    "weight": ("would", "would", "go over the weight {package} carries ({max_weight} g)"),
}
"""What keeps products out of a parcel: the verb for one, for several, and the rest."""

_EXCLUSIONS = {
    "halal_only": ("is", "are", "not halal"),
    "exclude_tags": ("carries", "carry", "an excluded tag ({tags})"),
    "min_shelf_life_days": ("keeps", "keep", "fewer than {days} days"),
}
"""What keeps products out of a tier whatever the stock, in the same form."""


def _counted(
    found: Counter[str], table: Mapping[str, tuple[str, str, str]], **words: object
) -> str:
    """'3 products have too little stock ...; 1 product would ...', commonest first."""
    parts = []
    for key, n in sorted(found.items(), key=lambda pair: (-pair[1], pair[0])):
        one, several, rest = table[key]
        noun, verb = ("product", one) if n == 1 else ("products", several)
        parts.append(f"{n} {noun} {verb} {rest.format(**words)}")
    return "; ".join(parts)


def _units(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class _Fill:
    """One parcel being filled in one packaging, unit block by unit block."""

    def __init__(self, job: _TierJob, package: Packaging) -> None:
        self.job = job
        self.package = package
        self.qty: dict[str, int] = {}
        self.items = 0
        self.price = package.price + job.fees
        self.volume = 0
        self.weight = 0
        self.in_category: Counter[str] = Counter()
        self.from_producer: Counter[str] = Counter()

    def build(self, dearest_minimums: bool = False) -> ParcelContents | _Failure:
        """Category minimums (cheapest first), then the priciest that fits; checked.

        With ``dearest_minimums`` the minimums take the dearest products that
        fit instead: the planner's second try when cheap minimum items leave
        too few item slots for the budget to be used.
        """
        rules = self.job.rules
        for category, (low, _high) in sorted(rules.categories.items()):
            short = self.fill_minimum(category, low, dearest_minimums)
            if short:
                return _Failure(
                    _CATEGORY, self.price, partial(self.category_reason, category, low, short)
                )
        self.top_up()
        if self.items < rules.min_items:
            return _Failure(_ITEMS, self.price, self.items_reason)
        if self.price < self.job.price_low:
            return _Failure(_PRICE, self.price, self.price_reason)
        return self.package.id, dict(self.qty)

    # ---------------------------------------------------------------- the two steps

    def fill_minimum(self, category: str, low: int, dearest: bool) -> int:
        """Add the cheapest (or dearest) products of ``category`` up to its minimum.

        Returns the units still short. The dearest ones keep room for
        min_items as the top-up does.
        """
        need = low - self.in_category[category]
        products = self.job.shelf.by_category.get(category, ())
        spare: Sequence[int] | None = None  # worked out again only once the parcel changed
        for product in reversed(products) if dearest else products:
            if need <= 0:
                break
            if spare is None:
                spare = self.spare_costs(self.job.rules.min_items - self.items) if dearest else [0]
            added = self.add(product, need, spare)
            need -= added
            if added:
                spare = None
        return max(0, need)

    def top_up(self) -> None:
        """Add the priciest product that still fits, as many units as fit, down the list.

        "Fits" keeps room in the budget for the units min_items still needs,
        priced as the cheapest units that could still go in, so that a few dear
        items cannot starve min_items.
        """
        rules = self.job.rules
        shelf = self.job.shelf
        count = len(shelf.descending)
        index = 0
        spare = self.spare_costs(rules.min_items - self.items)
        full = self.full_categories()
        free_volume = self.package.capacity_ml - self.volume
        free_weight = self.package.max_weight_g - self.weight
        while self.items < rules.max_items:
            affordable = self.job.tier.budget - self.price - spare[max(0, len(spare) - 2)]
            index = bisect_left(shelf.neg_prices, -affordable, lo=index)
            if index >= count or free_volume < shelf.least_volume:
                break
            if free_weight < shelf.least_weight:
                break
            product = shelf.descending[index]
            index += 1
            # Quick turn-aways first: a full category, or no room for one unit, stays so.
            if (
                product.category in full
                or product.volume_ml > free_volume
                or product.weight_g > free_weight
            ):
                continue
            if self.add(product, rules.max_same_product, spare):
                spare = self.spare_costs(rules.min_items - self.items)
                full = self.full_categories()
                free_volume = self.package.capacity_ml - self.volume
                free_weight = self.package.max_weight_g - self.weight

    def full_categories(self) -> set[str]:
        """The categories already at their maximum in this parcel."""
        return {
            category
            for category, (_low, high) in self.job.rules.categories.items()
            if self.in_category[category] >= high
        }

    def spare_costs(self, units: int) -> list[int]:
        """What the cheapest 0, 1, ..., ``units`` more units would cost, as far as any fit.

        Walks the products cheapest first with the parcel's limits as they are
        now, categories' maximums counted jointly; it is the room min_items
        needs. Units that cannot be found cost nothing: min_items then fails
        whatever the top-up does.
        """
        costs = [0]
        if units <= 1:
            # Adding k >= 1 units leaves nothing to hold back for.
            return costs * (units + 1) if units > 0 else costs
        rules = self.job.rules
        taken: Counter[str] = Counter()
        for product in self.job.shelf.ascending:
            most = self.fits(product)
            span = rules.categories.get(product.category)
            if span is not None:
                most = min(
                    most, span[1] - self.in_category[product.category] - taken[product.category]
                )
            if most <= 0 or self.min_order_units(product) > most:
                continue
            for _ in range(min(most, units + 1 - len(costs))):
                costs.append(costs[-1] + product.price)
            taken[product.category] += most
            if len(costs) > units:
                return costs
        return costs + [costs[-1]] * (units + 1 - len(costs))

    # ---------------------------------------------------------------- units of one product

    def add(self, product: Product, want: int, spare: Sequence[int] = (0,)) -> int:
        """Add up to ``want`` units of ``product`` (more if min_order asks); the units added.

        ``spare`` is `spare_costs`: the budget that must stay free afterwards.
        """
        most = self.fits(product, spare)
        units = min(want, most)
        floor = self.min_order_units(product)
        if units < floor:
            if floor > most:
                return 0
            units = floor
        if units <= 0:
            return 0
        self.qty[product.sku] = self.qty.get(product.sku, 0) + units
        self.items += units
        self.price += units * product.price
        self.volume += units * product.volume_ml
        self.weight += units * product.weight_g
        self.in_category[product.category] += units
        self.from_producer[product.producer_id] += units
        return units

    def fits(self, product: Product, spare: Sequence[int] = (0,)) -> int:
        """The most units of ``product`` the parcel takes now: `limit` without its reason.

        Filling calls this millions of times on a Karawang-size season (pricing
        rounds included), so it only takes the least of the limits; `limit`
        names the one that binds, for the reasons.
        """
        job = self.job
        rules = job.rules
        sku = product.sku
        have = self.qty.get(sku, 0)
        stock = job.stock
        most = (stock.left.get(sku, 0) - stock.taken.get(sku, 0)) // job.tier.parcels - have
        if most <= 0:
            return 0
        room = job.tier.budget - self.price
        package = self.package
        most = min(
            most,
            room // product.price,
            rules.max_items - self.items,
            rules.max_same_product - have,
            (package.capacity_ml - self.volume) // product.volume_ml,
            (package.max_weight_g - self.weight) // product.weight_g,
        )
        if most <= 0:
            return 0
        span = rules.categories.get(product.category)
        if span is not None:
            most = min(most, span[1] - self.in_category[product.category])
        cap = rules.max_items_per_producer
        if cap is not None:
            most = min(most, cap - self.from_producer[product.producer_id])
        reserve = len(spare) - 1
        if reserve:
            while most > 0 and most * product.price + spare[max(0, reserve - most)] > room:
                most -= 1
        return max(0, most)

    def limit(self, product: Product, spare: Sequence[int]) -> tuple[int, str]:
        """The most units of ``product`` the parcel takes now, and the limit that binds.

        After adding ``k`` units, ``spare[len(spare) - 1 - k]`` must still be
        affordable (the cheapest units min_items still needs); min_order is left
        to `min_order_units`.
        """
        # The commonest blockers first, so that most products are turned away early.
        job = self.job
        rules = job.rules
        sku = product.sku
        have = self.qty.get(sku, 0)
        most = job.stock.available(sku) // job.tier.parcels - have
        if most <= 0:
            return 0, "stock"
        room = job.tier.budget - self.price
        checks = (
            ("budget", room // product.price),
            ("max_items", rules.max_items - self.items),
            ("max_same_product", rules.max_same_product - have),
            ("volume", (self.package.capacity_ml - self.volume) // product.volume_ml),
            ("weight", (self.package.max_weight_g - self.weight) // product.weight_g),
        )
        blocker = "stock"
        for name, value in checks:
            if value < most:
                most, blocker = value, name
                if most <= 0:
                    return 0, blocker
        span = rules.categories.get(product.category)
        if span is not None and span[1] - self.in_category[product.category] < most:
            most, blocker = span[1] - self.in_category[product.category], "category"
        cap = rules.max_items_per_producer
        if cap is not None and cap - self.from_producer[product.producer_id] < most:
            most, blocker = cap - self.from_producer[product.producer_id], "producer"
        reserve = len(spare) - 1
        while most > 0 and most * product.price + spare[max(0, reserve - most)] > room:
            most, blocker = most - 1, "reserve"
        return max(0, most), blocker

    def min_order_units(self, product: Product) -> int:
        """The fewest units per parcel that bring the season total to min_order (0 if met)."""
        have = self.qty.get(product.sku, 0)
        short = product.min_order - self.job.stock.season_total(product.sku)
        if have > 0 or short <= 0:
            return 0
        parcels = self.job.tier.parcels
        return -(-short // parcels)

    def blocker(self, product: Product) -> str | None:
        """Why not one more unit of ``product`` (``None`` when one would fit)."""
        most, blocker = self.limit(product, (0,))
        if most <= 0:
            return blocker
        if self.min_order_units(product) > most:
            return "min_order"
        return None

    # ---------------------------------------------------------------- reasons

    def blockers(self, products: Iterable[Product]) -> str:
        """What keeps ``products`` out of this parcel now, counted by reason."""
        found = Counter(b for b in map(self.blocker, products) if b is not None)
        rules = self.job.rules
        return _counted(
            found,
            _BLOCKERS,
            parcels=self.job.tier.parcels,
            budget=rupiah(self.job.tier.budget),
            min_items=rules.min_items,
            max_items=rules.max_items,
            max_same=rules.max_same_product,
            per_producer=rules.max_items_per_producer,
            package=self.package.id,
            capacity=self.package.capacity_ml,
            max_weight=self.package.max_weight_g,
        )

    def category_reason(self, category: str, low: int, short: int) -> str:
        """Why the minimum of ``category`` cannot be met in this packaging."""
        rules = self.job.rules
        parcels = self.job.tier.parcels
        label = f"halal {category}" if rules.halal_only else category
        eligible = self.job.everything.by_category.get(category, ())
        needs = f"category '{category}' needs {low} per parcel, {short} short"
        if not eligible:
            return f"{needs}: " + self.excluded_reason(category)
        outside = [p for p in eligible if p.sku not in self.qty]
        if all(self.blocker(p) == "stock" for p in outside):
            return (
                f"no {label} left in stock for {parcels} parcels ({needs}; "
                f"{_units(len(eligible), 'eligible product')}, none with {parcels} units left)"
            )
        return (
            f"{needs} in {self.package.id}: of its {_units(len(eligible), 'eligible product')}, "
            + self.blockers(outside)
        )

    def excluded_reason(self, category: str | None = None) -> str:
        """Why no product (of ``category``, if given) is eligible at all."""
        rules = self.job.rules
        products = [
            p
            for p in self.job.season.catalog.products
            if category is None or p.category == category
        ]
        what = "product" if category is None else f"{category} product"
        if not products:
            return f"the catalog has no {what}s"
        found = Counter(str(product_exclusion(p, rules, 1)) for p in products)
        found.pop("None", None)
        return f"none of the catalog's {_units(len(products), what)} passes the rules: " + (
            _counted(
                found,
                _EXCLUSIONS,
                tags=", ".join(rules.exclude_tags),
                days=rules.min_shelf_life_days,
            )
        )

    def items_reason(self) -> str:
        """Why fewer than min_items units fit."""
        rules = self.job.rules
        everything = self.job.everything
        verb = "fits" if self.items == 1 else "fit"
        fitted = f"only {_units(self.items, 'item')} {verb} in {self.package.id}"
        limits = (
            f"(min_items {rules.min_items}, parcel at {rupiah(self.price)} "
            f"of {rupiah(self.job.tier.budget)})"
        )
        if not everything.ascending:
            return f"{fitted} {limits}: " + self.excluded_reason()
        rest = self.blockers(p for p in everything.ascending if p.sku not in self.qty)
        return f"{fitted} {limits}: of the other products, {rest}"

    def price_reason(self) -> str:
        """Why the richest parcel greedy finds stays under min_budget_use."""
        rules = self.job.rules
        everything = self.job.everything
        dearer = min((p.price for p in everything.ascending if p.sku in self.qty), default=0)
        rest = self.blockers(
            p for p in everything.descending if p.price > dearer and p.sku not in self.qty
        )
        return (
            f"the best parcel from what is left costs {rupiah(self.price)} in "
            f"{self.package.id} with {_units(self.items, 'item')}, below the minimum "
            f"{rupiah(self.job.price_low)} (min_budget_use {rules.min_budget_use} of "
            f"{rupiah(self.job.tier.budget)})"
            + (f"; of the dearer products, {rest}" if rest else "")
        )
