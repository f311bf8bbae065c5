# Partnership Health Check. `make run` serves the demo site; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONWARNINGS := ignore::UserWarning:platformdirs.api

# pytest runs in parallel, one worker per core (each with its own test database).
PYTEST_WORKERS ?= 2

.PHONY: run stop worker backup restore test test-fast lint typecheck install system-packages bench bench-load clean-db

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11 (with venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(PIP) install --quiet -e '.[test]' 2>&1 | grep -v -e "is ignored" -e "^  " -e "^$$" || true
	$(PY) -c "import django, weasyprint, pgserver, playwright, matplotlib" 
	touch $(STAMP)

install: $(STAMP)

# The demo site with a task worker (emails, charts); Ctrl+C (or `make stop` elsewhere) stops the site, the
# worker and the embedded database together. A second `make run` asks /healthz whether port 8000 is ours.
run: install
	@$(PY) -m config.devserver run

stop:
	@$(PY) -m config.devserver stop

# A task worker on its own (production runs one or more: see README.md).
worker: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py db_worker

# The whole database to var/backups/phc-<date>-<time>.dump (or FILE=...), read back to check it.
backup: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py backup $(FILE)

# Replace the database with a backup: make restore FILE=var/backups/phc-....dump (asks first).
restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=var/backups/phc-....dump"; exit 1; }
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py restore "$(FILE)"

system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need these Debian packages:$$missing. Install them with: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy .

# Everything, browser tests included: what CI runs. mypy (single-threaded, ~10 s cold) runs beside pytest
# rather than before it; its report is printed when both are done, and either failing fails the target.
test: install system-packages lint
	@mkdir -p var; $(VENV)/bin/mypy . > var/mypy.log 2>&1 & mypy=$$!; \
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS); tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat var/mypy.log; \
	exit $$(( tests || typed ))

# The inner loop: no browser tests, and the test databases kept between runs.
test-fast: install lint
	PHC_TEST_KEEP_DB=1 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser" --reuse-db

# make bench [SCALE=small|large] [ONLY=journey,results,register,dartboards,pdfs]: see bench/README.md.
bench: install
	$(PY) bench/run.py $(if $(SCALE),--scale $(SCALE),) $(if $(ONLY),--only $(ONLY),)

# nginx, two gunicorn instances, task workers, Redis and PostgreSQL under load, then with one instance and one
# worker killed half way (needs nginx and redis-server: apt-get install nginx redis-server). The earlier run
# with the database restarted half way: $(PY) bench/load.py
bench-load: install
	$(PIP) install --quiet -e '.[test,bench]' 2>&1 | grep -v -e "is ignored" -e "^  " -e "^$$" || true
	$(PY) bench/load_run.py

clean-db: stop
	rm -rf var/pgdata var/test-pgdata-kept
