# The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= sqlite:///disputeflow.db

.PHONY: run test docs bench clean

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

$(VENV)/.installed-bench: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The documentation site, into site/ (works offline: open site/index.html).
docs: $(VENV)/.installed-test
	$(BIN)/mkdocs build --strict
# Every bench/bench_*.py; figures to bench/results.json, bench/results.md and the README.
# BENCH_PG: a PostgreSQL server to measure on (skipped, with the reason, when unreachable).
BENCH_PG ?= $(or $(DISPUTEFLOW_TEST_PG),postgresql+psycopg://postgres@127.0.0.1:5432/test)
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --pg '$(BENCH_PG)' $(BENCH_ARGS)

clean:
	rm -rf site $(VENV) disputeflow.db disputeflow.db-wal disputeflow.db-shm *.egg-info
