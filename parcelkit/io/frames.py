"""pandas views of catalogs and requests, for analysis in notebooks.

The models stay free of pandas; these functions build a fresh frame each
time, one row per record with a plain ``RangeIndex``. Money and counts are
``int64``; optional whole numbers are pandas' nullable ``Int64``; lists
stay tuples and shares stay exact `Decimal` objects (a float column would
break the format's exact comparisons). pandas is imported on first use, so
that reading files does not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcelkit.errors import Problem
from parcelkit.models import Catalog, Request, effective_rules

if TYPE_CHECKING:
    import pandas as pd

TEXT = "str"
"""pandas' default text dtype (``object`` before pandas 3), also for frames with no rows."""

PRODUCER_COLUMNS = {"id": TEXT, "name": TEXT, "district": TEXT, "certifications": object}
PRODUCT_COLUMNS = {
    "sku": TEXT,
    "producer_id": TEXT,
    "name": TEXT,
    "category": TEXT,
    "price": "int64",
    "stock": "int64",
    "min_order": "int64",
    "halal": "bool",
    "halal_cert": TEXT,
    "pirt": TEXT,
    "bpom": TEXT,
    "food": "bool",
    "weight_g": "int64",
    "volume_ml": "int64",
    "shelf_life_days": "Int64",
    "tags": object,
}
PACKAGING_COLUMNS = {
    "id": TEXT,
    "name": TEXT,
    "price": "int64",
    "capacity_ml": "int64",
    "max_weight_g": "int64",
    "stock": "int64",
    "producer_id": TEXT,
}
RULE_COLUMNS = {
    "min_items": "int64",
    "max_items": "int64",
    "categories": object,
    "halal_only": "bool",
    "exclude_tags": object,
    "max_same_product": "int64",
    "max_items_per_producer": "Int64",
    "max_variants": "int64",
    "variant_price_spread": object,
    "min_budget_use": object,
    "min_shelf_life_days": "Int64",
    "packaging": object,
}
TIER_COLUMNS = {
    "request_id": TEXT,
    "company": TEXT,
    "koperasi": TEXT,
    "delivery_date": "datetime64[s]",
    "tier": TEXT,
    "parcels": "int64",
    "budget": "int64",
    "total_budget": "int64",
    "fee_assembly": "int64",
    "fee_koperasi": "int64",
    **RULE_COLUMNS,
}
"""Columns of `tiers_frame`, with the effective rules of each tier."""
PROBLEM_COLUMNS = {
    "file": TEXT,
    "sheet": TEXT,
    "row": "Int64",
    "field": TEXT,
    "value": TEXT,
    "message": TEXT,
    "expected": TEXT,
}
"""Columns of `problems_frame`: where each problem is, then what is wrong."""

Dtypes = dict[str, Any]


def typed_frame(rows: Sequence[dict[str, Any]], dtypes: Dtypes) -> pd.DataFrame:
    """A frame with exactly the columns of ``dtypes``, typed, even with no rows."""
    import pandas as pd

    columns = {
        name: pd.Series([row[name] for row in rows], dtype=dtype, name=name)
        for name, dtype in dtypes.items()
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def producers_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per producer: id, name, district, certifications (a tuple)."""
    rows = [p.model_dump(include=set(PRODUCER_COLUMNS)) for p in catalog.producers]
    return typed_frame(rows, PRODUCER_COLUMNS)


def products_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per product, joined with its producer's name, district and certifications."""
    rows = []
    for product in catalog.products:
        producer = catalog.producer_by_id[product.producer_id]
        rows.append(
            {
                **product.model_dump(include=set(PRODUCT_COLUMNS)),
                "producer_name": producer.name,
                "district": producer.district,
                "certifications": producer.certifications,
            }
        )
    joined = {"producer_name": TEXT, "district": TEXT, "certifications": object}
    return typed_frame(rows, {**PRODUCT_COLUMNS, **joined})


def packaging_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per packaging option, with the name of the producer that makes it (if any)."""
    rows = []
    for package in catalog.packaging:
        producer = catalog.producer_by_id.get(package.producer_id or "")
        rows.append(
            {
                **package.model_dump(include=set(PACKAGING_COLUMNS)),
                "producer_name": producer.name if producer else None,
            }
        )
    return typed_frame(rows, {**PACKAGING_COLUMNS, "producer_name": TEXT})


def tiers_frame(requests: Sequence[Request]) -> pd.DataFrame:
    """One row per tier of every request, with the request's fields and the effective rules.

    ``total_budget`` is parcels x budget; rule columns are the rules every
    parcel of the tier must satisfy (defaults, then request, then tier).
    """
    rows = []
    for request in requests:
        for tier in request.tiers:
            rules = effective_rules(request, tier)
            rows.append(
                {
                    "request_id": request.id,
                    "company": request.company,
                    "koperasi": request.koperasi,
                    "delivery_date": request.delivery_date,
                    "tier": tier.name,
                    "parcels": tier.parcels,
                    "budget": tier.budget,
                    "total_budget": tier.parcels * tier.budget,
                    "fee_assembly": request.fees.assembly,
                    "fee_koperasi": request.fees.koperasi,
                    **{name: getattr(rules, name) for name in RULE_COLUMNS},
                }
            )
    return typed_frame(rows, TIER_COLUMNS)


def problems_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """One row per input problem (from `CatalogError.problems` and the like), in order.

    The place first (file, sheet, row as the spreadsheet shows it, field), then
    the value found, what is wrong and what was expected, so a planner can sort
    by sheet and row and fix the workbook top to bottom.
    """
    rows = [{name: getattr(problem, name) for name in PROBLEM_COLUMNS} for problem in problems]
    return typed_frame(rows, PROBLEM_COLUMNS)
