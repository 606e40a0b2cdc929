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

# The card tests rasterise PDFs (pdftoppm) and read QR codes (zbarimg): install them where missing.
tools:
	@command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils zbar-tools >/dev/null; }

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
