# Cartel — the two set-up commands are `make demo` and `make test` (see README.md).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: demo test install messages lint check clean-demo

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP) messages

# Compiled translations are build products: made from locale/*.po at install time.
messages: $(STAMP)
	@cd collections && ../$(PY) ../manage.py compilemessages --verbosity 0
	@$(PY) manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=collections

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean-demo:
	rm -f cartel.sqlite3 cartel.sqlite3-wal cartel.sqlite3-shm
	rm -rf media
