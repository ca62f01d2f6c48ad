# Recovery Directory — the two commands are `make run` and `make test`.
# Every target installs what it uses, so both work on a bare machine with Python 3.11 and Node.

PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# `make run` is a local demonstration: DEBUG off (like production), plain HTTP on loopback, and
# a secret key generated once into data/secret_key.
RUN_ENV := DEMO_MODE=true HTTPS=false PORT=$(PORT)

.DEFAULT_GOAL := help
.PHONY: help run test install install-test assets static bench loadtest lint format lock clean

help:
	@echo "make run    - set up everything and serve the demo site on http://127.0.0.1:$(PORT)"
	@echo "make test   - install test requirements and run the whole test suite"
	@echo "make bench  - load a large data set and print page timings (see README)"
	@echo "make loadtest - serve the bench data with gunicorn and load it with locust (see README)"
	@echo "make lint   - ruff check, ruff format check and mypy"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"

$(VENV)/.installed: $(BIN)/python requirements/base.txt
	$(BIN)/pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/test.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/.built: node_modules/.installed $(wildcard static/src/*)
	npm run --silent build
	@touch $@

assets: static/dist/.built

static: install assets
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0 --ignore src

run: install static
	$(RUN_ENV) DB_STATEMENT_TIMEOUT=0 $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Recovery Directory is running on http://127.0.0.1:$(PORT)/"
	@echo "  Admin: http://127.0.0.1:$(PORT)/admin/"
	@echo "    moderator / demo-moderator-2026   (directory moderator)"
	@echo "    editor    / demo-editor-2026      (editor of one demo organisation)"
	@echo "    manager   / demo-manager-2026     (manager of that organisation)"
	@echo "    linkworker / demo-linkworker-2026 (link worker)"
	@echo "  Press Ctrl+C to stop."
	@echo ""
	$(RUN_ENV) $(BIN)/gunicorn recovery_directory.wsgi --config python:recovery_directory.gunicorn --bind 127.0.0.1:$(PORT) --workers 3

test: install-test assets
	$(BIN)/python -m pytest

# Loading 100 000 services and migrating over them may take statements longer than the web's limit.
bench: install-test static
	DATA_DIR=$${DATA_DIR:-data/bench} $(RUN_ENV) DB_STATEMENT_TIMEOUT=0 ALLOWED_HOSTS=testserver $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATA_DIR=$${DATA_DIR:-data/bench} $(RUN_ENV) DB_STATEMENT_TIMEOUT=0 ALLOWED_HOSTS=testserver $(BIN)/python manage.py bench $(BENCH_ARGS)

# Concurrent load (locust) on the app served by gunicorn as `make run` serves it, on the bench
# data (loaded first if missing; BENCH_ARGS as for bench). LOADTEST_SECONDS per run, LOADTEST_USERS.
loadtest: install-test static
	DATA_DIR=$${DATA_DIR:-data/bench} $(RUN_ENV) DB_STATEMENT_TIMEOUT=0 ALLOWED_HOSTS=testserver $(BIN)/python manage.py migrate --noinput --verbosity 0
	DATA_DIR=$${DATA_DIR:-data/bench} $(RUN_ENV) DB_STATEMENT_TIMEOUT=0 $(BIN)/python manage.py loadtest $(BENCH_ARGS) --seconds $${LOADTEST_SECONDS:-60} --users $${LOADTEST_USERS:-50}

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the pinned requirement files from pyproject.toml in a throwaway environment.
lock:
	rm -rf /tmp/rd-lock && $(PYTHON) -m venv /tmp/rd-lock
	/tmp/rd-lock/bin/pip install --quiet pip-tools==7.6.2
	/tmp/rd-lock/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements/base.txt pyproject.toml
	/tmp/rd-lock/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra test --output-file requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
