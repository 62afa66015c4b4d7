# One command for a reviewer: `make check` formats-checks, lints, type-checks and tests.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install check format lint types test bench

$(BIN)/pingan:
	python3 -m venv $(VENV) && $(BIN)/pip install -q -e '.[dev]'

install: $(BIN)/pingan

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

bench: install
	$(BIN)/python bench/store_bench.py
