"""Tests of the tutorial notebooks in examples/.

`make test` executes them in the documentation build (from docs/tutorials/,
which must hold the same files); `make notebooks` executes them with nbmake.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TUTORIALS = REPO / "docs" / "tutorials"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_tutorials_are_there() -> None:
    """The four planner tutorials the documentation points to exist."""
    names = {path.stem for path in NOTEBOOKS}
    assert {"quote", "season", "fairness", "spreadsheet"} <= names


def test_the_documentation_executes_the_same_notebooks() -> None:
    """docs/tutorials/ holds exactly the notebooks of examples/, byte for byte:
    the documentation build executes those, so it runs what the planners read."""
    tutorials = sorted(TUTORIALS.glob("*.ipynb"))
    assert [p.name for p in tutorials] == [p.name for p in NOTEBOOKS]
    for example, tutorial in zip(NOTEBOOKS, tutorials, strict=True):
        assert example.read_bytes() == tutorial.read_bytes(), tutorial.name


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
