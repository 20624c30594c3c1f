.PHONY: run test lint setup

run:
	scripts/run.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
