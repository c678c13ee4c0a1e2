# tradepay-sim: `make run` starts everything, `make test` runs the whole suite.
# Both make .venv and install what is missing on a fresh machine.
# The interpreter: Debian's own python3.11 where it has its venv module, else python3
# (why: docs/decisions/interpreter.md). An existing .venv is kept: `make clean` to change.
DEBIAN_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(DEBIAN_PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 && echo $(DEBIAN_PYTHON) || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: run test lint example-suite dist bench install install-test browser typecheck clean

# pyproject.toml holds ranges (the package lives in users' projects as a pytest plugin);
# constraints.txt the exact versions CI tests with.
PIP := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt

$(VENV)/.installed-run: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

# Alipay's own Python SDK, for the test that drives it against the wallet. --no-deps:
# it pins an old cryptography; it runs on ours (the test proves it).
SDK := global-open-sdk-python==1.7.1

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed-run
	$(PIP) -e '.[test,lint]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps $(SDK)
	@touch $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## Start the mini program (8100), merchant (8200), wallet (8300) and console (8000).
run: install
	$(PY) run_all.py $(ARGS)

## Find or install a Chromium for the browser tests.
browser: install-test
	$(PY) -m simulator.testing.browser

## Type-check the mini program page scripts against Alipay's declarations (@mini-types/my).
TYPECHECK := tests/typecheck
TYPES := $(TYPECHECK)/node_modules/.package-lock.json
$(TYPES): $(TYPECHECK)/package-lock.json
	cd $(TYPECHECK) && npm ci --no-audit --no-fund
typecheck: $(TYPES)
	cd $(TYPECHECK) && npx --no-install tsc -p tsconfig.json

## ruff (lint and format) and mypy, as CI runs them.
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## The whole suite: unit, API, browser (headless Chromium), reliability, packaging and
## plugin tests, the example suites in docs/ among them (tests/plugin/test_example_suites.py).
## Bytecode is cached (__pycache__/, ignored by git) even where the environment says
## PYTHONDONTWRITEBYTECODE: each pytest worker, and each Python process the
## suite starts, would otherwise compile the project and rewrite the tests again
## (collection alone: 8 CPU-s a worker without the cache, 3.7 with it). The tests that
## add a network interface (marked netns) run after the others, alone: Chromium fails the
## loads in flight when interfaces change (tests/api/netns_helpers.py). Exit code 5 is
## "no test selected" (PYTEST_ARGS naming only one kind).
TEST_PY := env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest
## One worker more than the cores: a browser test waits on a chain of processes (pytest,
## Playwright's node, Chromium) and leaves its core idle; at -n 2 on 2 cores a fifth of the
## CPU went unused, at -n 3 7 % (5 alternating pairs: -n 3 faster in each, by 3-18 %).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
## The netns run reads only the modules that name the mark (tests/conftest.py) and needs
## neither schemathesis's plugin nor hypothesis's: 3.7-3.9 s instead of 5.3-6.3.
NETNS_PLUGINS := -p no:schemathesis -p no:hypothesispytest
## make test installs the declarations and leaves the check to the suite
## (tests/typecheck runs this same tsc, and the misuse cases, in one process).
test: install-test browser $(TYPES)
	$(TEST_PY) -n $(TEST_WORKERS) --dist worksteal -m "not netns" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(TEST_PY) -m netns $(NETNS_PLUGINS) $(PYTEST_ARGS) || [ $$? -eq 5 ]

## docs/example-suite (async) and docs/example-suite-sync (pytest-playwright's sync page)
## alone, each as its own pytest run (its pytest.ini, not ours); make test runs them too.
## Schemathesis's plugin is not needed there, and importing it alone takes seconds.
example-suite: install-test browser
	cd docs/example-suite && $(abspath $(PY)) -m pytest -p no:schemathesis -p no:hypothesispytest -p no:playwright -q
	cd docs/example-suite-sync && $(abspath $(PY)) -m pytest -p no:schemathesis -p no:hypothesispytest -q

## The journey benchmark and the machine's unavoidable costs -> docs/benchmarks.md.
bench: install-test browser
	$(PY) -m bench $(ARGS)

## The wheel (static/ and templates/ inside it) in dist/.
dist: install
	$(PY) -m pip wheel . --no-deps --wheel-dir dist

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts build dist *.egg-info
