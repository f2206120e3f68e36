# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
export VNPOS_DATA_DIR ?= ./data

.PHONY: install model run browser services test lint format bench eval calibrate calibrate-check clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	# A venv left half-made by an interrupted run has no pip: make it again.
	test -x $(BIN)/pip || $(PYTHON) -m venv --clear $(VENV) || python3 -m venv --clear $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The local CPU build of torch; an unpinned torch would pull gigabytes of CUDA.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

model: install
	$(BIN)/vnpos model

run: model
	$(BIN)/vnpos ingest corpus/
	$(BIN)/vnpos serve

# Chromium for the widget tests, and axe-core (npm) for their accessibility checks.
AXE := .cache/node/node_modules/axe-core/axe.min.js
browser:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	@command -v npm >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; }
	@test -f $(AXE) || npm install --prefix .cache/node --no-save --no-audit --no-fund --loglevel=error axe-core@4.10.3

# Redis and Postgres, for the tests of replicas (each test starts its own server).
services:
	@command -v redis-server >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

test: model browser services
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: model
	$(BIN)/python bench/retrieval_mlqa.py --data $(SHARED)/bench-data/mlqa-dev-vi-en
	$(BIN)/python bench/answers_mlqa.py --data $(SHARED)/bench-data/mlqa-dev-vi-en
	$(BIN)/python bench/answers_mlqa.py --data $(SHARED)/bench-data/mlqa-dev-vi-en --english
	$(BIN)/python bench/ingest_news.py --data $(SHARED)/bench-data/news-vi-baomoi-2017
	$(BIN)/python bench/bombs.py

# Refit the abstention model on MLQA, the laws and the off-topic questions (writes its JSON).
calibrate: model
	$(BIN)/python bench/calibrate_abstention.py --data $(SHARED)/bench-data/mlqa-dev-vi-en \
		--laws-data $(SHARED)/bench-data/laws-vi-alqac2023

calibrate-check: model
	$(BIN)/python bench/calibrate_abstention.py --data $(SHARED)/bench-data/mlqa-dev-vi-en \
		--laws-data $(SHARED)/bench-data/laws-vi-alqac2023 --check

eval: model
	$(BIN)/vnpos ingest corpus/
	$(BIN)/vnpos eval $(SHARED)/eval/seed_questions.jsonl

clean:
	rm -rf $(VENV) data .cache .pytest_cache .mypy_cache .ruff_cache
