# Cartel — the two set-up commands are `make demo` and `make test` (see README.md).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
# The tablet app's barcode decoder (for browsers without BarcodeDetector), pinned by
# package-lock.json, installed by npm and copied here; never committed (see .gitignore).
TABLET_VENDOR := collections/static/collections/tablet/vendor
ZXING := $(TABLET_VENDOR)/zxing-library.min.js
# The portal's zoom viewer (OpenSeadragon), pinned by package-lock.json, installed by npm
# and copied here; never committed (see .gitignore). axe-core, for the browser tests, stays in node_modules.
PORTAL_VENDOR := portal/static/portal/vendor
OPENSEADRAGON := $(PORTAL_VENDOR)/openseadragon.min.js

.PHONY: demo test install messages lint check clean-demo

# `python -P` keeps the current folder off sys.path: until the project is installed, our
# `collections/` folder would hide the standard library's `collections` (see DEVELOPERS.md).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -P -m venv $(VENV)
	$(PY) -P -m pip install --quiet --upgrade "pip>=24"
	$(PY) -P -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -P -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

$(ZXING): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Debian: apt-get install npm): it installs the tablet app's barcode decoder."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(TABLET_VENDOR)
	cp node_modules/@zxing/library/LICENSE $(TABLET_VENDOR)/zxing-library.LICENSE.txt
	cp node_modules/@zxing/library/umd/index.min.js $@

$(OPENSEADRAGON): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Debian: apt-get install npm): it installs the portal's zoom viewer."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(PORTAL_VENDOR)
	cp node_modules/openseadragon/LICENSE.txt $(PORTAL_VENDOR)/openseadragon.LICENSE.txt
	rm -rf $(PORTAL_VENDOR)/openseadragon-images
	cp -r node_modules/openseadragon/build/openseadragon/images $(PORTAL_VENDOR)/openseadragon-images
	cp node_modules/openseadragon/build/openseadragon/openseadragon.min.js $@

install: $(STAMP) $(ZXING) $(OPENSEADRAGON)

# Refresh the French catalogue after changing user-facing strings (needs GNU gettext).
# The compiled locale/fr/LC_MESSAGES/django.mo is committed, so installing needs no gettext.
messages: $(STAMP)
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=demo \
		--ignore=node_modules --ignore='*/vendor/*'
	$(PY) manage.py compilemessages --ignore=.venv

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
