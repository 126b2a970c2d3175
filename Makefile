# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app studyapp
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: install run serve test test-fast test-pg db demo bench bench-pg bench-scale-out wrk clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(FLASK) init-db

demo: db
	$(FLASK) demo

## Install, migrate, load demo data and serve on http://$(HOST):$(PORT)
run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

## Serve with gunicorn as in production (see README "Deployment")
serve: demo
	$(BIN)/gunicorn -k gthread -w 2 --threads 4 -b $(HOST):$(PORT) 'studyapp:create_app()'

## Install and run every test (set STUDYAPP_TEST_DATABASE_URL to run them on PostgreSQL too)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Skip the browser tests while iterating
test-fast: install
	$(BIN)/python -m pytest -m 'not e2e' $(PYTEST_ARGS)

test-pg: install
	STUDYAPP_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmark a 10,000-member sitting against bare Flask (README "Performance"); BENCH_ARGS=--full for the long run
bench: install wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-pg: install wrk
	$(BIN)/python bench/run.py --pg $(BENCH_ARGS)

## The scale-out example: two gunicorn processes sharing PostgreSQL and Redis (README "Scaling out")
bench-scale-out: install
	$(BIN)/python bench/scale-out/check.py

wrk:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk' (or build it from https://github.com/wg/wrk)"; exit 1; fi; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
