# The README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install test lint typecheck pytest demo bench-ingest bench-policy bench-federation bench-matching bench-matching-speed bench-psi bench-fuzzy-psi bench-hub clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VENV)/bin/pytest

test: lint typecheck pytest

demo: $(STAMP)
	$(PY) -m liaison.demo

bench-ingest: $(STAMP)
	$(PY) bench/ingest.py

bench-policy: $(STAMP)
	$(PY) bench/policy.py

bench-federation: $(STAMP)
	$(PY) bench/federation.py

bench-matching: $(STAMP)
	$(PY) bench/matching_quality.py

bench-matching-speed: $(STAMP)
	$(PY) bench/matching_speed.py

bench-psi: $(STAMP)
	$(PY) bench/psi.py

bench-fuzzy-psi: $(STAMP)
	$(PY) bench/fuzzy_psi.py

bench-hub: $(STAMP)
	$(PY) bench/hub.py

clean:
	rm -rf demo-data bench-data .pytest_cache .mypy_cache .ruff_cache
