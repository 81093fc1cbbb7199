# The README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
# One stamp per extra installed into the venv, keyed on pyproject.toml's hash: a changed
# pyproject makes every stamp stale. `make demo` installs the runtime only (no test tools,
# no benchmark baselines); `make test` adds the `test` extra, benchmarks the `bench` extra,
# `make install` everything (`dev`). Installing an extra also stamps what it includes.
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
STAMP_RUNTIME := $(VENV)/.installed-$(HASH)-runtime
STAMP_TEST := $(VENV)/.installed-$(HASH)-test
STAMP_BENCH := $(VENV)/.installed-$(HASH)-bench
STAMP_DEV := $(VENV)/.installed-$(HASH)-dev

# $(call pip-install,SPEC,STAMPS): install SPEC, drop the stamps of older pyproject
# versions, then stamp what is now installed
define pip-install
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '$(1)'
	find $(VENV) -maxdepth 1 -name '.installed-*' ! -name '.installed-$(HASH)-*' -delete
	touch $(2)
endef

.PHONY: install test lint typecheck pytest demo screenshots messages bench-ingest bench-audit bench-policy bench-federation bench-matching bench-matching-speed bench-psi bench-fuzzy-psi bench-hub clean

$(STAMP_RUNTIME): pyproject.toml
	$(call pip-install,.,$(STAMP_RUNTIME))

$(STAMP_TEST): pyproject.toml
	$(call pip-install,.[test],$(STAMP_TEST) $(STAMP_RUNTIME))

$(STAMP_BENCH): pyproject.toml
	$(call pip-install,.[bench],$(STAMP_BENCH) $(STAMP_RUNTIME))

$(STAMP_DEV): pyproject.toml
	$(call pip-install,.[dev],$(STAMP_DEV) $(STAMP_TEST) $(STAMP_BENCH) $(STAMP_RUNTIME))

install: $(STAMP_DEV)

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/ruff format --check src tests bench examples

typecheck: $(STAMP_TEST)
	$(VENV)/bin/mypy

pytest: $(STAMP_TEST)
	$(VENV)/bin/pytest

test: lint typecheck pytest

# make demo DEMO_ARGS='--no-serve --entities 200' (python -m liaison.demo --help)
DEMO_ARGS ?=
demo: $(STAMP_RUNTIME)
	$(PY) -m liaison.demo $(DEMO_ARGS)

# the browser tests, saving their screenshots into docs/screenshots (the tests
# alone save them to a temporary folder and leave the working tree clean)
screenshots: $(STAMP_TEST)
	LIAISON_SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest tests/web/browser -q

# the web interface's message catalogues: extract the ids, merge them into fil and ru
LOCALES := src/liaison/web/locales
messages: $(STAMP_RUNTIME)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ -k Nn_:1,2 --no-location --sort-output \
		--project Liaison -o $(LOCALES)/messages.pot .
	for lang in fil ru; do \
		test -f $(LOCALES)/$$lang/LC_MESSAGES/messages.po \
		|| $(VENV)/bin/pybabel -q init -D messages -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang; \
		$(VENV)/bin/pybabel -q update -D messages -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang \
			--no-fuzzy-matching --ignore-obsolete; \
	done

bench-ingest: $(STAMP_RUNTIME)
	$(PY) bench/ingest.py

bench-policy: $(STAMP_RUNTIME)
	$(PY) bench/policy.py

bench-audit: $(STAMP_RUNTIME)
	$(PY) bench/audit.py

bench-federation: $(STAMP_TEST)  # bench/federation.py builds on tests/federation/conftest.py (pytest)
	$(PY) bench/federation.py

bench-matching: $(STAMP_BENCH)
	$(PY) bench/matching_quality.py

bench-matching-speed: $(STAMP_BENCH)
	$(PY) bench/matching_speed.py

bench-psi: $(STAMP_BENCH)
	$(PY) bench/psi.py

bench-fuzzy-psi: $(STAMP_BENCH)
	$(PY) bench/fuzzy_psi.py

bench-hub: $(STAMP_BENCH)
	$(PY) bench/hub.py

# the README's walk-through ("Using a node") leaves its two nodes and files in the clone
WALKTHROUGH := manila-data moscow-data manila-init.txt moscow-init.txt manila.log moscow.log ph-ru.json
clean:
	rm -rf demo-data bench-data $(WALKTHROUGH) .pytest_cache .mypy_cache .ruff_cache
