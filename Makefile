# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO ?= demo-output

.PHONY: install test test-all lint demo clean

# pip (not uv/poetry) so torch comes from the local wheel store when there is one.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) lint
	$(VENV)/bin/pytest -q

# Including the tests marked slow.
test-all: $(STAMP) lint
	$(VENV)/bin/pytest -q -m ''

demo: $(STAMP)
	bash scripts/demo.sh $(DEMO)

clean:
	rm -rf $(DEMO) build dist *.egg-info .pytest_cache .ruff_cache
