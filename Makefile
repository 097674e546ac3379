# Set-up and everyday commands. `make test` and `make demo` work on a fresh machine:
# they make the virtualenv and install the project first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCREENSHOTS_STAMP := $(VENV)/.screenshots-stamp

.PHONY: install lock test lint demo dev emulator bench screenshots clean clean-data

# Every package comes at the version pinned in constraints.txt (the build tools too, hence no build
# isolation), so a fresh machine gets exactly what CI tested.
$(STAMP): pyproject.toml setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt pip setuptools wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Upgrading: resolve the newest releases pyproject.toml allows into constraints.txt, then `make test`.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip setuptools wheel
	.lock-venv/bin/python -m pip install --quiet '.[test,screenshots]'
	{ sed -n '1,2p' constraints.txt; .lock-venv/bin/python -m pip freeze --all --exclude-editable \
		| grep -v -i '^qbd-pipeline'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .lock-venv build

lint: install
	$(BIN)/ruff check qbd_pipeline qbd_pipeline_tests benchmarks tools

test: install lint
	$(BIN)/python -m pytest

demo: install
	$(BIN)/qbd-pipeline demo

dev: install
	$(BIN)/qbd-pipeline dev

emulator: install
	$(BIN)/python -m qbd_pipeline.emulator

# Figures, not tests (docs/benchmarks.md): the customers pull at 10k and 100k customers on SQLite and
# PostgreSQL against its floors. BENCH_ARGS passes flags, e.g. BENCH_ARGS='--sizes 2000 --dialects sqlite',
# '--million', '--latency', '--write'.
bench: install
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# The README's pictures of the Dagster UI (docs/images/), taken by tools/screenshots.py in headless Chromium
# (the system's: `apt-get install chromium` on Debian; CHROMIUM=/path/to/it otherwise). The `screenshots`
# extra (playwright) is pinned in constraints.txt like everything else; `make test` does not need it.
# SCREENSHOTS_ARGS passes flags, e.g. SCREENSHOTS_ARGS='--dagster-port 3400 --keep-data'.
$(SCREENSHOTS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation -e '.[test,screenshots]'
	touch $(SCREENSHOTS_STAMP)

screenshots: $(SCREENSHOTS_STAMP)
	$(BIN)/python tools/screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

clean-data:
	rm -rf data
