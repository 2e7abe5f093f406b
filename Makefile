# The two commands: `make run` (try the product) and `make test` (all checks and tests).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint format

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks: separate from the test command; each prints its figures.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/delad_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: bench-load bench-shortlist bench-matching bench-matching-large bench-matching-contention
.PHONY: bench-notifications bench-reports bench-fastpaths

bench-load: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.load

bench-fastpaths: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.fastpath_gains

bench-shortlist: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.shortlist --specialists 100000 --needs 500

bench-matching: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.matching_run --needs 2000 --specialists 20000

# Each scale keeps its own database, so switching scales does not regenerate the other.
bench-matching-large: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL)_large REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.matching_run --needs 10000 --specialists 100000

bench-matching-contention: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL)_contention REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.matching_run --needs 2000 --specialists 5000

bench-notifications: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.notifications --fanout 10000

bench-reports: $(STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m benchmarks.reports
