# The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= sqlite:///disputeflow.db
PORT   ?= 8000

.PHONY: run test browser docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` serves the workspace and may use PostgreSQL: the package with every extra.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[all,test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/disputeflow --db $(DB) init
	$(BIN)/disputeflow --db $(DB) demo --day
	$(BIN)/disputeflow --db $(DB) serve --demo-logins --port $(PORT)

$(VENV)/.installed-bench: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[all,test,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

# The browser tests drive Debian's chromium (never a downloaded browser) and need CJK fonts
# for readable pages; as root, `make test` installs both when they are missing.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq || true; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	  else echo "chromium missing: the browser tests will be skipped with the reason"; fi; \
	fi

test: $(VENV)/.installed-test browser
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

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
