# Two commands do all the set-up on a fresh clone: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test test-postgres test-cbor2-6 lint typecheck ci tools clean lock contract web translations messages

# Installs come from the hashed lock files (`make lock` rewrites them from pyproject.toml).
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

LOCK := $(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --quiet
lock: $(STAMP)
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock
	$(LOCK) --extra dev --override .ci/cbor2-6.txt -o requirements-cbor2-6.lock

# cards/ must read cbor2 6's frozen maps and tuples as it reads cbor2 5's dicts and lists: the
# decoding tests again in a venv of their own with cbor2 6 (python-cwt's tests need cbor2 5).
CBOR2_6 := .venv-cbor2-6
$(CBOR2_6)/.installed: pyproject.toml requirements-cbor2-6.lock
	$(PYTHON) -m venv $(CBOR2_6)
	# --no-deps: the lock is complete, and pip would refuse python-cwt's cbor2 < 6 beside cbor2 6.
	$(CBOR2_6)/bin/pip install --quiet --no-deps --require-hashes -r requirements-cbor2-6.lock
	$(CBOR2_6)/bin/pip install --quiet --no-deps -e .
	touch $@

test-cbor2-6: $(CBOR2_6)/.installed tools
	$(CBOR2_6)/bin/python -c "import cbor2, importlib.metadata as m; v = m.version('cbor2'); assert v.startswith('6.'), v; print('cbor2', v)"
	$(CBOR2_6)/bin/pytest -q -m "not cwt" tests/cards_lib tests/verification tests/cards

# The card tests rasterise PDFs (pdftoppm), read QR codes and barcodes (zbarimg) and print to
# CUPS's printer simulator (ippeveprinter, which needs D-Bus and Avahi to start) with ipptool,
# the IPP client the print station uses; the cards print names in every script with
# the Noto script fonts, Droid Sans Fallback (Chinese, Japanese: TrueType, which reportlab can
# embed, unlike Noto CJK's CFF) and Nanum Gothic (Korean). Install them where missing.
CARD_FONTS := /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf \
	/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
	/usr/share/fonts/truetype/nanum/NanumGothic.ttf
tools:
	@command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null \
	  && command -v ippeveprinter >/dev/null && command -v ipptool >/dev/null \
	  && command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null \
	  && ls $(CARD_FONTS) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    poppler-utils zbar-tools cups-ipp-utils dbus-daemon avahi-daemon \
	    fonts-noto-core fonts-droid-fallback fonts-nanum >/dev/null; }
	@# The browser tests drive Debian's Chromium: never a browser downloaded at run time.
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The web layer's assets: USWDS, Swagger UI and the merchant desk's readers from npm (package-lock.json), copied into a
# gitignored folder the app serves itself; nothing is loaded from a CDN. Node where missing.
WEB_STATIC := app/web/static/vendor
WEB_STAMP := $(WEB_STATIC)/.built
$(WEB_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(WEB_STATIC) && mkdir -p $(WEB_STATIC)/uswds $(WEB_STATIC)/swagger-ui
	cp -r node_modules/@uswds/uswds/dist/css node_modules/@uswds/uswds/dist/js \
	  node_modules/@uswds/uswds/dist/fonts node_modules/@uswds/uswds/dist/img $(WEB_STATIC)/uswds/
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	  $(WEB_STATIC)/swagger-ui/
	@# The merchant desk: the camera's QR reader (the browser's own BarcodeDetector where it reads
	@# QR codes, else ZXing in WebAssembly, served from here), and for offline checks a CBOR
	@# decoder and Ed25519 where the browser's WebCrypto lacks it.
	mkdir -p $(WEB_STATIC)/barcode-detector $(WEB_STATIC)/cborg $(WEB_STATIC)/noble-ed25519
	cp node_modules/barcode-detector/dist/iife/ponyfill.js node_modules/zxing-wasm/dist/reader/zxing_reader.wasm \
	  $(WEB_STATIC)/barcode-detector/
	cp -r node_modules/cborg/cborg.js node_modules/cborg/lib $(WEB_STATIC)/cborg/
	cp node_modules/@noble/ed25519/index.js $(WEB_STATIC)/noble-ed25519/
	touch $(WEB_STAMP)

# Compiled catalogs (.mo) are built, never committed; `make messages` re-extracts the strings.
translations: $(STAMP)
	$(BIN)/pybabel compile -d app/web/translations -D messages --statistics

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o app/web/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/web/translations/messages.pot -d app/web/translations -D messages --no-fuzzy-matching --ignore-obsolete

web: $(WEB_STAMP) translations

serve: $(STAMP) web
	$(BIN)/resident-id serve --host $(HOST) --port $(PORT) --demo

test: $(STAMP) tools web
	$(BIN)/pytest -q

test-postgres: $(STAMP) tools web
	RESIDENT_ID_TEST_DATABASE_URL=$${RESIDENT_ID_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest -q

# The OpenAPI spec against a served app: schemathesis, every check and phase, every role and a
# merchant (tests/contract). CONTRACT_ROLES=admin,merchant picks roles; CONTRACT_MAX_EXAMPLES=20
# digs deeper.
contract: $(STAMP)
	RESIDENT_ID_CONTRACT=1 $(BIN)/pytest -q -m contract tests/contract

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) $(CBOR2_6) var/*.sqlite3 .pytest_cache .mypy_cache
