# The README's two commands: `make run` and `make test`. Each does all its own set-up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: run test setup chromium migrate demo lint bench worker clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change, so a second `make run` starts at once.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=true $(BIN)/python manage.py seed_demo

# HOST is passed on so that, with no SITE_URL set, links in emails point where this serves.
run: demo
	DEBUG=true HOST=$(HOST) $(BIN)/python manage.py runserver $(HOST)

# The browser tests drive Debian's Chromium: installed here when this machine can (root and
# apt-get). Otherwise pytest skips them and its last line says so (CI refuses to skip them).
chromium:
	@if [ ! -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] && [ "$$(id -u)" = 0 ] \
	    && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    >/dev/null || echo "Chromium could not be installed: the browser tests will be skipped"; \
	fi

test: setup chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/flow.py
	$(BIN)/python bench/draw.py
	$(BIN)/python bench/translations.py

worker: setup
	$(BIN)/celery -A config worker --loglevel=INFO

clean:
	rm -rf $(VENV) var staticfiles
