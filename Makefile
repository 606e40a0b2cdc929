# Two commands do all the set-up on a fresh clone: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test test-postgres lint typecheck ci tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

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

serve: $(STAMP)
	$(BIN)/resident-id serve --host $(HOST) --port $(PORT) --demo

test: $(STAMP) tools
	$(BIN)/pytest -q

test-postgres: $(STAMP) tools
	RESIDENT_ID_TEST_DATABASE_URL=$${RESIDENT_ID_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} $(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .mypy_cache
