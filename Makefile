# Zicht: `make demo` runs the whole stack on this machine, `make test` checks it. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SUPERSET_VENV := .venvs/superset
ZICHT := $(VENV)/bin/zicht
PYTEST := $(VENV)/bin/pytest
export UV_PYTHON_DOWNLOADS := never
export DO_NOT_TRACK := 1

# Print how long a recipe line took: $(call timed,what,command)
timed = start=$$(date +%s.%N); $(2); status=$$?; \
	awk -v s=$$start -v e=$$(date +%s.%N) 'BEGIN {printf "<== %s: %.1f s\n", "$(1)", e - s}'; exit $$status

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	@python3 -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

.PHONY: install
install: $(UV) ## create the pipeline and Superset environments (uv, locked versions)
	@echo "==> install the pipeline environment ($(VENV))"
	@$(call timed,install the pipeline environment,$(UV) sync --frozen --quiet)
	@echo "==> install the Superset environment ($(SUPERSET_VENV))"
	@$(call timed,install the Superset environment,UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(SUPERSET_VENV) $(UV) sync --frozen --quiet --project superset_env)
	@du -sh $(VENV) $(SUPERSET_VENV)

.PHONY: browser
browser: ## install Debian's Chromium for the browser tests (needs root or sudo)
	@command -v chromium >/dev/null || { \
		echo "==> install chromium (Debian packages)"; \
		$$(command -v sudo) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$(command -v sudo) apt-get install -y -qq chromium chromium-driver >/dev/null; }

.PHONY: demo
demo: install ## run the pipeline through Airflow and serve Superset (127.0.0.1:8088) and Airflow (127.0.0.1:8080)
	@$(ZICHT) demo

.PHONY: stop
stop: ## stop everything `make demo` started
	@$(ZICHT) stop

.PHONY: test
test: install browser ## run every test, the end-to-end ones included
	@$(PYTEST) -q

.PHONY: test-fast
test-fast: install ## run the tests without the slow end-to-end ones
	@$(PYTEST) -q -m "not slow"

.PHONY: releases
releases: ## list the publications: live marker, gate run, disclosure audit verdict, tables
	@$(ZICHT) releases

.PHONY: rollback
rollback: ## make an earlier publication live again: make rollback RELEASE=<id> (or RELEASE=previous)
	@test -n "$(RELEASE)" || { echo "usage: make rollback RELEASE=<release id from make releases> | RELEASE=previous"; exit 2; }
	@$(ZICHT) rollback $(if $(filter previous,$(RELEASE)),--previous,$(RELEASE))

.PHONY: docs
docs: install ## build and serve the dbt docs (lineage to the dashboards) and the Data Docs on 127.0.0.1:8081
	@$(ZICHT) docs

.PHONY: bench
bench: install ## national-scale benchmarks (wall time, peak memory) into docs/benchmarks.md
	@$(ZICHT) bench

.PHONY: lint
lint: install ## ruff on the Python code
	@$(VENV)/bin/ruff check src tests dags expectations superset_assets

.PHONY: clean
clean: stop ## remove generated data and build output (keeps the environments)
	rm -rf data artifacts dbt_project/target dbt_project/logs
