"""Tests of the tutorial notebooks in examples/ (they are executed by nbmake in `make test`)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_tutorials_are_there() -> None:
    """The four planner tutorials the documentation points to exist."""
    names = {path.stem for path in NOTEBOOKS}
    assert {"quote", "season", "fairness", "spreadsheet"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebooks_are_stored_without_outputs(path: Path) -> None:
    """Notebooks are kept in git stripped: no outputs, no execution counts."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebooks_are_valid(path: Path) -> None:
    """Each notebook is valid nbformat 4 and starts with a title cell."""
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")
