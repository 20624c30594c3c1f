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
$py manage.py runserver --noreload "$host:$port" &
pids+=($!)

echo
echo "平台已启动 / the platform is running: http://$host:$port/   (管理后台 / admin: http://$host:$port/admin/)"
echo "按 Ctrl-C 停止 / press Ctrl-C to stop"
wait -n "${pids[@]}"
