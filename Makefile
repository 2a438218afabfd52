# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean system

# A CJK font and headless Chromium (Debian packages), for the pictures and their tests.
system:
	scripts/system-deps

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,notebook,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kg build seeds/ -o out/
	$(BIN)/kg visits --graph out/

test: $(STAMP) system
	$(BIN)/python -m pytest -q tests

bench: $(STAMP)
	$(BIN)/python bench/msra.py
	$(BIN)/python bench/end_to_end.py

clean:
	rm -rf $(VENV) out build *.egg-info
