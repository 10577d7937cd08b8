# Two commands (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The English catalogue of the web app (Dutch is the source language).
MO := webapp/translations/en/LC_MESSAGES/messages.mo
$(MO): webapp/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel --quiet compile -d webapp/translations

# Browser-side libraries, pinned in package-lock.json: bpmn-js and dmn-js (diagrams and the
# modeller, served from node_modules by webapp/vendor.py) and axe-core (accessibility checks);
# installed again whenever package.json or the lock file changes.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else \
		echo "npm not found: no BPMN diagrams or modeller (pages list the steps as text), and the browser tests skip the accessibility checks" >&2; \
	fi

setup: $(STAMP) $(MO) $(NODE_STAMP)

run: $(STAMP) $(MO) $(NODE_STAMP)
	$(BIN)/stuurboord run

test: $(STAMP) $(MO) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
