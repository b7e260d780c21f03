"""Which products and packaging a tier may use, and why the others may not.

Filtering happens before any model is built: a product that breaks a
per-product rule (halal, tags, shelf life) or has no stock left never becomes a
variable. The reasons are kept so that an infeasible request can say which
rule excluded what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parcelkit.models import Catalog, EffectiveRules, Packaging, Product


def product_exclusion(product: Product, rules: EffectiveRules, available: int) -> str | None:
    """Why ``product`` may not go in a parcel under ``rules`` (``None`` when it may).

    The returned key names the rule: ``halal_only``, ``exclude_tags``,
    ``min_shelf_life_days`` or ``stock``.
    """
    if rules.halal_only and product.food and not product.halal:
        return "halal_only"
    if set(rules.exclude_tags) & set(product.tags):
        return "exclude_tags"
    if (
        rules.min_shelf_life_days is not None
        and product.shelf_life_days is not None
        and product.shelf_life_days < rules.min_shelf_life_days
    ):
        return "min_shelf_life_days"
    if available <= 0:
        return "stock"
    return None


def packaging_exclusion(package: Packaging, rules: EffectiveRules, available: int) -> str | None:
    """Why ``package`` may not hold a parcel under ``rules`` (``None`` when it may)."""
    if rules.packaging is not None and package.id not in rules.packaging:
        return "packaging"
    if available <= 0:
        return "stock"
    return None


@dataclass(frozen=True)
class Eligible:
    """The products and packaging one tier may use, in catalog order."""

    products: tuple[Product, ...]
    packaging: tuple[Packaging, ...]
    excluded: Mapping[str, str]
    """sku or packaging id -> the rule key that excluded it."""


def eligible_for(catalog: Catalog, rules: EffectiveRules, stock: Mapping[str, int]) -> Eligible:
    """Split the catalog into what a tier with ``rules`` may use and what it may not.

    ``stock`` maps every sku and packaging id to the units still available.
    """
    products: list[Product] = []
    packaging: list[Packaging] = []
    excluded: dict[str, str] = {}
    for product in catalog.products:
        reason = product_exclusion(product, rules, stock[product.sku])
        if reason is None:
            products.append(product)
        else:
            excluded[product.sku] = reason
    for package in catalog.packaging:
        reason = packaging_exclusion(package, rules, stock[package.id])
        if reason is None:
            packaging.append(package)
        else:
            excluded[package.id] = reason
    return Eligible(tuple(products), tuple(packaging), excluded)


def available_stock(catalog: Catalog, override: Mapping[str, int] | None) -> dict[str, int]:
    """Units available per sku and packaging id: the override where given, else the catalog."""
    override = override or {}
    stock = {p.sku: p.stock for p in catalog.products}
    stock.update({p.id: p.stock for p in catalog.packaging})
    for key, units in override.items():
        if key in stock:
            stock[key] = max(0, units)
    return stock
