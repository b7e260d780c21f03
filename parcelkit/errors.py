"""Exceptions raised by parcelkit, and the located problems they carry.

Input that breaks a rule of the data format raises a specific error holding
every problem found in one pass (never just the first), each with its place:
file, sheet, row as a spreadsheet shows it (header = row 1), and field.
Only a real failure of the optimizer raises `SolverError`; an infeasible
request is a normal result, not an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and where it is.

    Attributes
    ----------
    message
        What is wrong, in words a planner understands.
    file
        The file (or folder) it was read from, when known.
    sheet
        The sheet of a workbook, the CSV file's stem, or the JSON collection
        (``products``, ``tiers``, ...).
    row
        The row as a spreadsheet shows it (the header is row 1, the first
        record row 2); for JSON, the 1-based position in its list.
    field
        The column or JSON key.
    value
        The value found, as text, when there was one.
    expected
        What was expected instead.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    expected: str | None = None

    def place(self) -> str:
        """The location as one readable phrase, e.g. ``products.csv, row 7, price``."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        place = self.place()
        return f"{place}: {text}" if place else text


class ParcelkitError(Exception):
    """Base class of every error parcelkit raises on purpose."""


@dataclass(eq=False)
class InputError(ParcelkitError):
    """Input that breaks the data format; holds every problem found."""

    problems: list[Problem] = field(default_factory=list)
    what: str = "input"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the {self.what}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


@dataclass(eq=False)
class CatalogError(InputError):
    """A catalog that cannot be read or breaks a rule of the format."""

    what: str = "catalog"


@dataclass(eq=False)
class RequestError(InputError):
    """Requests that cannot be read, break a rule, or do not fit the catalog."""

    what: str = "requests"


@dataclass(eq=False)
class ResultError(InputError):
    """A quote or plan file that cannot be read as the format describes."""

    what: str = "result"


class SolverError(ParcelkitError):
    """The optimizer failed, or produced a result that does not verify."""
