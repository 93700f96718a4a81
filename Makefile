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
# Where `make ui` serves the web UI (`make ui PORT=3001`); `make demo` prints addresses on it.
HOST ?= 127.0.0.1
PORT ?= 3000

.PHONY: setup demo test ui check-defs clean sandbox-tools browser-tools

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

# bubblewrap, the sandbox repository code runs in (README, Sandbox). Installed with apt-get when
# missing and we are root; otherwise a note, and the sandbox falls back a level (unshare, then
# rlimits, which refuses repository code without --allow-unsandboxed).
sandbox-tools:
	@if command -v bwrap >/dev/null 2>&1; then \
		echo "sandbox-tools: $$(bwrap --version)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
			|| echo "sandbox-tools: could not install bubblewrap; the sandbox falls back a level"; \
	else \
		echo "sandbox-tools: bwrap not installed and not root (apt-get install bubblewrap); the sandbox falls back a level"; \
	fi

# Headless Chromium and its WebDriver, for the test that drives the web UI (tests/test_ui.py)
# and benchmarks/ui_screenshots.py. Installed with apt-get when missing and we are root; otherwise a
# note, and that test skips saying chromium is not installed.
browser-tools:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		echo "browser-tools: $$(chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
			|| echo "browser-tools: could not install chromium; the web UI browser test skips"; \
	else \
		echo "browser-tools: chromium not installed and not root (apt-get install chromium chromium-driver); the web UI browser test skips"; \
	fi

demo: $(BASE)
	PORTALIS_UI_URL=http://$(HOST):$(PORT) $(BIN)/portalis demo --python

# Two workers (pytest-xdist): the suite waits on subprocesses (cargo, Dagster runs) as much as it
# computes. `make test WORKERS=0` runs it in one process. Groups: tests/conftest.py.
WORKERS ?= 2
test: $(TESTENV) sandbox-tools browser-tools
	$(BIN)/python -m pytest -q $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadgroup)

# dg warns (once per process it starts) when the active virtual environment is not the project's:
# run it as if .venv were activated, which is what it checks.
DG := VIRTUAL_ENV=$(CURDIR)/$(VENV) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dg

ui: $(BASE)
	$(DG) dev -w workspace.yaml --host $(HOST) --port $(PORT)

check-defs: $(BASE)
	$(DG) check defs

clean:
	rm -rf $(VENV) .pytest_cache
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} +
