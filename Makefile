# Ship or Skip: every task a developer, CI or an operator runs.
# `make run` and `make test` bootstrap the virtual environment themselves.

HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= shiporskip.settings.dev

.PHONY: venv run serve serve-edge bench bench-cold bench-newsletter test pytest lint format migrations-check lock clean

venv: $(VENV)/.installed

# Reinstall whenever the lock file changes; hashes make the install reproducible.
$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

# The settings read HOST and PORT too: development links (SITE_URL) follow the server.
run: venv
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py createcachetable
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py loadseed
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py rebuild_search_index --if-stale
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# Production mode on this machine, through the container's entrypoint: gunicorn on
# SQLite, the seed fixtures in an empty database, plain HTTP (no HTTPS redirect) and
# development values for the required variables unless they are set.
serve: venv
	env DJANGO_SETTINGS_MODULE=shiporskip.settings.prod DATABASE_URL= \
	  SECRET_KEY="$${SECRET_KEY:-make-serve-development-only-key-not-secret-0123456789}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost,[::1]}" \
	  SITE_URL="$${SITE_URL:-http://localhost:$(PORT)}" \
	  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	  LOAD_SEED="$${LOAD_SEED:-true}" HOST=$(HOST) PORT=$(PORT) \
	  PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bin/entrypoint

# nginx (deploy/nginx.conf) on HOST:PORT caching pages in front of `make serve`'s
# gunicorn on 127.0.0.1:UPSTREAM_PORT (default PORT+1); needs Debian's nginx.
serve-edge: venv
	HOST=$(HOST) PORT=$(PORT) bin/serve-edge

test: venv lint migrations-check pytest

# The suite alone, with the test settings (pyproject.toml), whatever the shell
# exports; DATABASE_URL picks the database (SQLite when unset).
pytest: venv
	DJANGO_SETTINGS_MODULE=shiporskip.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/hadolint Dockerfile

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

# Recompile the hash-pinned lock files from the exact pins in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv==0.13.9
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements/prod.txt
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Throughput, latency, page weight, scale and concurrent writes of the production
# server, as ratios taken in one run (needs Debian's wrk and hey). Rewrites bench/RESULTS.md.
bench: venv
	$(PY) bench/run.py

# Every list page on a cache miss at seed size and at scale (bench/cold_path.py):
# median times, their ratio (target <= 2) and query counts. Rewrites bench/COLD_PATH.md.
# BENCH_COLD_POSTGRES=1 runs it on a throwaway PostgreSQL cluster instead of SQLite.
bench-cold: venv
	$(PY) bench/cold_path.py

# The weekly issue to 10,000 and 100,000 subscribers through an SMTP sink on loopback
# (bench/newsletter_scale.py): msgs/s, the sender's peak memory and its ratio, a
# SIGKILL and re-run checked exactly-once, queries per 100 deliveries. Rewrites
# bench/NEWSLETTER.md. BENCH_NEWSLETTER_ARGS="--subscribers 2000,20000" shrinks it.
bench-newsletter: venv
	$(PY) -m bench.newsletter_scale $(BENCH_NEWSLETTER_ARGS)
