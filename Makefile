# `make run` serves the API on http://127.0.0.1:8000 with the GSOMIA chronology loaded;
# `make test` runs the whole suite. Both create .venv and install on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test token lint compose-check clean

run: $(VENV)/.installed
	$(BIN)/pact-chronology serve

# A write token for local use, e.g. `make token NAME=me` (works while `make run` runs).
token: $(VENV)/.installed
	$(BIN)/pact-chronology token create --name $(or $(NAME),$(USER),local)

test: $(VENV)/.installed
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check events service migrations tests
	$(BIN)/ruff format --check events service migrations tests
	$(BIN)/mypy

# Static validation of the compose file; needs the docker-compose command (no engine).
compose-check:
	docker-compose --file compose.yaml --profile test config --quiet

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pact-chronology needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .pgdata .pytest_cache .hypothesis
