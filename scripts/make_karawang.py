"""Generate the embedded Karawang sample season (Lebaran 2027).

Regenerate the shipped files from the repository root with::

    .venv/bin/python scripts/make_karawang.py

It writes ``parcelkit/data/karawang_catalog.json`` and
``parcelkit/data/karawang_requests.json``; ``--out DIR`` writes them to another
folder instead (the tests use it to check that the output does not change).

The season mirrors what Dinkop UKM Karawang showed the factory cooperatives in
2024 (see ``DOMAIN.md``): 75 UMKM with 105 products, a handful of boxes and
baskets, and about 70 requests from factory cooperatives (``Kopkar``). The
generator is deterministic: every random choice comes from seeded
``random.Random`` instances, lists are walked in a fixed order (never a set),
nothing reads the clock, and the feasibility checks only decide yes or no on
CP-SAT runs bounded by deterministic time with one worker. Running it twice
gives byte-identical files.

Three properties are built in and asserted before anything is written:

* **Every request can be served on its own.** While requests are drawn, a
  small CP-SAT model looks for one parcel per tier that obeys all the tier's
  effective rules (items, categories, halal, tags, copies, per-producer cap,
  shelf life, packaging volume and weight) and costs within
  ``[min_budget_use x budget, budget]``, fees and packaging included; a draw
  without one is drawn again. Once stock is set, a second model looks for a
  whole quote per request: all tiers together, one variant per tier (or, if
  that fails, ``max_variants`` variants sharing the tier's parcels evenly,
  within the variant price spread), within every sku's and packaging's stock,
  and each used sku reaching its ``min_order``. Every request must have one.
* **Every category a tier names has eligible products from at least three
  producers** (halal when ``halal_only``, no excluded tag, long enough shelf
  life), so no single producer is forced on a company.
* **Stock is tight enough that fairness matters**: the season's demand in
  product units is 70 % of the catalog's total product stock (asserted within
  60-80 %). Demand in units is defined budget-first, as a planner estimates how
  many items a parcel of a given budget holds::

      items(tier) = clamp(round_half_up(B / m), min_items, max_items)
      B = budget - fees.assembly - fees.koperasi - cheapest allowed packaging
      m = the low median unit price of the products the tier may use
          (halal_only, exclude_tags and min_shelf_life_days applied)
      demand = sum over requests and tiers of parcels x items(tier)
      supply = sum of product stock

  with ``min_items`` and ``max_items`` the tier's effective rules. Product
  stock is first drawn per kind and producer size, then scaled by one factor
  so that demand / supply lands on the target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ortools.sat.python import cp_model

from parcelkit.models import (
    CATALOG_FORMAT,
    REQUEST_FORMAT,
    Catalog,
    EffectiveRules,
    Fees,
    Packaging,
    Preferences,
    Producer,
    Product,
    Request,
    Rules,
    Tier,
    effective_rules,
    requests_problems,
)

SEED = 2027
SEASON = "Lebaran 2027"
DATA_DIR = Path(__file__).resolve().parent.parent / "parcelkit" / "data"
CATALOG_FILE = "karawang_catalog.json"
REQUESTS_FILE = "karawang_requests.json"

REQUEST_COUNT = 70
LARGE_REQUESTS = 3
"""Requests from large factories, 1,200-3,000 parcels; the others order 50-800."""
SMALL_REQUESTS = 6
TARGET_DEMAND_PERCENT = 70
"""Demand in units as a percentage of total product stock (see the module docstring)."""
DEMAND_PERCENT_RANGE = (60, 80)
MIN_PRODUCERS_PER_CATEGORY = 3
FIRST_DELIVERY = dt.date(2027, 2, 24)
LAST_DELIVERY = dt.date(2027, 3, 3)
DELIVERY_DAYS = (LAST_DELIVERY - FIRST_DELIVERY).days + 1
"""Parcels go out 7-14 days before Idul Fitri (10 March 2027), with the THR."""
CHECK_TIME = 5.0
"""CP-SAT deterministic time per feasibility check; reproducible, unlike wall-clock limits."""

KARAWANG_REGENCY_CODE = "3215"
"""Digits 4-7 of every P-IRT number issued in Karawang."""

KECAMATAN = (
    "Karawang Barat", "Pangkalan", "Telukjambe Timur", "Ciampel", "Klari", "Rengasdengklok",
    "Kutawaluya", "Batujaya", "Tirtajaya", "Pedes", "Cibuaya", "Pakisjaya", "Cikampek",
    "Jatisari", "Cilamaya Wetan", "Tirtamulya", "Telagasari", "Rawamerta", "Lemahabang",
    "Tempuran", "Majalaya", "Jayakerta", "Cilamaya Kulon", "Banyusari", "Kotabaru",
    "Karawang Timur", "Telukjambe Barat", "Tegalwaru", "Purwasari", "Cilebar",
)  # fmt: skip
"""The 30 kecamatan of Karawang regency (DOMAIN.md)."""


# --- The catalog -----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a kind of product is like: its category, price range, pack and keeping time.

    Price ranges are DOMAIN.md's table, except bandeng presto, which the table
    does not price (an estimate, like the table's EST rows).
    """

    category: str
    price_low: int
    price_high: int
    price_step: int
    weight_g: int
    volume_ml: int
    shelf_life: tuple[int, int] | None
    """Shortest and longest keeping time in days; None for goods that do not spoil."""
    min_orders: tuple[int, ...]
    base_stock: int
    """Units a producer of ordinary size can deliver, before the season-wide scaling."""
    pirt_codes: tuple[int, int] = (2, 6)
    """P-IRT packaging digit and two-digit food type."""
    tags: tuple[str, ...] = ()


NUTS = ("contains-nuts",)
SPICY = ("spicy",)
ICON = ("local-icon",)
DAIRY = ("contains-dairy", "contains-egg")
EGG = ("contains-egg",)

