#!/usr/bin/env bash
# `make test`: set up everything, then run the suite on SQLite and on PostgreSQL.
# The two passes run side by side (each is mostly one busy process, and CI has two cores);
# LMS_TEST_SERIAL=1 runs them one after the other. Arguments go to both pytest runs.
# Without arguments, what does not depend on the database runs once, on SQLite (the
# default of `make run`): the browser journeys and the ffmpeg core. That balances the
# two passes, as PostgreSQL's is the slower per test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

export DJANGO_SETTINGS_MODULE=lms.settings.test
export PYTHONDONTWRITEBYTECODE=1
run_dir=$(mktemp -d /tmp/lms-test.XXXXXX)
chmod 755 "$run_dir"
pg_pass=""
cleanup() {
  [ -n "$pg_pass" ] && kill "$pg_pass" 2>/dev/null || true
  scripts/elasticsearch.sh stop "$run_dir/es" 2>/dev/null || true
  scripts/postgres.sh stop "$run_dir/pg" 2>/dev/null || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> import contract (import-linter) and system checks"
.venv/bin/lint-imports --no-cache
.venv/bin/python manage.py check --fail-level WARNING

echo "==> Elasticsearch (integ-test distribution, single node on loopback)"
ELASTICSEARCH_URL=$(scripts/elasticsearch.sh start "$run_dir/es" "${LMS_TEST_ES_PORT:-59209}")
export ELASTICSEARCH_URL

echo "==> PostgreSQL (throw-away cluster on loopback)"
postgres_url=$(scripts/postgres.sh start "$run_dir/pg" "${LMS_TEST_PG_PORT:-54329}")

# The live lectures' tests start nginx (RTMP, segments) and SRT listeners on loopback,
# per test module, on free ports of a range of their own for each pass.
sqlite_live_ports=${LMS_TEST_LIVE_PORTS_SQLITE:-8600-8649}
postgres_live_ports=${LMS_TEST_LIVE_PORTS_POSTGRES:-8650-8699}

postgres_args=()
sqlite_args=()
if [ $# -eq 0 ]; then
  postgres_args=(--ignore=tests/browser --ignore=tests/video/transcoding)
  # The API fuzzing run (schemathesis, a few minutes) runs once, on PostgreSQL.
  sqlite_args=(--ignore=tests/api/test_fuzzing.py)
fi

started=$(date +%s)
pg_status=0
if [ "${LMS_TEST_SERIAL:-0}" = 1 ]; then
  sqlite_status=0
  echo "==> 测试 / tests on SQLite"
  ELASTICSEARCH_INDEX=lms-test-sqlite LMS_TEST_LIVE_PORTS=$sqlite_live_ports \
    .venv/bin/pytest -p no:cacheprovider "${sqlite_args[@]}" "$@" || sqlite_status=$?
  echo "==> 测试 / tests on PostgreSQL"
  DATABASE_URL=$postgres_url ELASTICSEARCH_INDEX=lms-test-postgres LMS_TEST_LIVE_PORTS=$postgres_live_ports \
    .venv/bin/pytest -p no:cacheprovider "${postgres_args[@]}" "$@" || pg_status=$?
else
  echo "==> 测试 / tests on SQLite and, alongside, on PostgreSQL (its report follows)"
  DATABASE_URL=$postgres_url ELASTICSEARCH_INDEX=lms-test-postgres LMS_TEST_LIVE_PORTS=$postgres_live_ports \
    .venv/bin/pytest -p no:cacheprovider --color=no "${postgres_args[@]}" "$@" \
    >"$run_dir/postgres.log" 2>&1 &
  pg_pass=$!
  sqlite_status=0
  ELASTICSEARCH_INDEX=lms-test-sqlite LMS_TEST_LIVE_PORTS=$sqlite_live_ports \
    .venv/bin/pytest -p no:cacheprovider "${sqlite_args[@]}" "$@" || sqlite_status=$?
  wait "$pg_pass" || pg_status=$?
  pg_pass=""
  echo "==> 测试 / tests on PostgreSQL: report"
  cat "$run_dir/postgres.log"
fi
echo "==> SQLite: exit $sqlite_status, PostgreSQL: exit $pg_status, $(($(date +%s) - started)) s"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
