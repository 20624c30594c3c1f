#!/usr/bin/env bash
# `make test`: set up everything, then run the whole suite on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

export DJANGO_SETTINGS_MODULE=lms.settings.test
export PYTHONDONTWRITEBYTECODE=1
run_dir=$(mktemp -d /tmp/lms-test.XXXXXX)
chmod 755 "$run_dir"
cleanup() {
  scripts/elasticsearch.sh stop "$run_dir/es" 2>/dev/null || true
  scripts/postgres.sh stop "$run_dir/pg" 2>/dev/null || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

echo "==> ruff"
.venv/bin/ruff check .

echo "==> Elasticsearch (integ-test distribution, single node on loopback)"
ELASTICSEARCH_URL=$(scripts/elasticsearch.sh start "$run_dir/es" "${LMS_TEST_ES_PORT:-59209}")
export ELASTICSEARCH_URL

echo "==> 测试 / tests on SQLite"
.venv/bin/pytest -p no:cacheprovider "$@"

echo "==> 测试 / tests on PostgreSQL"
DATABASE_URL=$(scripts/postgres.sh start "$run_dir/pg" "${LMS_TEST_PG_PORT:-54329}")
DATABASE_URL=$DATABASE_URL .venv/bin/pytest -p no:cacheprovider "$@"
