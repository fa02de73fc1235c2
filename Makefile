# notices-warehouse: `make run` builds the warehouse from the bundled corpus; `make test` tests it.
# Needs only python3.11 and make: everything else is installed into .venv from uv.lock.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8

# Defaults that the Dagster definitions and dbt's profile read (override on the command line or env).
export NOTICES_WAREHOUSE ?= $(CURDIR)/warehouse/notices.duckdb
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# The venv's tools first (dagster-dbt looks for `dbt` on PATH, e.g. in `dagster dev`).
export PATH := $(CURDIR)/$(BIN):$(PATH)

DBT_SOURCES := $(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests -type f 2>/dev/null) dbt_project/dbt_project.yml
MANIFEST := dbt_project/target/manifest.json

.PHONY: setup run publish test eval bench dev freshness manifest clean help

help:
	@echo "make run    set up .venv and materialise every asset on the catalogue (default: bundled corpus)"
	@echo "make test   set up and run the test suite"
	@echo "make eval   score the extractors on the evaluation corpus (eval/REPORT.md)"
	@echo "make bench N=1000  time cold / no-change / add-one runs on N generated notices (prints a table)"
	@echo "make dev    start the Dagster UI on the same definitions (PORT=3000 by default)"
	@echo "make publish refresh the snapshot, the exports and the report from the marts (after a dbt build by hand)"
	@echo "make freshness  warn when the raw tables are stale (dbt source freshness)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# uv.lock pins every package; --frozen refuses to install anything the lock does not list.
# --compile-bytecode: every process (the CLI, each worker) would otherwise compile the packages
# it imports (≈ 3 s a start) where PYTHONDONTWRITEBYTECODE is set, as on CI machines.
$(VENV)/.synced: uv.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	@touch $@

setup: $(VENV)/.synced

$(MANIFEST): $(VENV)/.synced $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --profiles-dir . --quiet
	@touch $@

manifest: $(MANIFEST)

run: setup manifest
	$(BIN)/python -m pipelines.cli run

publish: setup
	$(BIN)/python -m pipelines.cli publish

test: setup manifest
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder

eval: setup manifest
	$(BIN)/python -m pipelines.evaluation

N ?= 100
bench: setup manifest
	$(BIN)/python scripts/bench.py $(N)

PORT ?= 3000
dev: setup manifest
	$(BIN)/dagster dev -w workspace.yaml --port $(PORT)

freshness: setup manifest
	cd dbt_project && ../$(BIN)/dbt source freshness --profiles-dir .

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs warehouse/*.duckdb* warehouse/export warehouse/.export-versions warehouse/report.html raw/objects
