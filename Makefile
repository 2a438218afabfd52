# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean system train

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
	$(BIN)/kg trips --graph out/

test: $(STAMP) system
	$(BIN)/python -m pytest -q tests

bench: $(STAMP)
	$(BIN)/python bench/msra.py
	$(BIN)/python bench/end_to_end.py

# The shipped models, from the annotated training set (train/README.md): texts regenerated from
# the corpus, annotations compiled; the entity recognizer (`kg train` with kg/ner/config.cfg) on
# the entity sample (batches b0-b7), the visit model (scripts/train_visits.py) on every item.
NER_BATCHES := b0 b1 b2 b3 b4 b5 b6 b7
train: $(STAMP)
	$(BIN)/python scripts/annotate.py texts
	$(BIN)/python scripts/annotate.py compile
	rm -rf build/ner build/ner-items build/visits
	$(BIN)/python scripts/annotate.py subset --batches $(NER_BATCHES) -o build/ner-items
	$(BIN)/kg train build/ner-items/gold build/ner-items/texts -o build/ner
	rm -rf kg/ner/model
	cp -r build/ner/model kg/ner/model
	$(BIN)/python scripts/train_visits.py train/gold train/texts -o kg/data/visit_model.json --work build/visits

clean:
	rm -rf $(VENV) out build *.egg-info