# fmt: off
KINDS: dict[str, Kind] = {
    # DOMAIN.md: stick/keripik/rengginang pack 250-500 g, Rp 15.000-40.000
    "keripik": Kind("snack", 15_000, 40_000, 500, 270, 1000, (90, 180), (24, 50), 1300),
    # DOMAIN.md: opak, simping, semprong, egg roll pack, Rp 15.000-35.000
    "opak": Kind("snack", 15_000, 35_000, 500, 230, 900, (90, 150), (24, 50), 1300),
    # DOMAIN.md: cookies (nastar, kastengel) per jar, Rp 40.000-100.000
    "cookie_jar": Kind("cookies", 40_000, 100_000, 1000, 650, 1300, (120, 180), (12, 24), 1300),
    # DOMAIN.md: syrup bottle, Rp 20.000-35.000
    "syrup": Kind("beverage", 20_000, 35_000, 500, 700, 750, (365, 365), (24, 50), 2000,
                  pirt_codes=(1, 14), tags=("contains-sugar",)),
    # DOMAIN.md: local ground coffee 200 g, Rp 25.000-45.000
    "coffee": Kind("coffee", 25_000, 45_000, 1000, 220, 350, (180, 365), (12, 24), 1600,
                   pirt_codes=(2, 10), tags=("sugar-free",)),
    # DOMAIN.md: tea bags 25, Rp 6.000-9.000
    "tea": Kind("tea", 6_000, 9_000, 500, 70, 300, (365, 730), (50, 100), 2000,
                pirt_codes=(3, 10), tags=("sugar-free",)),
    # DOMAIN.md: dates per kg, Rp 30.000-70.000 (sold in 1 kg boxes)
    "dates": Kind("dates", 30_000, 70_000, 1000, 1050, 1400, (365, 365), (12, 24), 1900,
                  pirt_codes=(2, 14)),
    # DOMAIN.md: cooking oil 1 L, Rp 16.000-18.000
    "oil": Kind("staples", 16_000, 18_000, 500, 950, 1100, (365, 540), (50, 100), 2400,
                pirt_codes=(2, 7)),
    # DOMAIN.md: sugar 1 kg, Rp 17.500-18.500
    "sugar": Kind("staples", 17_500, 18_500, 500, 1010, 1100, (730, 730), (50, 100), 2400,
                  pirt_codes=(2, 9)),
    # DOMAIN.md: sarung, Rp 55.000-150.000
    "sarung": Kind("fashion", 55_000, 150_000, 5000, 450, 1500, None, (1, 6), 500),
    # DOMAIN.md: batik Karawang, Rp 125.000-400.000
    "batik": Kind("fashion", 125_000, 400_000, 5000, 350, 1000, None, (1,), 240, tags=ICON),
    # Woven bamboo, pandan and water-hyacinth goods, priced like DOMAIN.md's
    # bamboo/rattan basket, Rp 18.000-45.000.
    "craft": Kind("craft", 18_000, 45_000, 1000, 250, 2000, None, (1, 6, 12), 500, tags=ICON),
    # Bandeng presto 500 g, vacuum packed: keeps weeks, not months. DOMAIN.md
    # gives no price; Rp 35.000-60.000 is an estimate.
    "bandeng": Kind("lauk", 35_000, 60_000, 1000, 550, 900, (14, 21), (12, 24), 400,
                    pirt_codes=(2, 2)),
}
# fmt: on


@dataclass(frozen=True)
class Item:
    """A product a producer sells; unset fields come from its kind."""

    name: str
    kind: str
    price: tuple[int, int] | None = None
    """A narrower price range within the kind's, for the dearer or cheaper makes."""
    weight_g: int | None = None
    volume_ml: int | None = None
    shelf_life: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Maker:
    """A producer and what it sells.

    ``size`` is a percentage of an ordinary home industry's output; ``halal``
    is False for food producers still waiting for their certificate; ``bpom``
    marks the larger producers whose processed food carries an MD number
    instead of a P-IRT permit (``"oil"`` when only their cooking oil does).
    """

    name: str
    district: str
    items: tuple[Item, ...]
    size: int = 100
    halal: bool = True
    bpom: Literal["", "all", "oil"] = ""
    sni: bool = False


