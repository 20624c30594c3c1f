.PHONY: run dev test lint setup

run:
	scripts/run.sh

dev:
	scripts/run.sh dev

test:
	scripts/test.sh

setup:
	scripts/setup.sh test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
