#!/usr/bin/env bash
# `make run`: set up, migrate, seed the demo, then serve the site and the queue worker
# together in the foreground. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-lms.settings.dev}
host=${LMS_HOST:-127.0.0.1}
port=${LMS_PORT:-8000}
py=.venv/bin/python

$py manage.py migrate --no-input -v0
$py manage.py seed_demo

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

$py manage.py qcluster &
pids+=($!)
$py manage.py runserver --noreload "$host:$port" &
pids+=($!)

echo
echo "平台已启动 / the platform is running: http://$host:$port/   (管理后台 / admin: http://$host:$port/admin/)"
echo "按 Ctrl-C 停止 / press Ctrl-C to stop"
wait -n "${pids[@]}"
