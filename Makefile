# Set-up and checks. Both targets work on a fresh machine with only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test notebooks install dev lint docs format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/parcelkit demo

lint: dev
	$(BIN)/ruff check parcelkit tests benchmarks scripts examples
	$(BIN)/ruff format --check parcelkit tests benchmarks scripts
	$(BIN)/mypy parcelkit

# The documentation site must build without a warning (built outside the tree).
docs: dev
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir "$$(mktemp -d)"

# The tests. The documentation build before them executes every tutorial notebook
# (docs/tutorials/ holds the same files as examples/, a test checks), so the
# notebooks are not run a second time here; `make notebooks` runs them alone.
test: lint docs
	$(BIN)/pytest -q tests

notebooks: dev
	$(BIN)/pytest -q --nbmake examples

format: dev
	$(BIN)/ruff check --fix parcelkit tests benchmarks scripts examples
	$(BIN)/ruff format parcelkit tests benchmarks scripts

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
