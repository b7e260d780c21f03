"""Solves over one parcel of a tier, and tiers filled one parcel kind at a time.

- `best_parcel`: the priciest valid parcel of a tier, a proven upper bound on
  the tier's value per parcel.
- `fill_tier`: a tier's parcels shared evenly over a few variants, each the
  best single parcel for its share, within the stock and ``min_order`` left by
  what was filled before (a `Ledger`). "Best" is the priciest (the value
  stage's candidate) or, first, the one with the most of the later stages'
  `Aims`: producers not yet selling, the company's preferences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from math import ceil

from ortools.sat.python import cp_model

from parcelkit.models import Status
from parcelkit.solve.objectives import parcel_preference, sells_term
from parcelkit.solve.parcel import Composition, ParcelContents, TierSpec, add_composition
from parcelkit.solve.stages import STATUS_MAP, Limits, parameters

Fill = list[tuple[ParcelContents, int]]
"""A tier's variants as (parcel, count) pairs."""

PROOF_PRESOLVE = False
"""Whether CP-SAT presolves the single-parcel solves whose answer is a number
and its proof: `best_parcel`'s price and the later stages' bounds
(`parcelkit.solve.bounds`). On these small models presolve is most of the
time: measured on the 391 such solves of a third of the latency benchmark's
quotes, 2.64 s -> 0.79 s, with every status and objective the same. The
solves whose parcel is used (`fill_tier`) keep it: without it their search
paths, and so their parcels, change."""


def best_parcel(spec: TierSpec, limits: Limits) -> tuple[Status, int | None, ParcelContents | None]:
    """The priciest single valid parcel of a tier: status, price and contents."""
    model = cp_model.CpModel()
    composition = add_composition(model, spec, "best")
    model.maximize(composition.price)
    solver = parameters(limits, presolve=PROOF_PRESOLVE)
    status = STATUS_MAP.get(solver.solve(model), Status.UNKNOWN)
    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return status, None, None
    return (
        status,
        int(solver.value(composition.price)),
        contents_of(solver, composition.packaging, composition.qty),
    )


@dataclass(frozen=True)
class Window:
    """The prices a tier's variants may take: at least ``low``, at most ``high``."""

    low: int
    high: int


def top_window(spec: TierSpec, best_price: int) -> Window:
    """Prices from the best parcel's down to where the variant price spread still holds."""
    ratio = spec.spread_ratio
    return Window(max(spec.price_low, ceil(best_price / ratio)), best_price)


@dataclass
class Ledger:
    """What the parcels chosen so far use up: stock, min_order shortfalls, producers."""

    left: dict[str, int]
    """Units left per sku and packaging id."""
    short: dict[str, int]
    """Units of a sku still needed before its min_order is met."""
    taken: set[str] = field(default_factory=set)
    """Producers already selling."""
    owed: set[str] = field(default_factory=set)
    """Skus booked below their min_order: the parcels filled next must lift them."""

    def copy(self) -> Ledger:
        """An independent copy, for a trial that may be thrown away."""
        return Ledger(dict(self.left), dict(self.short), set(self.taken), set(self.owed))

    def take(self, parcel: ParcelContents, count: int, owner: Mapping[str, str]) -> None:
        """Book ``count`` parcels of ``parcel``."""
        package, contents = parcel
        self.left[package] -= count
        if package in owner:
            self.taken.add(owner[package])
        for sku, qty in contents.items():
            self.left[sku] -= qty * count
            self.short[sku] = max(0, self.short.get(sku, 0) - qty * count)
            self.taken.add(owner[sku])
            if self.short[sku] > 0:
                self.owed.add(sku)
            else:
                self.owed.discard(sku)


@dataclass(frozen=True)
class Aims:
    """What a filled parcel should have most of, in order, before price.

    ``order`` names the terms: ``spread`` (producers not yet selling, weighted
    by ``weights``) and ``preferences`` (the company's ``likes`` per sku unit).
    """

    order: tuple[str, ...] = ()
    weights: Mapping[str, int] = field(default_factory=dict)
    likes: Mapping[str, int] = field(default_factory=dict)


