# The two commands: `make run` and `make test`. Only python3 and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1
## Where `make run` and `make serve` listen: `make run PORT=8123`.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-dev system-packages run serve test lint format check security bench db-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

## Two stamps: running needs requirements.txt only; tests and tooling add
## requirements-dev.txt (which includes it), so `make test` after `make run` installs it.
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed-runtime
setup-dev: $(VENV)/.installed-dev

## Debian packages the bill PDFs need (WeasyPrint: Pango, HarfBuzz; fonts with ₹ and
## Telugu and Devanagari letters). Installs only what is missing; root or sudo.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libfontconfig1 fonts-dejavu-core fonts-lohit-telu fonts-lohit-deva
system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  echo "Installing:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## One job worker (background jobs: billing runs, messages, the schedules) beside the
## server, in the same recipe line: stopped when the server stops, Ctrl-C included.
## `$(call with_worker,ENV)` goes before the server's command, ENV its settings.
with_worker = $(1) $(BIN)/python manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM;

## Start the embedded PostgreSQL, migrate, load the demo dairy, print where each role
## logs in, serve on $(HOST):$(PORT) with a job worker beside it.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py generate_deliveries --date today --days 2
	$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)
	$(call with_worker) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serve like production: gunicorn + WhiteNoise, DEBUG off, on $(HOST):$(PORT), and a job worker.
## Plain HTTP on localhost, so HTTPS redirects and secure cookies are off unless you set them.
## DEBUG off needs a secret key: unless SECRET_KEY is set (environment or .env), one is
## generated once into var/secret_key (git-ignored) and read through SECRET_KEY_FILE.
SERVE_ENV = DEBUG=0 SECRET_KEY_FILE=$${SECRET_KEY_FILE:-$(CURDIR)/var/secret_key}
serve: setup var/secret_key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Serving on http://$(HOST):$(PORT)/ (staff /login/, delivery boys /d/login/, customers /me/login/)"
	$(call with_worker,$(SERVE_ENV)) \
	$(SERVE_ENV) SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} BIND=$(HOST):$(PORT) \
	$(BIN)/gunicorn earlybird.wsgi:application -c gunicorn.conf.py

var/secret_key:
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

## Run the whole test suite on PostgreSQL.
test: setup-dev
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## manage.py check --deploy with production-like values: must print no warning.
check: setup
	DEBUG=0 SECRET_KEY=ci-$$(date +%s%N)-a-long-random-production-secret-value-0123456789 \
	ALLOWED_HOSTS=dairy.example.in TRUSTED_PROXY_COUNT=1 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

## Security checks: bandit (no medium/high issue) and pip-audit on both requirement files.
security: setup-dev
	$(BIN)/bandit -q -c pyproject.toml -r earlybird customers messaging orders deliveries billing legacy_import web -x '*/tests/*,*/migrations/*' -ll
	$(BIN)/pip-audit -r requirements.txt -r requirements-dev.txt --progress-spinner off

## Every benchmark in bench/ at a few minutes' size, each against its honest floor; writes
## docs/benchmarks.md. The design-scale runs are one-off (they take longer):
## `$(BIN)/python bench/run_all.py --only billing-50k` (or import-10k) adds their rows.
bench: setup
	$(BIN)/python bench/run_all.py

## Stop the embedded PostgreSQL (it keeps running between commands).
db-stop:
	-$(BIN)/python -c "import pgserver._commands as c, pathlib; c.pg_ctl(['-w', 'stop'], pgdata=pathlib.Path('var/pg').resolve(), user='pgserver' if __import__('os').geteuid() == 0 else None)"
