# postloan — the two commands a newcomer needs are `make run` and `make test`.
# Everything they need is installed from lock files: Python deps from uv.lock (via a pinned uv),
# the buf CLI from package-lock.json.

SHELL := /bin/bash
PYTHON_BOOTSTRAP ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
BUF := node_modules/.bin/buf
PYTEST_ARGS ?=

.PHONY: help install run test test-unit test-integration test-e2e test-faults test-embedded proto \
        proto-check lint typecheck bench clean

help:
	@echo "make run    - start PostgreSQL (embedded unless POSTLOAN_PG_URL), all services; Ctrl-C stops"
	@echo "make test   - install, check generated code, lint, typecheck, and run every test"
	@echo "make test-faults - the SIGKILL fault campaign over the whole suite (TRIALS=20)"
	@echo "make test-embedded - database tests on the embedded PostgreSQL even when a server is set"
	@echo "                     (a chosen set; EMBEDDED_TESTS=tests for all of them)"
	@echo "make proto  - regenerate Python code from protos/"
	@echo "make bench  - run the benchmarks (figures go to docs/performance.md by hand)"

$(UV):
	$(PYTHON_BOOTSTRAP) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml protos/pyproject.toml runtime/pyproject.toml \
                    $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --all-packages
	@touch $@

$(BUF): package-lock.json
	@# package.json pins the exact buf version (its platform binary is pinned by buf itself);
	@# `npm ci` refuses locks written without other platforms' optional binaries, so install.
	npm install --no-save --no-audit --no-fund --silent
	@touch $@

install: $(VENV)/.installed $(BUF)

run: install
	$(VENV)/bin/postloan run

proto: install
	PYTHON=$(PY) protos/generate.sh

# Fails when the committed generated code differs from what the protos generate now.
proto-check: install
	@tmp=$$(mktemp -d) && PYTHON=$(PY) protos/generate.sh $$tmp && \
	  diff -r -q protos/python/postloan $$tmp/postloan && rm -rf $$tmp && \
	  echo "generated code is up to date"

lint: install
	cd protos && ../$(BUF) lint
	$(VENV)/bin/ruff check .

# Its own cache: one left by a partial run (mypy services/monitoring, say) can make a later full
# run report modules as missing attributes of their package.
typecheck: install
	$(VENV)/bin/mypy --cache-dir .mypy_cache/make runtime/src services

test-unit: install
	$(PY) -m pytest -m unit $(PYTEST_ARGS)

test-integration: install
	$(PY) -m pytest -m integration $(PYTEST_ARGS)

test-e2e: install
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

# SIGKILL a random service or simulator during each trial of a loan's whole story and check
# nothing was lost or applied twice (docs/lifecycle.md#fault-campaign). Not part of `make test`.
# One trial again: POSTLOAN_FAULT_SEED=<seed printed> make test-faults
TRIALS ?= 20
test-faults: install
	$(PY) -m pytest -m faults tests/faults -s --fault-trials=$(TRIALS) $(PYTEST_ARGS)

test: install proto-check lint typecheck
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark with its default size, one after another (about 20 minutes on 2 cores; 500k
# cases and 100k loans are the big ones). Run on a quiet machine; figures go to
# docs/performance.md by hand. Not part of `make test`.
BENCHES := schedule floor inquiry post_repayment contact_check quote runtime_overhead daily_cycle \
           assignment
bench: install
	@for b in $(BENCHES); do echo "== bench/bench_$$b.py"; \
	  $(PY) bench/bench_$$b.py || exit 1; done

# Database-backed tests once more on the embedded PostgreSQL (the pgserver wheel's PostgreSQL 16
# over its Unix socket), whatever server is configured. By default the tests that exercise what
# differs between the two: every service as a process and the demo (e2e), every migration,
# the shared database layer and server lifecycle, and the two largest set-based statements (the
# daily cycle, bulk tiering); about 3 minutes on 2 cores. EMBEDDED_TESTS=tests runs every
# integration and e2e test there (about 10 minutes).
EMBEDDED_TESTS ?= tests/e2e tests/integration/test_migrations.py tests/integration/runtime \
                  tests/integration/runtime_server/test_server_lifecycle.py \
                  tests/integration/monitoring/test_monitoring_daily_cycle.py \
                  tests/integration/collection_cases/test_collection_bulk_tiering.py
test-embedded: install
	POSTLOAN_TEST_DATABASE_URL= $(PY) -m pytest -m "integration or e2e" $(EMBEDDED_TESTS) \
	  $(PYTEST_ARGS)

include deploy/deploy.mk

clean:
	rm -rf $(VENV) $(TOOLS) node_modules .pytest_cache .ruff_cache .mypy_cache