# fmt: off
MAKERS: tuple[Maker, ...] = (
    # Snacks: rengginang, keripik, opak, simping, semprong, egg roll.
    Maker("Rengginang Ceu Ani", "Rengasdengklok", (
        Item("Rengginang bawang 250 g", "keripik", volume_ml=700, tags=ICON),
        Item("Rengginang terasi 250 g", "keripik", volume_ml=700, tags=ICON),
    )),
    Maker("Opak Cibuaya Nikmat", "Cibuaya", (
        Item("Opak ketan 250 g", "opak", volume_ml=1000, tags=ICON),
    )),
    Maker("Keripik Singkong Mang Ujang", "Telagasari", (
        Item("Keripik singkong original 250 g", "keripik", price=(15_000, 22_000)),
    )),
    Maker("Keripik Balado Teh Neneng", "Banyusari", (
        Item("Keripik singkong balado 250 g", "keripik", price=(16_000, 24_000), tags=SPICY),
    )),
    Maker("Simping Bu Haji Euis", "Cilamaya Wetan", (
        Item("Simping kencur 200 g", "opak", weight_g=220, volume_ml=800, tags=ICON),
        Item("Simping gula merah 200 g", "opak", weight_g=220, volume_ml=800, tags=ICON),
    )),
    Maker("Semprong Teh Lilis", "Kutawaluya", (
        Item("Semprong wijen 250 g", "opak", volume_ml=1200, tags=EGG),
    ), size=80),
    Maker("Bolu Kijing Hj. Omah", "Kutawaluya", (
        Item("Bolu kering kijing 250 g", "keripik", volume_ml=800, shelf_life=(60, 60),
             tags=(*ICON, *EGG)),
    )),
    Maker("Egg Roll Dapur Neng Rina", "Karawang Timur", (
        Item("Egg roll keju 200 g", "opak", volume_ml=900, shelf_life=(90, 90), tags=DAIRY),
    ), size=80),
    Maker("Dapur Bi Enok", "Klari", (
        Item("Keripik bolu 250 g", "keripik", volume_ml=900, shelf_life=(60, 90), tags=EGG),
        Item("Bagelen roti 250 g", "keripik", volume_ml=900, shelf_life=(90, 90), tags=DAIRY),
    )),
    Maker("Rempeyek Ma Icih", "Batujaya", (
        Item("Rempeyek kacang 250 g", "keripik", volume_ml=1000, tags=NUTS),
    )),
    Maker("Kacang Bawang Pak Darso", "Tempuran", (
        Item("Kacang bawang 250 g", "keripik", volume_ml=450, tags=NUTS),
    )),
    Maker("Pangsit Goreng Ceu Popon", "Lemahabang", (
        Item("Pangsit goreng pedas 200 g", "keripik", weight_g=220, volume_ml=1000,
             shelf_life=(60, 90), tags=SPICY),
    ), size=80),
    Maker("Keripik Pisang Bu Entin", "Pangkalan", (
        Item("Keripik pisang manis 250 g", "keripik"),
        Item("Keripik pisang asin 250 g", "keripik"),
    )),
    Maker("Stik Bawang Teh Yeni", "Cikampek", (
        Item("Stik bawang 250 g", "keripik", volume_ml=900, tags=EGG),
    )),
    Maker("KUB Mekar Sari", "Jatisari", (
        Item("Opak ketan bakar 250 g", "opak", volume_ml=1000, tags=ICON),
        Item("Rengginang ketan hitam 250 g", "keripik", volume_ml=700, tags=ICON),
    ), size=140),
    Maker("Keripik Tempe Mak Nunung", "Tirtamulya", (
        Item("Keripik tempe 200 g", "keripik", weight_g=220, volume_ml=900, shelf_life=(90, 120)),
    )),
    Maker("Makaroni Pedas Kang Asep", "Purwasari", (
        Item("Makaroni pedas 250 g", "keripik", price=(15_000, 20_000), volume_ml=800,
             tags=SPICY),
    )),
    Maker("Emping Melinjo Bu Tati", "Pedes", (
        Item("Emping melinjo 250 g", "keripik", price=(32_000, 40_000), volume_ml=800),
    ), size=70),
    Maker("Kerupuk Udang Cilamaya", "Cilamaya Kulon", (
        Item("Kerupuk udang mentah 250 g", "keripik", volume_ml=600, shelf_life=(180, 180),
             tags=("contains-shellfish",)),
    )),
    Maker("Keripik Talas Abah Ocid", "Tegalwaru", (
        Item("Keripik talas 250 g", "keripik"),
    ), size=70),
    Maker("Opak Bakar Teh Iis", "Cilamaya Kulon", (
        Item("Opak bakar 250 g", "opak", volume_ml=1000, tags=ICON),
    )),
    Maker("Kue Bawang Ibu Ida", "Majalaya", (
        Item("Kue bawang 250 g", "keripik", volume_ml=800, tags=EGG),
    )),
    Maker("Keripik Mang Odon", "Rawamerta", (
        Item("Keripik kaca pedas 200 g", "keripik", weight_g=220, volume_ml=900, tags=SPICY),
    ), halal=False),
    # Cookie jars.
    Maker("Kue Kering Teh Ratna", "Cikampek", (
        Item("Kue kacang toples 400 g", "cookie_jar", weight_g=580, volume_ml=1100,
             tags=(*NUTS, *EGG)),
        Item("Putri salju toples 400 g", "cookie_jar", weight_g=580, volume_ml=1100,
             tags=(*NUTS, *DAIRY)),
    ), halal=False),
    Maker("Nastar Bunda Hani", "Karawang Barat", (
        Item("Nastar nanas toples 500 g", "cookie_jar", price=(70_000, 95_000), tags=DAIRY),
        Item("Kastengel keju toples 500 g", "cookie_jar", price=(75_000, 100_000), tags=DAIRY),
    )),
    Maker("Kue Kering Ceu Edah", "Telukjambe Timur", (
        Item("Lidah kucing toples 400 g", "cookie_jar", price=(45_000, 65_000), weight_g=580,
             volume_ml=1100, tags=DAIRY),
    )),
    Maker("Dapur Kue Mama Ayu", "Purwasari", (
        Item("Nastar klasik toples 500 g", "cookie_jar", price=(60_000, 85_000), tags=DAIRY),
        Item("Kue semprit toples 400 g", "cookie_jar", price=(40_000, 55_000), weight_g=580,
             volume_ml=1100, tags=DAIRY),
    )),
    Maker("Toples Kue Hj. Nengsih", "Rawamerta", (
        Item("Sagu keju toples 400 g", "cookie_jar", price=(45_000, 65_000), weight_g=580,
             volume_ml=1100, tags=DAIRY),
        Item("Putri salju toples 400 g", "cookie_jar", price=(50_000, 70_000), weight_g=580,
             volume_ml=1100, tags=DAIRY),
    )),
    Maker("Kukis Teh Dini", "Karawang Timur", (
        Item("Choco chips cookies toples 400 g", "cookie_jar", price=(45_000, 65_000),
             weight_g=580, volume_ml=1100, tags=DAIRY),
    )),
    Maker("Kue Kering Ibu Yayah", "Kotabaru", (
        Item("Kue kacang toples 400 g", "cookie_jar", price=(40_000, 55_000), weight_g=580,
             volume_ml=1100, tags=(*NUTS, *EGG)),
        Item("Nastar keju toples 500 g", "cookie_jar", price=(65_000, 90_000), tags=DAIRY),
    )),
    Maker("Rumah Kue Sari Rasa", "Telukjambe Barat", (
        Item("Nastar premium toples 500 g", "cookie_jar", price=(85_000, 100_000), tags=DAIRY),
        Item("Kastengel premium toples 500 g", "cookie_jar", price=(90_000, 100_000),
             tags=DAIRY),
    ), size=180, bpom="all"),
    Maker("Kue Kering Neng Sari", "Banyusari", (
        Item("Cornflakes cookies toples 400 g", "cookie_jar", price=(40_000, 60_000),
             weight_g=560, volume_ml=1200, tags=DAIRY),
    )),
    Maker("Kue Kering Bu Atikah", "Jayakerta", (
        Item("Kue sagu kelapa toples 400 g", "cookie_jar", price=(40_000, 55_000), weight_g=580,
             volume_ml=1100, tags=EGG),
    )),
    # Syrups.
    Maker("Sirup Kawista Karawang", "Karawang Barat", (
        Item("Sirup kawista 460 ml", "syrup", tags=ICON),
        Item("Sirup jeruk nipis 460 ml", "syrup"),
    ), size=180, bpom="all"),
    Maker("Sirup Pala Abah Entis", "Ciampel", (
        Item("Sirup pala 500 ml", "syrup"),
    )),
    Maker("Sirup Melon Teh Nia", "Tirtajaya", (
        Item("Sirup melon 620 ml", "syrup", weight_g=800, volume_ml=900),
    )),
    Maker("Sirup Cocopandan Ceu Iroh", "Karawang Timur", (
        Item("Sirup cocopandan 620 ml", "syrup", weight_g=800, volume_ml=900),
    )),
    Maker("Sirup Jahe Merah Mang Dadang", "Pangkalan", (
        Item("Sirup jahe merah 500 ml", "syrup"),
    )),
    Maker("Sirup Rosela Bu Yani", "Telagasari", (
        Item("Sirup rosela 500 ml", "syrup"),
    ), size=80),
    Maker("Sirup Markisa Ceu Imas", "Jayakerta", (
        Item("Sirup markisa 500 ml", "syrup"),
    )),
    Maker("Sirup Sereh Pak Haji Dul", "Pakisjaya", (
        Item("Sirup sereh lemon 500 ml", "syrup"),
    ), size=80),
    Maker("Sari Buah Mekar Jaya", "Cikampek", (
        Item("Sirup mangga 620 ml", "syrup", weight_g=800, volume_ml=900),
        Item("Sirup jambu biji 620 ml", "syrup", weight_g=800, volume_ml=900),
    ), size=180, bpom="all"),
    Maker("Sirup Belimbing Dewi", "Majalaya", (
        Item("Sirup belimbing wuluh 500 ml", "syrup"),
    ), size=70),
    # Coffee from Tegalwaru, Pangkalan and Ciampel.
    Maker("Kopi Abah Sanggabuana", "Tegalwaru", (
        Item("Kopi robusta Sanggabuana bubuk 200 g", "coffee", tags=ICON),
        Item("Kopi robusta Sanggabuana biji 200 g", "coffee", price=(35_000, 45_000), tags=ICON),
    ), size=120),
    Maker("Kopi Mang Karna Ciampel", "Ciampel", (
        Item("Kopi liberika Ciampel bubuk 200 g", "coffee", price=(35_000, 45_000), tags=ICON),
        Item("Kopi liberika Ciampel biji 200 g", "coffee", price=(38_000, 45_000), tags=ICON),
    )),
    Maker("Kopi Abah Oyo Pangkalan", "Pangkalan", (
        Item("Kopi robusta Pangkalan 200 g", "coffee", tags=ICON),
    )),
    Maker("KUB Kopi Mekar Wangi", "Tegalwaru", (
        Item("Kopi robusta natural Tegalwaru 200 g", "coffee", tags=ICON),
    ), size=140),
    Maker("Kopi Jahe Bu Oneng", "Telukjambe Barat", (
        Item("Kopi jahe bubuk 200 g", "coffee", price=(25_000, 32_000)),
    ), size=80),
    Maker("Kopi Kalang Karawang", "Karawang Barat", (
        Item("Kopi blend arabika-robusta 200 g", "coffee", price=(38_000, 45_000)),
        Item("Kopi robusta espresso roast 200 g", "coffee", price=(35_000, 45_000)),
    ), size=180, bpom="all"),
    Maker("Kopi Abah Jaja Cigentis", "Tegalwaru", (
        Item("Kopi robusta Cigentis 200 g", "coffee", tags=ICON),
    ), size=70),
    # Tea.
    Maker("Teh Kelor Teh Mira", "Majalaya", (
        Item("Teh celup daun kelor isi 25", "tea"),
    )),
    Maker("Teh Rosela Ceu Ati", "Lemahabang", (
        Item("Teh celup rosela isi 25", "tea"),
    )),
    Maker("Teh Sereh Wangi Pak Ade", "Cilebar", (
        Item("Teh celup sereh isi 25", "tea"),
        Item("Teh celup sereh jahe isi 25", "tea"),
    )),
    Maker("KUB Teh Mekar Tani", "Kotabaru", (
        Item("Teh hijau celup isi 25", "tea"),
        Item("Teh melati celup isi 25", "tea"),
    ), size=140),
    # Dates, repacked per kilogram.
    Maker("Kurma Barokah Karawang", "Karawang Timur", (
        Item("Kurma Sukari 1 kg", "dates", price=(55_000, 70_000)),
        Item("Kurma Khalas 1 kg", "dates", price=(45_000, 60_000)),
    ), size=140),
    Maker("Toko Kurma Hj. Siti", "Cikampek", (
        Item("Kurma Tunisia 1 kg", "dates", price=(40_000, 55_000)),
        Item("Kurma Mesir 1 kg", "dates", price=(30_000, 40_000)),
    )),
    Maker("Kurma Al-Ikhlas Rengasdengklok", "Rengasdengklok", (
        Item("Kurma Lulu 1 kg", "dates", price=(35_000, 50_000)),
    )),
    Maker("Kurma Madinah Telukjambe", "Telukjambe Timur", (
        Item("Kurma Sayer 1 kg", "dates", price=(30_000, 45_000)),
    )),
    # Staples: cooking oil (MD, SNI) and sugar repacked under P-IRT.
    Maker("Toko Sembako Barokah Jaya", "Klari", (
        Item("Minyak goreng sawit 1 L", "oil"),
        Item("Gula pasir 1 kg", "sugar"),
    ), bpom="oil", sni=True),
    Maker("Sembako Ibu Haji Romlah", "Rengasdengklok", (
        Item("Minyak goreng sawit 1 L", "oil"),
        Item("Gula pasir 1 kg", "sugar"),
    ), bpom="oil", sni=True),
    Maker("Grosir Sembako Sumber Rejeki", "Cikampek", (
        Item("Minyak goreng sawit 1 L", "oil"),
        Item("Gula pasir 1 kg", "sugar"),
    ), size=140, bpom="oil", sni=True),
    # Sarung and batik Karawang (motifs Pare Sagedeng, Kawista, Jaipong).
    Maker("Sarung Tenun Pak Rohman", "Jatisari", (
        Item("Sarung tenun motif kotak", "sarung", price=(85_000, 120_000)),
        Item("Sarung tenun premium", "sarung", price=(125_000, 150_000)),
    )),
    Maker("Sarung Tenun Cilebar", "Cilebar", (
        Item("Sarung tenun Cilebar", "sarung", price=(75_000, 110_000)),
    )),
    Maker("Konveksi Sarung Barokah", "Tirtamulya", (
        Item("Sarung katun", "sarung", price=(55_000, 75_000)),
    ), size=150),
    Maker("Batik Pare Sagedeng", "Telukjambe Barat", (
        Item("Kain batik tulis Pare Sagedeng", "batik", price=(300_000, 400_000)),
        Item("Kain batik cap Pare Sagedeng", "batik", price=(150_000, 200_000)),
    )),
    Maker("Batik Kawista Karawang", "Karawang Barat", (
        Item("Kemeja batik Kawista", "batik", price=(200_000, 300_000), weight_g=400,
             volume_ml=1500),
        Item("Kain batik cap Kawista", "batik", price=(150_000, 200_000)),
    )),
    Maker("Batik Jaipong Lestari", "Cikampek", (
        Item("Kain batik cap Jaipong", "batik", price=(135_000, 180_000)),
        Item("Selendang batik Jaipong", "batik", price=(125_000, 150_000), weight_g=200,
             volume_ml=600),
    )),
    Maker("Batik Sekar Majalaya", "Majalaya", (
        Item("Kain batik tulis Kawista", "batik", price=(320_000, 400_000)),
    ), size=70),
    # Woven crafts (bamboo in Klari, water hyacinth, pandan, coconut shell).
    Maker("Anyaman Bambu Balebat", "Klari", (
        Item("Tempat tisu anyaman bambu", "craft", price=(25_000, 35_000), volume_ml=2500),
        Item("Tatakan gelas bambu isi 6", "craft", price=(18_000, 25_000), weight_g=200,
             volume_ml=600),
    ), size=150),
    Maker("Eceng Gondok Kreasi Mandiri", "Klari", (
        Item("Tempat tisu eceng gondok", "craft", price=(28_000, 38_000), volume_ml=2500),
        Item("Tas jinjing kecil eceng gondok", "craft", price=(38_000, 45_000), weight_g=300,
             volume_ml=2500),
    ), size=150),
    Maker("Anyaman Pandan Bu Euis", "Pedes", (
        Item("Dompet anyaman pandan", "craft", price=(18_000, 28_000), weight_g=100,
             volume_ml=400),
        Item("Kotak serbaguna anyaman pandan", "craft", price=(25_000, 40_000), weight_g=200,
             volume_ml=1500),
    )),
    Maker("Kerajinan Bambu Pak Udin", "Tirtajaya", (
        Item("Keranjang buah mini bambu", "craft", price=(25_000, 40_000), weight_g=300),
    )),
    Maker("Kerajinan Batok Mang Ade", "Cilamaya Wetan", (
        Item("Mangkuk batok kelapa isi 2", "craft", price=(25_000, 40_000), weight_g=300,
             volume_ml=1500),
    )),
    # Bandeng presto from the fish ponds of the coast.
    Maker("Bandeng Presto Bu Iyah", "Tempuran", (
        Item("Bandeng presto 500 g", "bandeng"),
    )),
    Maker("Bandeng Duri Lunak Mang Cecep", "Cilamaya Kulon", (
        Item("Bandeng presto duri lunak 500 g", "bandeng"),
    ), halal=False),
)
# fmt: on


