# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv lint clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Until the VS Code extension lands, `run` prints the repo map of the example workspace.
run: $(STAMP)
	$(VENV)/bin/treewright map examples/demo --tokens 2048

test: $(STAMP)
	$(VENV)/bin/ruff check server tests bench
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/index_bench.py
	$(PY) bench/agent_bench.py

clean:
	rm -rf $(VENV) .pytest_cache examples/demo/.treewright
