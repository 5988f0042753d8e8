# The two commands: `make run` (set up, then serve on 127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_TEST_DB ?= proxycall_test
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/$(PG_TEST_DB)
# The coverage floor: lines and branches together (branch mode), over all the tests.
COVERAGE_FLOOR ?= 90

.PHONY: run test setup lint typecheck bench eval browser wrk postgres coverage clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	PROXYCALL_LOG_FILE="$${PROXYCALL_LOG_FILE:-var/app.log}" $(VENV)/bin/proxycall serve --host 127.0.0.1 --port 8000

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped"; }

# PostgreSQL for the at-scale tests: start it if it is not running, create the test database.
postgres:
	@scripts/ensure-postgres.sh "$(PG_TEST_DB)"

test: setup browser
	@if scripts/ensure-postgres.sh "$(PG_TEST_DB)"; then \
	  export PROXYCALL_TEST_DATABASE_URL="$${PROXYCALL_TEST_DATABASE_URL:-$(PG_TEST_URL)}"; \
	else echo "PostgreSQL unavailable: its tests will skip (they fail in CI)"; fi; \
	if scripts/ensure-redis.sh; then \
	  export PROXYCALL_TEST_REDIS_URL="$${PROXYCALL_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"; \
	else echo "Redis unavailable: its tests will skip (they fail in CI)"; fi; \
	$(PY) -m pytest -q -p no:cacheprovider --cov=proxycall --cov-report=term:skip-covered \
	  --cov-fail-under=$(COVERAGE_FLOOR)

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

coverage: setup
	$(PY) -m pytest -q -p no:cacheprovider --cov=proxycall --cov-report=term-missing:skip-covered \
	  --cov-report=html:var/coverage

# wrk drives the load (it barely uses the CPU the server needs); Debian's package, like chromium.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the bench"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || echo "wrk could not be installed: the bench cannot run"; }

bench: setup wrk
	@if scripts/ensure-postgres.sh "$(PG_TEST_DB)"; then \
	  export PROXYCALL_BENCH_DATABASE_URL="$${PROXYCALL_BENCH_DATABASE_URL:-$(PG_TEST_URL)}"; \
	else echo "PostgreSQL unavailable: measured on SQLite only"; fi; \
	$(PY) bench/bench_engine.py && $(PY) bench/bench_latency.py

eval: setup
	$(PY) bench/eval_parsers.py

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache
