# Two entry points for people (app, test) and one for figures (bench).
PY ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

.PHONY: app test bench lint messages bundle
app: $(STAMP)
	$(VENV)/bin/csec-desktop --demo

test: $(STAMP)
	$(VENV)/bin/ruff check csec_desktop ui tests
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python -m tests.benchmarks
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m tests.benchmarks.shell
	$(VENV)/bin/python -m tests.benchmarks.documents
	$(VENV)/bin/python -m tests.benchmarks.sync

# The one-folder desktop bundle in dist/csec-desktop/ (PyInstaller's work files in .pyinstaller/,
# never in build/), then its smoke test.
bundle: $(STAMP)
	$(VENV)/bin/pyinstaller build/csec-desktop.spec --workpath .pyinstaller --distpath dist --noconfirm
	QT_QPA_PLATFORM=offscreen dist/csec-desktop/csec-desktop --smoke-test "$$(mktemp -d)/smoke"

lint: $(STAMP)
	$(VENV)/bin/ruff check csec_desktop ui tests
	$(VENV)/bin/mypy

# Re-extract the interface's strings and merge them into each catalog; then translate
# the new entries in csec_desktop/locale/*.po
# (tests/ui/test_language.py fails until every one is).
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k N_ -k W -k t -k block -k ngettext:1,2 --no-location \
		--sort-output -o csec_desktop/locale/messages.pot .
	$(VENV)/bin/pybabel update -i csec_desktop/locale/messages.pot -o csec_desktop/locale/es.po -l es \
		--no-fuzzy-matching --ignore-obsolete
