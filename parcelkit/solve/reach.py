"""What each producer could sell at most this season (``reachable``), and who can sell nothing.

``reachable_j`` (FORMAT.md) bounds producer j's revenue when the plan favours
it alone. The bound here is cheap and valid: over every tier that may use j's
goods, the tier's parcels times the most of j's goods one parcel can hold
(its priciest eligible units up to ``max_items`` and ``max_items_per_producer``,
within the budget left after fees and the cheapest packaging), capped by j's
stock at its prices; plus what accepted (fixed) quotes already pay j.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from parcelkit.models import Catalog, Product
from parcelkit.solve.eligibility import product_exclusion
from parcelkit.solve.parcel import TierSpec

EXCLUSION_WORDS = {
    "halal_only": "non-halal food, and every request that could buy it asks for halal only",
    "exclude_tags": "its products carry tags every request excludes",
    "min_shelf_life_days": "its products' shelf life is shorter than every request asks",
    "stock": "no stock left",
    "budget": "its products cost more than any parcel budget leaves room for",
}


def parcel_reach(spec: TierSpec) -> dict[str, int]:
    """Per producer, the most revenue one parcel of ``spec``'s tier can pay it (an upper bound)."""
    units: dict[str, list[int]] = {}
    for product in spec.products:
        units.setdefault(product.producer_id, []).extend(
            [product.price] * spec.max_same[product.sku]
        )
    cap = spec.rules.max_items
    if spec.rules.max_items_per_producer is not None:
        cap = min(cap, spec.rules.max_items_per_producer)
    items = {pid: sum(sorted(prices, reverse=True)[:cap]) for pid, prices in units.items()}
    room = spec.budget - spec.fees
    boxes = sorted(spec.packaging, key=lambda p: p.price)
    best: dict[str, int] = {}
    if boxes:
        cheapest = boxes[0].price
        best = {pid: max(0, min(amount, room - cheapest)) for pid, amount in items.items()}
    for package in boxes:
        maker = package.producer_id
        if maker is not None:
            own = package.price + min(items.get(maker, 0), room - package.price)
            best[maker] = max(best.get(maker, 0), own)
    return {pid: amount for pid, amount in best.items() if amount > 0}


def reachable(
    catalog: Catalog,
    tiers: Sequence[tuple[int, TierSpec]],
    stock: Mapping[str, int],
    fixed_revenue: Mapping[str, int],
) -> dict[str, int]:
    """``reachable`` per producer: ``tiers`` holds (parcels, spec) pairs covering every tier."""
    capacity: dict[str, int] = {p.id: 0 for p in catalog.producers}
    usable: set[str] = set()
    for _, spec in tiers:
        usable.update(p.sku for p in spec.products)
        usable.update(p.id for p in spec.packaging)
    for product in catalog.products:
        if product.sku in usable:
            capacity[product.producer_id] += product.price * stock.get(product.sku, 0)
    for package in catalog.packaging:
        if package.producer_id is not None and package.id in usable:
            capacity[package.producer_id] += package.price * stock.get(package.id, 0)
    demand = dict.fromkeys(capacity, 0)
    for parcels, spec in tiers:
        for producer, amount in parcel_reach(spec).items():
            demand[producer] += parcels * amount
    return {pid: fixed_revenue.get(pid, 0) + min(capacity[pid], demand[pid]) for pid in capacity}


def ineligible_reason(
    catalog: Catalog,
    producer: str,
    specs: Sequence[TierSpec],
    stock: Mapping[str, int],
) -> str:
    """Why no request may buy from ``producer``, in words."""
    products = [p for p in catalog.products if p.producer_id == producer]
    packaging = [p for p in catalog.packaging if p.producer_id == producer]
    if not products and not packaging:
        return "has no products or packaging in the catalog"
    if not specs:
        return "there are no requests to plan"
    reasons: Counter[str] = Counter()
    for product in products:
        for spec in specs:
            reasons[_why_not(product, spec, stock)] += 1
    if packaging and not products:
        return "its packaging is allowed by no request, or has no stock left"
    words = [EXCLUSION_WORDS.get(key, key) for key, _ in reasons.most_common()]
    return "; ".join(dict.fromkeys(words))


def _why_not(product: Product, spec: TierSpec, stock: Mapping[str, int]) -> str:
    reason = product_exclusion(product, spec.rules, stock.get(product.sku, 0))
    return reason or "budget"
