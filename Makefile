# Two entry points for people (app, test) and one for figures (bench).
PY ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

.PHONY: app test bench lint
app: $(STAMP)
	$(VENV)/bin/csec-desktop --demo

test: $(STAMP)
	$(VENV)/bin/ruff check csec_desktop ui tests
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python -m tests.benchmarks
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m tests.benchmarks.shell

lint: $(STAMP)
	$(VENV)/bin/ruff check csec_desktop ui tests
	$(VENV)/bin/mypy
