# Portalis: `make demo`, `make test`, `make ui`. Each target sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE := $(VENV)/.installed-base
TESTENV := $(VENV)/.installed-test
# Extra pip options (e.g. an extra index) for machines where the CPU build of torch 2.13.0,
# needed by the transformers backend's tests (extra llm-local), is not on the default index.
PIP_EXTRA ?=
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: setup demo test ui check-defs clean

setup: $(BASE)

# The product: core dependencies only (no torch, no transformers).
$(BASE): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BASE)

# The test tools, plus the CPU torch and transformers the local-model backend's tests load.
$(TESTENV): $(BASE)
	$(BIN)/python -m pip install --quiet $(PIP_EXTRA) -e ".[dev,llm-local]"
	touch $(TESTENV)

demo: $(BASE)
	$(BIN)/portalis demo

test: $(TESTENV)
	$(BIN)/python -m pytest -q

ui: $(BASE)
	$(BIN)/dg dev -w workspace.yaml

check-defs: $(BASE)
	$(BIN)/dg check defs

clean:
	rm -rf $(VENV) .pytest_cache
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
