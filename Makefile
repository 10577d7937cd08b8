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

setup: $(STAMP) $(MO)

run: $(STAMP) $(MO)
	$(BIN)/stuurboord run

test: $(STAMP) $(MO)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) instance .pytest_cache
