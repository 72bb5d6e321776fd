# Every target creates .venv when missing and installs the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch/torchvision pinned to the builds that install without a large download here;
# pyproject accepts a range.
TORCH_PINS ?= torch==2.14.1 torchvision==0.29.1
STAMP := $(VENV)/.installed

.PHONY: install demo test test-installer bench demo-train clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_PINS)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/station demo

# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set: every worker and every `station` process the tests
# start would otherwise compile the project again (measured: 267 s of tests without caches, 254 s with).
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --dist worksteal --durations=20

# Builds an offline bundle and installs it with no network (root, several GB of disk, minutes).
test-installer:
	bash tests/installer/offline_install.sh

# Every benchmark, then one table of their headline figures, goals and measurements.
FIGURES := $(CURDIR)/.bench-figures.jsonl
bench: $(STAMP)
	@rm -f $(FIGURES); for b in bench/*.py; do echo "== $$b"; BENCH_FIGURES=$(FIGURES) $(BIN)/python $$b || exit 1; done; \
	echo "== figures"; $(BIN)/python bench/headline $(FIGURES)

# The Japanese window: lupdate collects every tr() string of ui/ into the .ts (translations kept; new ones
# come out unfinished: fill them in, e.g. with Qt Linguist), lrelease compiles it to the .qm that is shipped
# (committed: stations are offline and need no Qt tools). tests/test_gui_japanese.py checks both are current.
.PHONY: translations
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -extensions py -locations none -no-obsolete -target-language ja_JP ui \
		-ts resources/translations/station_ja.ts
	$(BIN)/pyside6-lrelease resources/translations/station_ja.ts -qm resources/translations/station_ja.qm

# The models, then what is built on them and ships beside them: the input gate's bank, the probe's calibration;
# and the start of every product's check B (a CNN only, on more families).
demo-train: $(STAMP)
	$(BIN)/station demo-train --out resources/models/demo
	$(BIN)/python -m station.gate.bundled_bank
	$(BIN)/python -m station.selftest.inversion_calibration --seeds 0,1,2 --write
	$(BIN)/station demo-train --check-b-start --out resources/models/check_b_start

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