@dataclass(frozen=True)
class Wrap:
    """A packaging option: a printed box or a woven basket."""

    id: str
    name: str
    price: int
    capacity_ml: int
    max_weight_g: int
    stock: int
    maker: str | None = None


# fmt: off
WRAPS = (
    Wrap("PKG-BOX-M", "Kardus parcel sedang", 10_000, 7_500, 6_000, 16_000),
    Wrap("PKG-BOX-L", "Kardus parcel besar", 15_000, 11_000, 9_000, 12_000),
    Wrap("PKG-HAMPERS", "Hampers box premium", 32_000, 14_000, 10_000, 3_000),
    Wrap("PKG-BAMBU-M", "Keranjang bambu sedang", 25_000, 10_000, 8_000, 2_000,
         maker="Anyaman Bambu Balebat"),
    Wrap("PKG-BAMBU-L", "Keranjang bambu besar", 40_000, 16_000, 12_000, 1_200,
         maker="Anyaman Bambu Balebat"),
    Wrap("PKG-ECENG", "Keranjang eceng gondok", 38_000, 15_000, 11_000, 1_200,
         maker="Eceng Gondok Kreasi Mandiri"),
)
# fmt: on
"""Boxes Rp 8.000-35.000 and baskets Rp 18.000-45.000 (DOMAIN.md); sizes fit 4-15 items."""


