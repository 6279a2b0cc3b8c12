# Build, run and test. Every target is a thin wrapper around a script in scripts/.
.DEFAULT_GOAL := help
.PHONY: help run test lint format clean bench street screenshots

help: ## list the targets
	@awk -F':.*## ' '/^[a-z]+:.*## /{ printf "  make %-8s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: ## run the service locally on embedded defaults (scripts/run)
	scripts/run

test: ## the whole suite as CI runs it: lint, types, contracts, pytest (scripts/test)
	scripts/test

bench: ## benchmarks against a plain CRUD app; rewrites docs/performance.md (scripts/bench)
	scripts/bench

street: ## a whole street (20 communities, a year of cases): its section of docs/performance.md
	scripts/bench street

screenshots: ## a screenshot of each main page at 360 px, both languages, into docs/screenshots
	scripts/screenshots

lint: ## ruff check, ruff format --check, import contracts, mypy
	scripts/bootstrap && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports && .venv/bin/mypy

format: ## rewrite the code: ruff format, then ruff check --fix
	scripts/bootstrap && .venv/bin/ruff format . && .venv/bin/ruff check --fix .

clean: ## remove .venv and caches (keeps instance/)
	rm -rf .venv .pytest_cache .ruff_cache .mypy_cache .hypothesis .import_linter_cache build *.egg-info && find . -name __pycache__ -type d -prune -exec rm -rf {} +
