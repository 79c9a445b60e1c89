# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= ../shared/data/paperlists
export LABSCOUT_HOME ?= $(CURDIR)/.labscout

.PHONY: install sysdeps demo test lint typecheck unit bench bench-pipeline clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The tests need a real PostgreSQL server and Debian's Chromium; install them when missing (needs root or sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
sysdeps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing PostgreSQL and Chromium (Debian packages)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql chromium; \
	fi

install: sysdeps $(STAMP)

# The demo account; change the password with `labscout user` once you keep real data.
DEMO_USER     ?= demo@labscout.local
DEMO_PASSWORD ?= labscout-demo
HOST ?= 127.0.0.1
PORT ?= 8000

demo: install
	@if [ ! -f "$(LABSCOUT_HOME)/research.duckdb" ]; then \
	  if [ -d "$(DATA)" ]; then $(BIN)/labscout ingest "$(DATA)"; \
	  else echo "No paper lists at $(DATA): run 'make demo DATA=/path/to/paperlists'"; exit 1; fi; \
	fi
	@$(BIN)/labscout user list --as "$(DEMO_USER)" >/dev/null 2>&1 || \
	  $(BIN)/labscout user add "$(DEMO_USER)" --name "Demo Executive" --role executive --password "$(DEMO_PASSWORD)" || \
	  echo "(This pipeline has other users already: sign in with one of them, or add $(DEMO_USER) --as one.)"
	@echo
	@echo "LabScout is starting at http://$(HOST):$(PORT)/"
	@echo "Sign in as $(DEMO_USER) with password $(DEMO_PASSWORD) (role: executive)."
	@echo "Add teammates with: $(BIN)/labscout user add EMAIL --name NAME --role hr|recruiter|viewer --as $(DEMO_USER)"
	@echo
	$(BIN)/labscout serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

test: lint typecheck unit

bench: install
	$(BIN)/python bench/ingest.py

# 8 concurrent writers moving 10,000 candidates through the stages on a throw-away PostgreSQL server.
bench-pipeline: install
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
