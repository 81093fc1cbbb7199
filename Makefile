# The README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install test lint typecheck pytest demo screenshots messages bench-ingest bench-policy bench-federation bench-matching bench-matching-speed bench-psi bench-fuzzy-psi bench-hub clean

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

# the browser tests, saving their screenshots into docs/screenshots (the tests
# alone save them to a temporary folder and leave the working tree clean)
screenshots: $(STAMP)
	LIAISON_SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest tests/web/browser -q

# the web interface's message catalogues: extract the ids, merge them into fil and ru
LOCALES := src/liaison/web/locales
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ -k Nn_:1,2 --no-location --sort-output \
		--project Liaison -o $(LOCALES)/messages.pot .
	for lang in fil ru; do \
		test -f $(LOCALES)/$$lang/LC_MESSAGES/messages.po \
		|| $(VENV)/bin/pybabel -q init -D messages -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang; \
		$(VENV)/bin/pybabel -q update -D messages -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang \
			--no-fuzzy-matching --ignore-obsolete; \
	done

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
