# eISO — the two commands a fresh clone needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo serve test test-sqlite test-postgres test-e2e lint typecheck migrations-check \
        messages compilemessages lock deploy-check bench bench-http clean

$(STAMP): requirements.txt requirements-dev.txt package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

setup: $(STAMP) compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

demo: setup
	@echo "eISO is starting on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

serve:
	$(MANAGE) runserver $(HOST):$(PORT)

compilemessages: $(STAMP)
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

messages: $(STAMP)
	$(MANAGE) makemessages -l vi --no-location --ignore=.venv --ignore=node_modules --ignore=bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint --quiet
	$(VENV)/bin/djlint templates --check --quiet

typecheck: $(STAMP)
	$(VENV)/bin/mypy qms conftest.py tests bench

migrations-check: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

# Unit and integration tests on SQLite, then on PostgreSQL when DATABASE_URL is set,
# then the browser tests (Chromium).
test: $(STAMP) compilemessages lint typecheck migrations-check
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) test-postgres; else echo "DATABASE_URL not set: PostgreSQL run skipped"; fi
	$(MAKE) test-e2e

test-sqlite:
	env -u DATABASE_URL $(PY) -m pytest -m "not e2e" -q -n 2 --create-db

test-postgres:
	$(PY) -m pytest -m "not e2e" -q -n 2 --create-db

test-e2e:
	env -u DATABASE_URL $(PY) -m pytest -m e2e -q --create-db

lock:
	$(VENV)/bin/pip-compile --generate-hashes --strip-extras -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --generate-hashes --strip-extras --allow-unsafe -o requirements-dev.txt requirements-dev.in

deploy-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(openssl rand -hex 32) \
	  ALLOWED_HOSTS=eiso.example.vn $(MANAGE) check --deploy --fail-level WARNING

bench: $(STAMP)
	$(PY) bench/plan_pages.py
	$(PY) bench/reminders.py
	$(PY) bench/documents.py
	$(PY) bench/objectives.py

# Every main page under HTTP load (gunicorn, wrk) next to the admin changelist and the floor.
# BENCH_HTTP_ARGS="--db both --scale 1 10" for PostgreSQL too and a tenfold province.
bench-http: $(STAMP)
	$(PY) bench/http.py $(BENCH_HTTP_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