def fill_tier(
    spec: TierSpec,
    parcels: int,
    window: Window,
    ledger: Ledger,
    owner: Mapping[str, str],
    limits: Limits,
    aims: Aims | None = None,
    splits: Sequence[Sequence[int]] | None = None,
    share_owed: bool = False,
) -> Fill | None:
    """Fill a tier's parcels with a few variants priced in ``window``; book them in ``ledger``.

    Each variant is the best parcel its share of the stock allows: the most of
    ``aims`` in order, then the priciest. With spread among the aims the most
    variants are tried first (more variants, more producers), each number
    split evenly and then unevenly (`UNEVEN`), otherwise one first; ``splits``,
    when given, are tried instead (parcels per variant). None when no split
    works.

    Skus booked below their min_order (the ledger's ``owed``) go into the
    first variant, all of them; with ``share_owed``, when no parcel holds them
    all, a variant holds as many as it can and leaves the rest to the
    variants and tiers after it.
    """
    aims = aims or Aims()
    most = min(spec.rules.max_variants, parcels)
    ratio = spec.spread_ratio
    if splits is None:
        splits = _splits(parcels, most, aims)
    for split in splits:
        trial = ledger.copy()
        filled: Fill = []
        prices = window
        for count in split:
            found = _best_share(
                spec, count, prices, trial, owner, aims, limits, share_owed=share_owed
            )
            if found is None:
                break
            parcel, price = found
            prices = _within_spread(prices, price, ratio)
            trial.take(parcel, count, owner)
            filled.append((parcel, count))
        else:
            ledger.left, ledger.short, ledger.taken = trial.left, trial.short, trial.taken
            ledger.owed = trial.owed
            return filled
    return None


def _splits(parcels: int, most: int, aims: Aims) -> list[list[int]]:
    """The splits `fill_tier` tries by default, in turn."""
    spread = "spread" in aims.order
    counts = range(most, 0, -1) if spread else range(1, most + 1)
    if not (UNEVEN if spread else VALUE_UNEVEN):
        return [_even(parcels, slots) for slots in counts]
    return [
        split
        for slots in counts
        for split in (_even(parcels, slots), _halved(parcels, slots))
        if split
    ]


