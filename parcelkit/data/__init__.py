"""The embedded Karawang sample season, Lebaran 2027.

A realistic season to try parcelkit on without data of one's own: 75 UMKM
of Karawang regency with 105 products and six boxes and baskets, and 70
requests from factory cooperatives (``Kopkar``), modelled on the program
Dinkop UKM Karawang ran in 2024. Stock is tight (the requests' demand is
about 70 % of all product stock), so the plan has to share it out, and every
request can be served on its own. The files are made by
``scripts/make_karawang.py``; regenerate them there, never edit them by hand.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from parcelkit.models import Catalog, Request

__all__ = ["karawang_catalog", "karawang_requests"]

_CATALOG_FILE = "karawang_catalog.json"
_REQUESTS_FILE = "karawang_requests.json"


class _Season(BaseModel):
    """The requests file: ``{"requests": [...]}`` in arrival order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    requests: tuple[Request, ...]


def _read(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def karawang_catalog() -> Catalog:
    """The sample season's catalog: 75 producers, 105 products, 6 packaging options."""
    return Catalog.model_validate_json(_read(_CATALOG_FILE))


@cache
def karawang_requests() -> tuple[Request, ...]:
    """The sample season's 70 requests, in the order they arrived."""
    return _Season.model_validate_json(_read(_REQUESTS_FILE)).requests
