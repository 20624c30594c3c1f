#!/usr/bin/env bash
# `make run`: set up, migrate, seed the demo, then serve the site the way a small pilot
# deployment does — DEBUG off, gunicorn with several workers, compressed and hashed static
# files (WhiteNoise), the Chinese 404/500 pages — with the queue worker beside it.
# `make dev` (scripts/run.sh dev): the same data, served by Django's autoreloading
# development server with DEBUG on. Both run in the foreground; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-pilot}
case "$mode" in pilot | dev) ;; *) echo "usage: scripts/run.sh [pilot|dev]" >&2; exit 2 ;; esac
scripts/setup.sh run

host=${LMS_HOST:-127.0.0.1}
port=${LMS_PORT:-8000}
py=.venv/bin/python
data_dir=${LMS_DATA_DIR:-var}
mkdir -p "$data_dir"

if [ "$mode" = pilot ]; then
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-lms.settings.production}
  # Plain HTTP on this machine: no HTTPS redirect, no secure-only cookies.
  export LMS_HTTPS=${LMS_HTTPS:-false}
  export LMS_SERVE_MEDIA=${LMS_SERVE_MEDIA:-true}
  if [ -z "${LMS_SECRET_KEY:-}" ]; then
    # A key of this installation's own, made once and kept with its data.
    if [ ! -s "$data_dir/secret_key" ]; then
      (umask 077 && $py -c "import secrets; print(secrets.token_urlsafe(64))" >"$data_dir/secret_key")
    fi
    LMS_SECRET_KEY=$(cat "$data_dir/secret_key")
    export LMS_SECRET_KEY
  fi
else
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-lms.settings.dev}
fi

$py manage.py migrate --no-input -v0
manifest="$data_dir/static/staticfiles.json"
if [ "$mode" = pilot ] && { [ ! -f "$manifest" ] || [ -n "$(find static requirements.lock -newer "$manifest" -print -quit)" ]; }; then
  echo "==> 静态文件 / collecting static files (hashed names, brotli and gzip; about a minute)"
  $py manage.py collectstatic --no-input -v0
fi
$py manage.py seed_demo

# Live lectures: nginx with its RTMP module takes the streams (OBS: rtmp://host:1935/live
# and the lecture's key) and asks this server whether to accept them; the supervisor
# transcodes them. LMS_LIVE_LISTEN=0.0.0.0 lets publishers on the network in.
ingest_dir=$($py manage.py shell -v0 -c "from django.conf import settings; print(settings.DATA_DIR / 'ingest')")
rtmp_port=${LMS_LIVE_RTMP_PORT:-1935}
ingest_http_port=${LMS_LIVE_HTTP_PORT:-8081}
export LMS_LIVE_RTMP_URL=${LMS_LIVE_RTMP_URL:-rtmp://$host:$rtmp_port/live}
export LMS_LIVE_RTMP_PULL_URL=${LMS_LIVE_RTMP_PULL_URL:-rtmp://127.0.0.1:$rtmp_port/live}
export LMS_LIVE_RTMP_CONTROL_URL=${LMS_LIVE_RTMP_CONTROL_URL:-http://127.0.0.1:$ingest_http_port/control}
read -r video_root ingest_secret stream_secret < <($py manage.py shell -v0 -c \
  "from live import conf; from video import conf as v; print(v.root(), conf.ingest_secret(), v.stream_secret())")

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  scripts/live-ingest.sh stop "$ingest_dir" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

scripts/live-ingest.sh start "$ingest_dir" "$rtmp_port" "$ingest_http_port" "http://$host:$port" \
  "$video_root" "$ingest_secret" "$stream_secret"
$py manage.py live_ingest &
pids+=($!)
$py manage.py qcluster &
pids+=($!)
if [ "$mode" = pilot ]; then
  # Threads, so that the segments of a playing video and the page's own requests do not
  # wait for one another; a worker per core and one more.
  .venv/bin/gunicorn lms.wsgi --bind "$host:$port" --workers "${LMS_WEB_WORKERS:-3}" \
    --threads "${LMS_WEB_THREADS:-4}" --worker-class gthread --timeout 120 \
    --error-logfile - --log-level warning &
else
  $py manage.py runserver "$host:$port" &
fi
pids+=($!)

echo
echo "平台已启动 / the platform is running ($mode): http://$host:$port/   (管理后台 / admin: http://$host:$port/admin/)"
echo "按 Ctrl-C 停止 / press Ctrl-C to stop"
wait -n "${pids[@]}"
