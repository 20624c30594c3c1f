#!/usr/bin/env bash
# The live ingest and segment server (nginx + RTMP module) on loopback.
#   scripts/live-ingest.sh start DIR RTMP_PORT HTTP_PORT CALLBACK_URL VIDEO_ROOT INGEST_SECRET STREAM_SECRET
#   scripts/live-ingest.sh stop DIR
# CALLBACK_URL is the platform's base URL (e.g. http://127.0.0.1:8000), which nginx asks
# whether a publisher may stream. The configuration is live/ingest/nginx.conf.template.
# RTMP listens on 127.0.0.1 unless LMS_LIVE_LISTEN says otherwise (0.0.0.0: publishers on
# the network); segments and the control API stay on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
action=$1 dir=$2
case "$action" in
  start)
    rtmp_port=$3 http_port=$4 callback=$5 video_root=$6 secret=$7 stream_secret=$8
    mkdir -p "$dir" "$video_root/recordings"
    user_line=""
    [ "$(id -u)" = 0 ] && user_line="user root root;"
    sed -e "s|@USER_LINE@|$user_line|" -e "s|@DIR@|$dir|g" \
        -e "s|@WORKERS@|${LMS_LIVE_NGINX_WORKERS:-1}|" \
        -e "s|@RTMP_LISTEN@|${LMS_LIVE_LISTEN:-127.0.0.1}:$rtmp_port|g" -e "s|@HTTP_LISTEN@|127.0.0.1:$http_port|" \
        -e "s|@CALLBACK@|${callback%/}|g" -e "s|@SECRET@|$secret|g" \
        -e "s|@STREAM_SECRET@|$stream_secret|" -e "s|@VIDEO_ROOT@|$video_root|" \
        live/ingest/nginx.conf.template >"$dir/nginx.conf"
    nginx -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    ;;
  stop)
    if [ -f "$dir/nginx.pid" ]; then
      nginx -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -s stop || true
    fi
    ;;
esac
