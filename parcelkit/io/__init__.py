"""Reading and writing parcelkit's files: JSON, Excel workbooks, CSV folders, pandas.

Catalogs and requests load from a ``.json`` file, an ``.xlsx`` workbook or a
folder of CSV files (FORMAT.md) and save to the same three forms; a round
trip gives back an equal object. Anything wrong with an input raises
`CatalogError`, `RequestError` or `ResultError` holding every problem found
in one pass, each with its file, sheet, row (as a spreadsheet shows it) and
field. Quotes and plans are JSON. The ``*_frame`` functions give pandas views
for analysis; pandas is imported only when one is called.
"""

from parcelkit.io.catalog_files import catalog_to_json, load_catalog, save_catalog
from parcelkit.io.cells import (
    CellError,
    parse_bool,
    parse_categories,
    parse_date,
    parse_decimal,
    parse_int,
    parse_list,
    parse_rupiah,
    parse_text,
)
from parcelkit.io.frames import (
    packaging_frame,
    problems_frame,
    producers_frame,
    products_frame,
    tiers_frame,
)
from parcelkit.io.plan_frames import (
    plan_items_frame,
    plan_producers_frame,
    plan_quotes_frame,
    purchase_orders_frame,
)
from parcelkit.io.request_files import load_requests, requests_to_json, save_requests
from parcelkit.io.result_files import load_result, result_to_json, save_result

__all__ = [
    "CellError",
    "catalog_to_json",
    "load_catalog",
    "load_requests",
    "load_result",
    "packaging_frame",
    "parse_bool",
    "parse_categories",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "parse_list",
    "parse_rupiah",
    "parse_text",
    "plan_items_frame",
    "plan_producers_frame",
    "plan_quotes_frame",
    "problems_frame",
    "producers_frame",
    "products_frame",
    "purchase_orders_frame",
    "requests_to_json",
    "result_to_json",
    "save_catalog",
    "save_requests",
    "save_result",
    "tiers_frame",
]
