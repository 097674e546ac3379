# Set-up and everyday commands. `make test` and `make demo` work on a fresh machine:
# they make the virtualenv and install the project first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint demo dev emulator clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check qbd_pipeline qbd_pipeline_tests benchmarks

test: install lint
	$(BIN)/python -m pytest

demo: install
	$(BIN)/qbd-pipeline demo

dev: install
	$(BIN)/qbd-pipeline dev

emulator: install
	$(BIN)/python -m qbd_pipeline.emulator

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

clean-data:
	rm -rf data
