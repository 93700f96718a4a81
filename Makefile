# Portalis: `make demo`, `make test`, `make ui`. Each target sets up .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extra pip options, e.g. PIP_EXTRA="--extra-index-url https://download.pytorch.org/whl/cpu" where the
# CPU build of torch 2.13.0 (extra llm-local: the transformers backend's tests) is not on the default index.
PIP_EXTRA ?=
export DAGSTER_HOME := $(CURDIR)/dagster_home

.PHONY: setup demo test ui check-defs clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_EXTRA) -e ".[dev,llm-local]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/portalis demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

ui: $(STAMP)
	$(BIN)/dg dev -w workspace.yaml

check-defs: $(STAMP)
	$(BIN)/dg check defs

clean:
	rm -rf $(VENV) .pytest_cache
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