def need_splits(
    spec: TierSpec,
    parcels: int,
    needs: Mapping[str, int],
    owner: Mapping[str, str],
    window: Window,
    limit: int | None = None,
) -> list[list[int]]:
    """Splits of a tier's parcels that give min_orders a variant of their size,
    the most promising first.

    A good with ``need`` units to order, at ``q`` units a parcel, sells alone
    through a variant of ``ceil(need / q)`` parcels. For each such size ``m``
    the split has as many variants of ``m`` as leave parcels for the rest,
    which share what is left evenly (REQ-0056: 60 parcels, goods with
    min_orders 12, 24 and 50 at one unit a parcel; the split 24, 24, 12 sells
    for one producer more than 20, 20, 20 or 30, 15, 15). None is the even
    split. They are ranked by `_alone`, the producers a split's variants
    could sell for on their own within ``window``, and the first ``limit``
    kept.
    """
    most = min(spec.rules.max_variants, parcels)
    goods = [
        (owner[p.sku], -(-max(1, needs.get(p.sku, 1)) // spec.max_same[p.sku]), p.price)
        for p in spec.products
    ]
    room = window.high - spec.fees - min(p.price for p in spec.packaging)
    sizes = {
        -(-max(1, needs.get(p.sku, 1)) // qty)
        for p in spec.products
        for qty in range(1, spec.max_same[p.sku] + 1)
    }
    found: list[list[int]] = []
    for size in sorted(s for s in sizes if 1 < s < parcels):
        alike = min(most - 1, (parcels - 1) // size)
        rest = parcels - alike * size
        if alike == 0 or rest < most - alike:
            continue
        split = sorted([size] * alike + _even(rest, most - alike), reverse=True)
        if split not in found and split != _even(parcels, most):
            found.append(split)
    found.sort(key=lambda split: -_alone(split, goods, room, spec.rules.max_items))
    return found[:limit]


def _alone(
    split: Sequence[int], goods: Sequence[tuple[str, int, int]], room: int, items: int
) -> int:
    """About how many producers the variants of ``split`` could sell for, each
    producer through one variant: ``goods`` are (producer, fewest parcels of a
    variant it sells through, price); a variant takes, smallest variant first,
    the cheapest producers it can sell for, one unit each, up to ``room``
    rupiah and ``items`` units."""
    taken: set[str] = set()
    for size in sorted(split):
        cost: dict[str, int] = {}
        for producer, fewest, price in goods:
            if fewest <= size and producer not in taken:
                cost[producer] = min(cost.get(producer, price), price)
        spent = 0
        for producer, price in sorted(cost.items(), key=lambda item: (item[1], item[0]))[:items]:
            if spent + price > room:
                break
            spent += price
            taken.add(producer)
    return len(taken)


def _even(parcels: int, slots: int) -> list[int]:
    """``parcels`` shared over ``slots`` variants as evenly as they go, largest first."""
    return [parcels // slots + (1 if index < parcels % slots else 0) for index in range(slots)]


def _halved(parcels: int, slots: int) -> list[int]:
    """Half the parcels in the first variant, the other half shared evenly by the
    rest; [] when that is the even split (one or two variants) or a variant
    would get none."""
    if slots < 3:
        return []
    rest = _even(parcels // 2, slots - 1)
    if min(rest) < 1:
        return []
    return [parcels - sum(rest), *rest]


UNEVEN = True
"""Whether a fill aiming at spread also tries, after each even split, one with
half the parcels in the first variant. Goods with a large min_order then fit
the large variant, and goods with a small one the others (REQ-0010, 110
parcels, max_same_product 1: no three even variants of 37 fit, three of 55,
28 and 27 do; its spread 16 -> 21 producers). Measured interleaved on the
latency benchmark's 130 quotes: spread in all 51,620 -> 51,700, within 1 % of
the bound 30 -> 31, the same median time."""

VALUE_UNEVEN = True
"""Whether a fill for value alone (the value stage's candidate, most variants
last) also tries, after each even split, the one with half the parcels in
the first variant. SYN-0007 of the latency benchmark (1,400 manager parcels
at Rp1.000.000): no three even variants of 467 parcels fit near the best
parcel, three of 700, 350 and 350 do, and its value stage reaches its bound
instead of stopping 2.5 % below it (the quote is proven optimal)."""


def refill_variant(
    spec: TierSpec,
    fill: Fill,
    index: int,
    window: Window,
    ledger: Ledger,
    owner: Mapping[str, str],
    limits: Limits,
    aims: Aims,
    keep_producers: bool = False,
) -> Fill | None:
    """``fill`` with its variant ``index`` replaced by the best parcel for its count.

    ``ledger`` has everything else in the quote booked, this variant left out:
    the new parcel has the most of ``aims`` among fresh producers, within
    ``window`` and the price spread of the tier's other variants, and lifts
    whatever min_order that leaves short. With ``keep_producers`` it must also
    sell for producers weighing at least as much as those only this variant
    sold for, so the quote's spread does not fall. None when no parcel fits or
    the best one is a variant the tier already has.
    """
    for other, (parcel, _) in enumerate(fill):
        if other != index:
            window = _within_spread(window, parcel_price(spec, parcel), spec.spread_ratio)
    if window.low > window.high:
        return None
    count = fill[index][1]
    keep = 0
    if keep_producers:
        package, contents = fill[index][0]
        sellers = {owner[key] for key in (package, *contents) if key in owner}
        keep = sum(aims.weights.get(j, 10) for j in sorted(sellers - ledger.taken))
    found = _best_share(spec, count, window, ledger, owner, aims, limits, keep)
    if found is None or any(parcel == found[0] for parcel, _ in fill):
        return None
    return [*fill[:index], (found[0], count), *fill[index + 1 :]]


def parcel_price(spec: TierSpec, parcel: ParcelContents) -> int:
    """What one parcel of ``spec``'s tier costs: its goods, its box and the fees."""
    package, contents = parcel
    prices = {p.sku: p.price for p in spec.products}
    box = next(p.price for p in spec.packaging if p.id == package)
    return box + spec.fees + sum(prices[sku] * qty for sku, qty in contents.items())


def _within_spread(window: Window, price: int, ratio: Fraction) -> Window:
    """The part of ``window`` within the variant price spread of a variant at ``price``.

    A window as narrow as the spread needs nothing more; a wider one (the
    value stage's last try, every price left) would otherwise give variants
    that are each the best on its own and too far apart in price (seen on
    SYN-0007 of the latency benchmark: Rp1.000.000 and Rp857.500 under a 10 %
    spread, a candidate the model then rejected).
    """
    return Window(max(window.low, ceil(price / ratio)), min(window.high, int(price * ratio)))


def _best_share(
    spec: TierSpec,
    count: int,
    window: Window,
    ledger: Ledger,
    owner: Mapping[str, str],
    aims: Aims,
    limits: Limits,
    keep: int = 0,
    share_owed: bool = False,
) -> tuple[ParcelContents, int] | None:
    """The best parcel in ``window`` for ``count`` parcels of the stock left, and its price.

    With ``keep`` the parcel must hold producers of at least that weight that
    sell nowhere else yet (the ledger's ``taken``). It holds every owed sku;
    with ``share_owed``, when no parcel can, as many as it can (`fill_tier`).
    """
    narrowed = _narrowed(spec, count, ledger)
    if narrowed is None:
        return None
    tries = [True]
    if share_owed and any(sku in ledger.owed for sku in narrowed.max_same):
        tries.append(False)
    for all_owed in tries:
        model = cp_model.CpModel()
        composition = add_composition(model, narrowed, "fill")
        owed_in = []
        for sku, chain in composition.steps.items():
            per_parcel = -(-ledger.short.get(sku, 0) // count)
            owed = sku in ledger.owed
            _meet_min_order(model, chain, per_parcel, owed and all_owed)
            if owed and chain and not all_owed:
                owed_in.append(chain[0])
        model.add(composition.price >= window.low)
        model.add(composition.price <= window.high)
        if keep:
            fresh = {j: w for j, w in aims.weights.items() if j not in ledger.taken}
            new_owner = {key: j for key, j in owner.items() if j in fresh}
            model.add(sells_term(model, [composition], new_owner, fresh) >= keep)
        if owed_in:
            # as many owed skus as one parcel holds first, then the aims
            model.maximize(cp_model.LinearExpr.sum(owed_in))
            solver = parameters(limits)
            if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                continue
            model.add(cp_model.LinearExpr.sum(owed_in) >= round(solver.objective_value))
        aimed: Aimed = (composition, narrowed, window, 1)
        model.maximize(lexicographic(model, [aimed], ledger, owner, aims))
        solver = parameters(limits)
        if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            contents = contents_of(solver, composition.packaging, composition.qty)
            return contents, int(solver.value(composition.price))
    return None


def _narrowed(spec: TierSpec, count: int, ledger: Ledger) -> TierSpec | None:
    """``spec`` with what ``count`` parcels alike can take of the stock left; None
    when no packaging has that many boxes left."""
    left = ledger.left
    max_same = {sku: min(most, left[sku] // count) for sku, most in spec.max_same.items()}
    boxes = tuple(p for p in spec.packaging if left[p.id] >= count)
    if not boxes:
        return None
    return replace(spec, max_same=max_same, packaging=boxes)


def fewest_short_parcel(
    spec: TierSpec,
    count: int,
    window: Window,
    ledger: Ledger,
    limits: Limits,
    owner: Mapping[str, str] | None = None,
    aims: Aims | None = None,
) -> ParcelContents | None:
    """For ``count`` parcels of the stock left, the parcel in ``window`` that leaves
    the fewest goods short of their min_order, the priciest of those; with
    ``aims`` (and ``owner``), of those the one with the most of ``aims``, as
    `fill_tier`'s parcels, then the priciest.

    A good is short when ``count`` parcels at its most units cannot meet what
    it still needs (the ledger's ``short``): other tiers must then lift it.
    The aims come in a second solve, with no more goods short than the first
    found: as one objective their weights dwarf the count and the search
    stops short of the fewest. None when no parcel fits.
    """
    narrowed = _narrowed(spec, count, ledger)
    if narrowed is None:
        return None
    fewest: int | None = None
    for aimed in (False, True) if aims and owner else (False,):
        model = cp_model.CpModel()
        composition = add_composition(model, narrowed, "lift")
        model.add(composition.price >= window.low)
        model.add(composition.price <= window.high)
        short = cp_model.LinearExpr.sum(
            [
                chain[0]
                for sku, chain in composition.steps.items()
                if chain and ledger.short.get(sku, 0) > count * len(chain)
            ]
        )
        if aimed:
            assert aims is not None and owner is not None and fewest is not None
            model.add(short <= fewest)
            model.maximize(
                lexicographic(model, [(composition, narrowed, window, 1)], ledger, owner, aims)
            )
        else:
            model.maximize(composition.price - (window.high + 1) * short)
        solver = parameters(limits)
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        fewest = int(solver.value(short))
    return contents_of(solver, composition.packaging, composition.qty)


def variant_counts(
    parcels: Sequence[ParcelContents],
    total: int,
    ledger: Ledger,
    limits: Limits,
) -> list[int] | None:
    """Parcel counts for ``parcels``, one variant each, that add up to ``total``,
    every variant with one parcel at least, within the stock left and each sku
    reaching what it still needs (the ledger's ``left`` and ``short``); None
    when there are none (or none were found within ``limits``).

    `parcelkit.solve.bounds.joint_variants` picks variants with no regard to
    counts: when this finds some, those variants are a quote.
    """
    model = cp_model.CpModel()
    counts = [model.new_int_var(1, total, f"count:{index}") for index in range(len(parcels))]
    model.add(cp_model.LinearExpr.sum(counts) == total)
    units: dict[str, list[tuple[int, cp_model.IntVar]]] = {}
    for (package, contents), count in zip(parcels, counts, strict=True):
        units.setdefault(package, []).append((1, count))
        for sku, qty in contents.items():
            units.setdefault(sku, []).append((qty, count))
    for key, parts in sorted(units.items()):
        used = cp_model.LinearExpr.weighted_sum([c for _, c in parts], [q for q, _ in parts])
        model.add(used <= ledger.left.get(key, 0))
        model.add(used >= ledger.short.get(key, 0))
    solver = parameters(limits)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [int(solver.value(count)) for count in counts]


def _meet_min_order(
    model: cp_model.CpModel, chain: list[cp_model.IntVar], per_parcel: int, owed: bool
) -> None:
    """A sku whose min_order is not met yet goes in with ``per_parcel`` units, or not at all.

    One already booked below its min_order (``owed``) must go in, with as many
    units as it may, up to ``per_parcel``.
    """
    if not chain or per_parcel == 0:
        return
    if owed:
        model.add(chain[min(per_parcel, len(chain)) - 1] == 1)
    elif per_parcel == 1:
        return
    elif per_parcel > len(chain):
        model.add(chain[0] == 0)
    else:
        model.add(chain[per_parcel - 1] == 1).only_enforce_if(chain[0])


Aimed = tuple[Composition, TierSpec, Window, int]
"""One parcel kind in an objective: its composition, spec and price window, and
how many parcels it stands for."""


def lexicographic(
    model: cp_model.CpModel,
    parts: Sequence[Aimed],
    ledger: Ledger,
    owner: Mapping[str, str],
    aims: Aims,
) -> cp_model.LinearExpr:
    """The aims, then price, as one integer objective: each term outweighs all after it.

    Over one parcel kind or several (`parcelkit.solve.pair`), each counted for
    its parcels: producers not yet selling (``ledger.taken``) count once
    whichever parts hold them, preferences and price per parcel.
    """
    compositions = [composition for composition, _, _, _ in parts]
    counts = [count for _, _, _, count in parts]
    objective = cp_model.LinearExpr.weighted_sum([c.price for c in compositions], counts)
    # the values the terms so far can take, as a width
    span = sum(count * window.high for _, _, window, count in parts) + 1
    for aim in reversed(aims.order):
        if aim == "spread":
            fresh = {j: w for j, w in aims.weights.items() if j not in ledger.taken}
            new_owner = {key: j for key, j in owner.items() if j in fresh}
            term = sells_term(model, compositions, new_owner, fresh)
            reach = sum(fresh.values())
        else:
            term = cp_model.LinearExpr.weighted_sum(
                [parcel_preference(c, aims.likes) for c in compositions], counts
            )
            reach = sum(
                count * abs(w) * spec.max_same.get(sku, 0)
                for _, spec, _, count in parts
                for sku, w in aims.likes.items()
            )
        objective = span * term + objective
        span *= 2 * reach + 1
    return objective


def contents_of(
    solver: cp_model.CpSolver,
    packaging: Mapping[str, cp_model.IntVar],
    qty: Mapping[str, cp_model.LinearExpr],
) -> ParcelContents:
    """The parcel a solved composition holds, as plain data."""
    package = next(k for k, var in packaging.items() if solver.boolean_value(var))
    contents = {sku: int(solver.value(q)) for sku, q in qty.items()}
    return package, {sku: q for sku, q in contents.items() if q > 0}


__all__ = [
    "Aimed",
    "Aims",
    "Fill",
    "Ledger",
    "Window",
    "best_parcel",
    "contents_of",
    "fewest_short_parcel",
    "fill_tier",
    "lexicographic",
    "need_splits",
    "parcel_price",
    "refill_variant",
    "top_window",
    "variant_counts",
]
