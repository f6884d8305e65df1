# `make run` serves the API on http://127.0.0.1:8000 with the GSOMIA chronology loaded;
# `make test` runs the whole suite. Both create .venv and install on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run test browser clients tools token bench lint docs compose-test clean

run: $(VENV)/.installed
	$(BIN)/pact-chronology serve

# A write token for local use, e.g. `make token NAME=me` (works while `make run` runs).
token: $(VENV)/.installed
	$(BIN)/pact-chronology token create --name $(or $(NAME),$(USER),local)

test: $(VENV)/.installed browser clients tools
	$(BIN)/pytest -n auto

# The documentation's examples (tests/e2e/test_examples.py) pipe answers through jq, as
# readers do: Debian's package when it is missing and can be had (as root).
tools:
	@command -v jq >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { $(APT_INSTALL) jq || { apt-get update -qq && $(APT_INSTALL) jq; }; } >/dev/null 2>&1; }

# The page test drives headless Chromium: Debian's package when it can be had (as root),
# else the build Playwright downloads for itself.
browser: $(VENV)/.installed
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { $(APT_INSTALL) chromium || { apt-get update -qq && $(APT_INSTALL) chromium; }; } >/dev/null 2>&1; } \
		|| $(BIN)/playwright install chromium

# The generated-client tests (tests/e2e/test_clients.py) run openapi-typescript, tsc and ajv
# from clients/typescript, installed from its lock file (Node.js from Debian when missing,
# as root); a download that fails is tried again.
clients: clients/typescript/node_modules/.installed

clients/typescript/node_modules/.installed: clients/typescript/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { $(APT_INSTALL) nodejs npm || { apt-get update -qq && $(APT_INSTALL) nodejs npm; }; } >/dev/null 2>&1; }
	bash -c 'source .ci/retry.sh && retry npm ci --prefix clients/typescript --no-audit --no-fund --loglevel=error'
	touch $@

# The benchmark table (docs/performance.md); not part of `make test`. Uses wrk when it can
# be had, else a Python load generator.
bench: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } || true
	$(BIN)/python -m bench.run

# The documentation site (docs/), in docs/_build/html; any warning fails the build,
# a broken link or anchor included.
docs: $(VENV)/.installed
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

lint: $(VENV)/.installed
	$(BIN)/ruff check events service migrations tests bench clients docs
	$(BIN)/ruff format --check events service migrations tests bench clients docs
	$(BIN)/mypy
	$(BIN)/mypy docs/conf.py docs/_ext/reference.py
	$(BIN)/lint-imports

# The compose stack for real (docker/compose-test.sh): build, start, check from outside, the
# suite in its container, down -v. Needs a container engine; .ci/run provides one.
compose-test: $(VENV)/.installed
	bash docker/compose-test.sh

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pact-chronology needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --editable '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) .pgdata .pytest_cache .hypothesis docs/_build
