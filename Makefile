# One command for a reviewer: `make check` formats-checks, lints, type-checks and tests.
VENV ?= .venv
BIN := $(VENV)/bin
# Reinstalled whenever pyproject.toml changes, so a venv made with fewer extras gets the tools.
INSTALLED := $(VENV)/.installed-dev

.PHONY: install check format lint types test snapshots bench ci

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV) && $(BIN)/pip install -q -e '.[dev]' && touch $(INSTALLED)

install: $(INSTALLED)

format: install
	$(BIN)/ruff format .

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy

test: install
	$(BIN)/pytest -n 2

check: lint types test

# Rewrite tests/__snapshots__/*.svg from the current screens (review the diff before committing).
snapshots: install
	$(BIN)/pytest tests/test_tui_snapshot.py -n 0 --snapshot-update

bench: install
	$(BIN)/python bench/store_bench.py
	$(BIN)/python bench/demo_bench.py

# What CI runs: a fresh install, then format, lint, types and the README's test command.
ci:
	.ci/run
