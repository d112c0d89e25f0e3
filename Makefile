# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench install install-dev chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded,dev]'
	touch $@ $(VENV)/.run-installed

install: $(VENV)/.run-installed
install-dev: $(VENV)/.dev-installed chromium

# Headless Chromium for the screenshot test of the auditor's report: Debian's package, once.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { \
	    echo "Install Chromium (headless screenshots of the auditor's report)." >&2; exit 1; }; \
	  echo "Installing Chromium for the report's screenshot test ..."; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || { \
	    $(SUDO) apt-get update -qq && \
	    $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; }

## run: the whole system on the embedded stack with demo data (Ctrl-C stops it)
run: install
	$(BIN)/wirkung dev

## test: ruff, mypy and the whole pytest suite (integration tests included)
test: install-dev lint
	$(BIN)/pytest

## bench: all seven benchmarks of issue 7 in one run on a large city-year (about an hour)
bench: install
	$(BIN)/python -m bench.all --city large

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf .wirkung .mypy_cache .pytest_cache .ruff_cache
