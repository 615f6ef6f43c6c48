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

# Opens examples/demo with the extension: desktop `code` if present, else code-server on
# 127.0.0.1 (installed into ~/.cache on first use); Ctrl-C stops it.
run: $(STAMP)
	$(MAKE) -C extension run

# Python lint and tests, then the extension: type check, lint, unit tests, and the end to
# end suite in a real VS Code (code-server + headless Chromium, installed on first use).
test: $(STAMP)
	$(VENV)/bin/ruff check server tests bench
	$(PY) -m pytest -q
	$(MAKE) -C extension deps check unit e2e

# Benchmarks on real corpora (fetched from the registries on first use); not part of test.
bench: $(STAMP)
	$(PY) bench/corpus.py
	$(PY) bench/aider_env.py
	$(PY) bench/index_bench.py
	$(PY) bench/agent_bench.py
	$(PY) bench/peers_bench.py --results bench/RESULTS.md --plot bench/ratios.png
	$(PY) bench/matching_bench.py --results bench/RESULTS.md
	$(PY) bench/latency_bench.py --results bench/RESULTS.md

clean:
	rm -rf $(VENV) .pytest_cache examples/demo/.treewright
