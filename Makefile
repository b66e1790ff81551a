# The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= sqlite:///disputeflow.db
PORT   ?= 8000

.PHONY: run test docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/disputeflow --db $(DB) init
	$(BIN)/disputeflow --db $(DB) demo --day
	$(BIN)/disputeflow --db $(DB) serve --demo-logins --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The documentation site, into site/ (works offline: open site/index.html).
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict

clean:
	rm -rf site $(VENV) disputeflow.db disputeflow.db-wal disputeflow.db-shm *.egg-info