def _price(rng: random.Random, low: int, high: int, step: int) -> int:
    """A price on the ``step`` grid within ``[low, high]``."""
    first = -(-low // step) * step
    return rng.randrange(first, high // step * step + 1, step)


def _shelf_life(rng: random.Random, shelf: tuple[int, int] | None) -> int | None:
    """A keeping time in days within ``shelf``, on a 15-day grid (None for non-food)."""
    if shelf is None:
        return None
    low, high = shelf
    return rng.randrange(low, high + 1, 15) if high - low >= 15 else low


def build_catalog(
    rng: random.Random, makers: Sequence[Maker] = MAKERS, wraps: Sequence[Wrap] = WRAPS
) -> tuple[Catalog, list[int]]:
    """The producers, products and packaging, with each product's stock before scaling.

    Producers are numbered in a shuffled order so that ids do not group by
    category. Each halal producer has one certificate for all its products
    (as BPJPH issues them); P-IRT numbers are per product. ``makers`` and
    ``wraps`` default to the sample season's; the benchmark instances
    (``benchmarks/season_instances.py``) pass generated ones. Producer ids get
    a fourth digit only when there are 1,000 or more makers.
    """
    makers = list(makers)
    rng.shuffle(makers)
    producers: list[Producer] = []
    products: list[Product] = []
    base_stock: list[int] = []
    ids: dict[str, str] = {}
    digits = max(3, len(str(len(makers))))
    producer_serials = rng.sample(range(10, 9999), len(makers))
    halal_serials = rng.sample(range(10_000, 99_999), len(makers))
    for number, maker in enumerate(makers, start=1):
        if maker.district not in KECAMATAN:
            raise ValueError(f"{maker.name}: {maker.district!r} is not a kecamatan of Karawang")
        producer_id = f"KRW-{number:0{digits}d}"
        ids[maker.name] = producer_id
        kinds = [KINDS[item.kind] for item in maker.items]
        food = any(kind.shelf_life is not None for kind in kinds)
        halal = food and maker.halal
        halal_cert = None
        if halal:
            month, year = rng.randrange(1, 13), rng.randrange(22, 27)
            halal_cert = f"ID32110000{halal_serials[number - 1]:05d}{month:02d}{year:02d}"
        certifications: list[str] = []
        for sku_number, (item, kind) in enumerate(zip(maker.items, kinds, strict=True), start=1):
            low, high = item.price or (kind.price_low, kind.price_high)
            shelf = item.shelf_life or kind.shelf_life
            is_food = shelf is not None
            has_md = is_food and (
                maker.bpom == "all" or (maker.bpom == "oil" and item.kind == "oil")
            )
            pirt = None
            if is_food and not has_md:
                pack, food_type = kind.pirt_codes
                pirt = (
                    f"{pack}{food_type:02d}{KARAWANG_REGENCY_CODE}{sku_number:02d}"
                    f"{producer_serials[number - 1]:04d}-{rng.randrange(28, 32)}"
                )
            bpom = f"MD {rng.randrange(2 * 10**11, 3 * 10**11)}" if has_md else None
            product = Product(
                sku=f"{producer_id}-{sku_number:02d}",
                producer_id=producer_id,
                name=item.name,
                category=kind.category,
                price=_price(rng, low, high, kind.price_step),
                stock=0,
                min_order=rng.choice(kind.min_orders),
                halal=halal and is_food,
                halal_cert=halal_cert if is_food else None,
                pirt=pirt,
                bpom=bpom,
                food=is_food,
                weight_g=item.weight_g or kind.weight_g,
                volume_ml=item.volume_ml or kind.volume_ml,
                shelf_life_days=_shelf_life(rng, shelf),
                tags=tuple(dict.fromkeys((*kind.tags, *item.tags))),
            )
            products.append(product)
            base_stock.append(kind.base_stock * maker.size * rng.randrange(80, 121) // 10_000)
            if product.halal:
                certifications.append("halal")
            if pirt:
                certifications.append("pirt")
            if bpom:
                certifications.append("bpom")
        if maker.sni:
            certifications.append("sni")
        producers.append(
            Producer(
                id=producer_id,
                name=maker.name,
                district=maker.district,
                certifications=tuple(
                    c for c in ("halal", "pirt", "bpom", "sni") if c in certifications
                ),
            )
        )
    # Products listed by sku, producers by id: the order a planner's sheet has.
    producers.sort(key=lambda p: p.id)
    order = sorted(range(len(products)), key=lambda i: products[i].sku)
    packaging = [
        Packaging(
            id=wrap.id,
            name=wrap.name,
            price=wrap.price,
            capacity_ml=wrap.capacity_ml,
            max_weight_g=wrap.max_weight_g,
            stock=wrap.stock,
            producer_id=ids[wrap.maker] if wrap.maker else None,
        )
        for wrap in wraps
    ]
    catalog = Catalog(
        season=SEASON,
        producers=tuple(producers),
        products=tuple(products[i] for i in order),
        packaging=tuple(packaging),
    )
    return catalog, [base_stock[i] for i in order]


# --- What a tier may use, and how many items it orders ------------------------------


def may_use(product: Product, rules: EffectiveRules) -> bool:
    """Whether ``rules`` allow ``product`` in a parcel (halal, tags, shelf life)."""
    if rules.halal_only and product.food and not product.halal:
        return False
    if any(tag in rules.exclude_tags for tag in product.tags):
        return False
    return not (
        rules.min_shelf_life_days is not None
        and product.shelf_life_days is not None
        and product.shelf_life_days < rules.min_shelf_life_days
    )


def allowed_packaging(catalog: Catalog, rules: EffectiveRules) -> list[Packaging]:
    """The packaging ``rules`` allow, in catalog order."""
    return [k for k in catalog.packaging if rules.packaging is None or k.id in rules.packaging]


def items_estimate(request: Request, tier: Tier, catalog: Catalog) -> int:
    """Product units a parcel of ``tier`` holds when its budget buys typical products.

    The budget left after fees and the cheapest allowed packaging, divided by
    the low median price of what the tier may use, rounded half up and kept
    within the tier's item limits (see the module docstring).
    """
    rules = effective_rules(request, tier)
    median = statistics.median_low(sorted(p.price for p in catalog.products if may_use(p, rules)))
    cheapest = min(k.price for k in allowed_packaging(catalog, rules))
    room = tier.budget - request.fees.per_parcel - cheapest
    items = (2 * room + median) // (2 * median)
    return max(rules.min_items, min(rules.max_items, items))


def demand_units(requests: Sequence[Request], catalog: Catalog) -> int:
    """The season's demand in product units: parcels x `items_estimate`, summed over tiers."""
    return sum(
        tier.parcels * items_estimate(request, tier, catalog)
        for request in requests
        for tier in request.tiers
    )


def thin_categories(request: Request, catalog: Catalog) -> list[str]:
    """Categories a tier names whose eligible products come from fewer than three producers."""
    thin = []
    for tier in request.tiers:
        rules = effective_rules(request, tier)
        for category, (_, high) in sorted(rules.categories.items()):
            makers = sorted(
                {
                    p.producer_id
                    for p in catalog.products
                    if p.category == category and may_use(p, rules)
                }
            )
            if high > 0 and len(makers) < MIN_PRODUCERS_PER_CATEGORY:
                thin.append(f"{request.id}/{tier.name}: {category} from {len(makers)} producer(s)")
    return thin


# --- Can one request be served on its own? ------------------------------------------


def _split(parcels: int, parts: int) -> list[int]:
    """``parcels`` spread as evenly as possible over ``parts`` variants."""
    return [parcels // parts + (1 if i < parcels % parts else 0) for i in range(parts)]


def quote_exists(request: Request, catalog: Catalog, *, with_stock: bool) -> bool:
    """Whether a valid quote for ``request`` exists (a sufficient test, by CP-SAT).

    Without stock, one parcel per tier that obeys the tier's rules is enough.
    With stock, all tiers are served together from the catalog's stock and each
    used sku reaches its ``min_order``: first with one variant per tier, then
    with ``max_variants`` variants per tier sharing its parcels evenly (fixed
    counts keep the model linear; equal variants merge into one, so this only
    widens the search). A found quote proves feasibility; a miss makes the
    generator draw the request again.
    """
    if not with_stock:
        return _solve(request, catalog, variants=False, with_stock=False)
    if _solve(request, catalog, variants=False, with_stock=True):
        return True
    return any(effective_rules(request, t).max_variants > 1 for t in request.tiers) and _solve(
        request, catalog, variants=True, with_stock=True
    )


def _solve(request: Request, catalog: Catalog, *, variants: bool, with_stock: bool) -> bool:
    model = cp_model.CpModel()
    sku_use: dict[str, list[tuple[int, Any]]] = {}
    package_use: dict[str, list[tuple[int, Any]]] = {}
    fees = request.fees.per_parcel
    for t, tier in enumerate(request.tiers):
        rules = effective_rules(request, tier)
        eligible = [p for p in catalog.products if may_use(p, rules)]
        packaging = allowed_packaging(catalog, rules)
        for category, (low, _) in sorted(rules.categories.items()):
            if low > 0 and not any(p.category == category for p in eligible):
                return False
        parts = min(rules.max_variants, tier.parcels) if variants else 1
        prices = []
        for v, count in enumerate(_split(tier.parcels, parts)):
            qty = {
                p.sku: model.new_int_var(0, rules.max_same_product, f"x{t}_{v}_{p.sku}")
                for p in eligible
            }
            box = {k.id: model.new_bool_var(f"z{t}_{v}_{k.id}") for k in packaging}
            model.add_exactly_one(list(box.values()))
            items = sum(qty.values())
            model.add_linear_constraint(items, rules.min_items, rules.max_items)
            for category, (low, high) in sorted(rules.categories.items()):
                model.add_linear_constraint(
                    sum(qty[p.sku] for p in eligible if p.category == category), low, high
                )
            if rules.max_items_per_producer is not None:
                for producer in catalog.producers:
                    own = [qty[p.sku] for p in eligible if p.producer_id == producer.id]
                    if own:
                        model.add(sum(own) <= rules.max_items_per_producer)
            model.add(
                sum(p.volume_ml * qty[p.sku] for p in eligible)
                <= sum(k.capacity_ml * box[k.id] for k in packaging)
            )
            model.add(
                sum(p.weight_g * qty[p.sku] for p in eligible)
                <= sum(k.max_weight_g * box[k.id] for k in packaging)
            )
            price = (
                sum(p.price * qty[p.sku] for p in eligible)
                + sum(k.price * box[k.id] for k in packaging)
                + fees
            )
            share, whole = rules.min_budget_use.as_integer_ratio()
            model.add(price <= tier.budget)
            model.add(whole * price >= share * tier.budget)
            prices.append(price)
            for p in eligible:
                sku_use.setdefault(p.sku, []).append((count, qty[p.sku]))
            for k in packaging:
                package_use.setdefault(k.id, []).append((count, box[k.id]))
        spread, whole = rules.variant_price_spread.as_integer_ratio()
        for a in prices:
            for b in prices:
                if a is not b:
                    model.add(whole * a <= (whole + spread) * b)
    if with_stock:
        for product in catalog.products:
            uses = sku_use.get(product.sku, [])
            if not uses:
                continue
            total = sum(count * var for count, var in uses)
            model.add(total <= product.stock)
            if product.min_order > 1:
                used = model.new_bool_var(f"used_{product.sku}")
                model.add(total >= product.min_order * used)
                for _, var in uses:
                    model.add(var == 0).only_enforce_if(~used)
        for package in catalog.packaging:
            uses = package_use.get(package.id, [])
            if uses:
                model.add(sum(count * var for count, var in uses) <= package.stock)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    solver.parameters.max_deterministic_time = CHECK_TIME
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


# --- The requests ---------------------------------------------------------------------

# fmt: off
COMPANY_NAMES = (
    "Sinar", "Mitra", "Karya", "Surya", "Cahaya", "Bintang", "Mega", "Prima", "Sentosa", "Nusa",
    "Tunas", "Putra", "Graha", "Lestari", "Agung", "Harapan", "Dharma", "Citra", "Wira", "Jaya",
)
INDUSTRIES = (
    "Otomotif", "Komponen Presisi", "Kemasan", "Plastik", "Baja", "Elektronik", "Tekstil",
    "Kimia", "Pangan", "Logam", "Garmen", "Keramik", "Kertas", "Farmasi", "Ban", "Kabel",
    "Suku Cadang", "Cat", "Kaca", "Furnitur",
)
# fmt: on
KOPERASI_WORDS = ("Sejahtera", "Bersama", "Makmur", "Mandiri", "Berkah", "Maju")

STAFF_BUDGETS = (150_000, 175_000, 200_000, 250_000, 300_000, 350_000)
STAFF_BUDGET_WEIGHTS = (3, 3, 4, 3, 2, 1)
"""Most factories give staff Rp 150.000-250.000; a few more."""
SUPERVISOR_BUDGETS = (250_000, 300_000, 350_000, 400_000, 500_000)
MANAGER_BUDGETS = (500_000, 750_000, 1_000_000, 1_000_000)

Ranges = dict[str, tuple[int, int]]
STAFF_CATEGORIES: tuple[Ranges, ...] = (
    {"beverage": (1, 2), "cookies": (1, 2)},
    {"beverage": (1, 2), "snack": (1, 3)},
    {"beverage": (1, 2), "cookies": (1, 2), "snack": (1, 3)},
    {"cookies": (1, 2), "coffee": (1, 1)},
    {"beverage": (1, 1), "staples": (1, 2)},
    {"beverage": (1, 2), "staples": (2, 2), "snack": (0, 2)},
    {"beverage": (1, 2), "dates": (1, 1)},
    {"snack": (2, 4), "beverage": (1, 2)},
    {"coffee": (1, 1), "tea": (1, 1), "cookies": (1, 2)},
    {"cookies": (1, 2), "snack": (1, 2), "tea": (0, 1)},
)
SUPERVISOR_CATEGORIES: tuple[Ranges, ...] = (
    {"beverage": (1, 2), "cookies": (1, 3), "dates": (0, 1)},
    {"cookies": (2, 3), "coffee": (1, 2), "snack": (1, 3)},
    {"beverage": (1, 2), "cookies": (1, 2), "craft": (0, 1), "dates": (1, 1)},
)
MANAGER_CATEGORIES: tuple[Ranges, ...] = (
    {"fashion": (1, 1), "cookies": (1, 3), "dates": (1, 2)},
    {"fashion": (1, 2), "beverage": (1, 2), "cookies": (1, 2)},
    {"coffee": (1, 2), "dates": (1, 2), "cookies": (2, 3), "craft": (0, 1)},
    {"fashion": (1, 1), "craft": (1, 1), "coffee": (1, 2), "cookies": (1, 2)},
    {"fashion": (0, 1), "dates": (1, 2), "cookies": (2, 4), "beverage": (1, 2)},
)
BOXES = ("PKG-BOX-M", "PKG-BOX-L")
BASKETS = ("PKG-BAMBU-M", "PKG-BAMBU-L", "PKG-ECENG")
PREMIUM = ("PKG-HAMPERS", "PKG-BAMBU-L", "PKG-ECENG")
CATEGORY_LIKES: tuple[dict[str, int], ...] = (
    {"coffee": 2},
    {"dates": 1},
    {"snack": -1},
    {"craft": 1},
    {"beverage": 1, "tea": -1},
    {"cookies": 2, "staples": -1},
)


def request_sizes(rng: random.Random) -> list[int]:
    """Parcels per request, in arrival order: mostly 100-800, a few small, a few large.

    The counts of small and large factories are fixed so the season's shape
    does not hinge on the luck of the draw.
    """
    sizes = [rng.randrange(1_200, 3_001, 100) for _ in range(LARGE_REQUESTS)]
    sizes += [rng.randrange(50, 100, 5) for _ in range(SMALL_REQUESTS)]
    while len(sizes) < REQUEST_COUNT:
        sizes.append(round(rng.triangular(100, 600, 120) / 10) * 10)
    rng.shuffle(sizes)
    return sizes


def _draw_tiers(rng: random.Random, parcels: int) -> list[Tier]:
    """One to three tiers (staff, supervisor, manager) sharing ``parcels``."""
    roll = rng.randrange(100)
    if roll < 30 or parcels < 80:
        budget = rng.choices((*STAFF_BUDGETS, 400_000, 500_000), (*STAFF_BUDGET_WEIGHTS, 1, 1))[0]
        return [Tier(name="staff", parcels=parcels, budget=budget)]
    staff_budget = rng.choices(STAFF_BUDGETS, STAFF_BUDGET_WEIGHTS)[0]
    manager_budget = rng.choice([b for b in MANAGER_BUDGETS if b > staff_budget])
    manager_rules = Rules(
        min_items=rng.choice((6, 7, 8)),
        max_items=rng.choice((12, 14, 15)),
        categories=rng.choice(MANAGER_CATEGORIES),
        max_same_product=2,
        packaging=PREMIUM if rng.randrange(100) < 40 else None,
    )
    if roll < 70:
        managers = max(5, parcels * rng.randrange(5, 13) // 100 // 5 * 5)
        return [
            Tier(name="staff", parcels=parcels - managers, budget=staff_budget),
            Tier(name="manager", parcels=managers, budget=manager_budget, rules=manager_rules),
        ]
    managers = max(5, parcels * rng.randrange(3, 8) // 100 // 5 * 5)
    supervisors = max(10, parcels * rng.randrange(10, 21) // 100 // 5 * 5)
    supervisor_budget = rng.choice(
        [b for b in SUPERVISOR_BUDGETS if staff_budget < b < manager_budget]
    )
    supervisor_rules = (
        Rules(min_items=6, max_items=12, categories=rng.choice(SUPERVISOR_CATEGORIES))
        if rng.randrange(100) < 50
        else Rules()
    )
    return [
        Tier(name="staff", parcels=parcels - supervisors - managers, budget=staff_budget),
        Tier(
            name="supervisor", parcels=supervisors, budget=supervisor_budget, rules=supervisor_rules
        ),
        Tier(name="manager", parcels=managers, budget=manager_budget, rules=manager_rules),
    ]


def _draw_rules(rng: random.Random) -> Rules:
    """The request-wide rules: what a cooperative typically asks of every parcel."""
    given: dict[str, Any] = {}
    given["min_items"] = rng.choice((4, 4, 5, 5, 6))
    given["max_items"] = rng.choice((8, 10, 10, 12))
    given["categories"] = rng.choice(STAFF_CATEGORIES)
    if rng.randrange(100) < 20:
        given["halal_only"] = True
    roll = rng.randrange(100)
    if roll < 20:
        given["exclude_tags"] = ("contains-nuts",)
    elif roll < 25:
        given["exclude_tags"] = ("contains-nuts", "spicy")
    elif roll < 30:
        given["exclude_tags"] = ("spicy",)
    if rng.randrange(100) < 25:
        given["max_same_product"] = 1
    if rng.randrange(100) < 25:
        given["max_items_per_producer"] = rng.choice((2, 3))
    if rng.randrange(100) < 40:
        given["max_variants"] = rng.choice((2, 2, 3))
    if rng.randrange(100) < 10:
        given["variant_price_spread"] = Decimal(rng.choice(("0.05", "0.15")))
    roll = rng.randrange(100)
    if roll < 15:
        given["min_budget_use"] = Decimal("0.90")
    elif roll < 20:
        given["min_budget_use"] = Decimal("0.80")
    if rng.randrange(100) < 25:
        given["min_shelf_life_days"] = rng.choice((60, 90, 120))
    roll = rng.randrange(100)
    if roll < 15:
        given["packaging"] = BOXES
    elif roll < 22:
        given["packaging"] = BASKETS
    return Rules(**given)


def _draw_fees(rng: random.Random) -> Fees:
    """Assembly and koperasi fees per parcel; about a third of requests charge none."""
    if rng.randrange(100) < 30:
        return Fees()
    return Fees(
        assembly=rng.choice((3_000, 3_500, 4_000, 5_000, 6_000, 7_500)),
        koperasi=rng.choice((0, 0, 2_000, 2_500, 5_000, 7_500, 10_000)),
    )


def _draw_preferences(rng: random.Random, catalog: Catalog) -> Preferences:
    """What a company likes or dislikes: categories, or one local icon it asks for."""
    roll = rng.randrange(100)
    if roll < 25:
        return Preferences(categories=rng.choice(CATEGORY_LIKES))
    if roll < 35:
        icons = [p.sku for p in catalog.products if "local-icon" in p.tags and p.halal]
        return Preferences(skus={rng.choice(icons): 2})
    return Preferences()


def draw_request(
    rng: random.Random, number: int, company: tuple[str, str], parcels: int, catalog: Catalog
) -> Request:
    """One cooperative's order, drawn at random (not yet checked for feasibility)."""
    name, industry = company
    koperasi = (
        f"Kopkar PT {name} {industry}"
        if rng.randrange(2)
        else f"Kopkar {name} {rng.choice(KOPERASI_WORDS)}"
    )
    return Request(
        id=f"REQ-{number:04d}",
        company=f"PT {name} {industry} Indonesia",
        koperasi=koperasi,
        delivery_date=FIRST_DELIVERY + dt.timedelta(days=rng.randrange(DELIVERY_DAYS)),
        tiers=tuple(_draw_tiers(rng, parcels)),
        rules=_draw_rules(rng),
        fees=_draw_fees(rng),
        preferences=_draw_preferences(rng, catalog),
    )


def draw_requests(rng: random.Random, catalog: Catalog) -> tuple[list[Request], int]:
    """About 70 requests, each redrawn until every tier has a valid parcel.

    Returns the requests and how many draws were rejected.
    """
    companies = rng.sample([(n, i) for n in COMPANY_NAMES for i in INDUSTRIES], REQUEST_COUNT)
    sizes = request_sizes(rng)
    requests: list[Request] = []
    rejected = 0
    for number, (company, parcels) in enumerate(zip(companies, sizes, strict=True), start=1):
        for _ in range(200):
            request = draw_request(rng, number, company, parcels, catalog)
            if not thin_categories(request, catalog) and quote_exists(
                request, catalog, with_stock=False
            ):
                break
            rejected += 1
        else:
            raise RuntimeError(f"no feasible draw for request {number}")
        requests.append(request)
    return requests, rejected


# --- Putting the season together ------------------------------------------------------


def scale_stock(catalog: Catalog, base: Sequence[int], demand: int) -> Catalog:
    """The catalog with product stock scaled so that demand is the target share of supply.

    Stock is rounded to tens and never below four times the sku's ``min_order``.
    """
    total = sum(base)
    products = []
    for product, units in zip(catalog.products, base, strict=True):
        scaled = units * demand * 100 // (TARGET_DEMAND_PERCENT * total)
        stock = max(4 * product.min_order, (scaled + 5) // 10 * 10)
        products.append(product.model_copy(update={"stock": stock}))
    return catalog.model_copy(update={"products": tuple(products)})


def build_season() -> tuple[Catalog, list[Request]]:
    """The catalog and requests, checked: feasible one by one, tight stock, sane categories."""
    catalog, base = build_catalog(random.Random(SEED))
    requests, rejected = draw_requests(random.Random(SEED + 1), catalog)
    demand = demand_units(requests, catalog)
    catalog = scale_stock(catalog, base, demand)
    supply = sum(p.stock for p in catalog.products)

    problems = [str(p) for p in requests_problems(requests, catalog)]
    problems += [t for r in requests for t in thin_categories(r, catalog)]
    problems += [
        f"{r.id}: no valid quote against the catalog's stock"
        for r in requests
        if not quote_exists(r, catalog, with_stock=True)
    ]
    low, high = DEMAND_PERCENT_RANGE
    if not low * supply <= 100 * demand <= high * supply:
        problems.append(f"demand {demand} is not {low}-{high} % of supply {supply}")
    if problems:
        raise RuntimeError("the season does not hold together:\n" + "\n".join(problems))

    parcels = sum(t.parcels for r in requests for t in r.tiers)
    value = sum(t.parcels * t.budget for r in requests for t in r.tiers)
    print(
        f"{len(catalog.producers)} producers, {len(catalog.products)} products, "
        f"{len(catalog.packaging)} packaging; {len(requests)} requests "
        f"({rejected} draws rejected), {parcels} parcels worth Rp {value:,}; "
        f"demand {demand} units = {100 * demand / supply:.1f} % of stock {supply}",
        file=sys.stderr,
    )
    return catalog, requests


def _to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_season(catalog: Catalog, requests: Sequence[Request], out: Path) -> None:
    """Write the two JSON files into ``out``, with ``format`` first in each document."""
    out.mkdir(parents=True, exist_ok=True)
    fields = catalog.model_dump(mode="json", exclude_defaults=True)
    fields.pop("format", None)
    (out / CATALOG_FILE).write_text(
        _to_json({"format": CATALOG_FORMAT, **fields}), encoding="utf-8", newline="\n"
    )
    documents = []
    for request in requests:
        fields = request.model_dump(mode="json", exclude_defaults=True)
        fields.pop("format", None)
        documents.append({"format": REQUEST_FORMAT, **fields})
    (out / REQUESTS_FILE).write_text(
        _to_json({"requests": documents}), encoding="utf-8", newline="\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Build the season and write it (to ``parcelkit/data`` unless ``--out`` says otherwise)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder to write into")
    args = parser.parse_args(argv)
    catalog, requests = build_season()
    write_season(catalog, requests, args.out)


if __name__ == "__main__":
    main()
