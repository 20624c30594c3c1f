#!/usr/bin/env bash
# A throw-away single-node Elasticsearch on loopback for the test suite, without Docker:
# the official integration-test distribution from Maven Central (a stock node: no plugins,
# no analysis-common), run on the machine's Java 17 as a non-root user.
#   scripts/elasticsearch.sh fetch            -> the distribution, cached under .cache/
#   scripts/elasticsearch.sh start DIR PORT   -> prints the ELASTICSEARCH_URL once healthy
#   scripts/elasticsearch.sh stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."

version=${LMS_ES_VERSION:-8.19.21}
maven_repo=${LMS_MAVEN_REPO:-https://repo.maven.apache.org/maven2}
artifact_path=org/elasticsearch/distribution/integ-test-zip/elasticsearch/$version/elasticsearch-$version.zip
cache=$PWD/.cache/elasticsearch
home=$cache/elasticsearch-$version
es_user=${LMS_ES_USER:-lms-elasticsearch}

fetch() {
  [ -x "$home/bin/elasticsearch" ] && return 0
  mkdir -p "$cache"
  local zip=$cache/elasticsearch-$version.zip
  local m2=${HOME:-/root}/.m2/repository/$artifact_path
  if [ -f "$m2" ]; then
    cp "$m2" "$zip.part"
  else
    echo "==> 下载 Elasticsearch $version / downloading the integ-test distribution from Maven Central" >&2
    curl -fsSL --retry 3 -o "$zip.part" "$maven_repo/$artifact_path"
  fi
  local expected
  expected=$(curl -fsSL --retry 3 "$maven_repo/$artifact_path.sha512" | cut -d' ' -f1)
  if [ "$(sha512sum "$zip.part" | cut -d' ' -f1)" != "$expected" ]; then
    rm -f "$zip.part"
    echo "Elasticsearch 下载校验失败,请重试 / checksum mismatch for $artifact_path" >&2
    exit 1
  fi
  mv "$zip.part" "$zip"
  rm -rf "$home.unpack" && mkdir -p "$home.unpack"
  unzip -q "$zip" -d "$home.unpack"
  mv "$home.unpack/elasticsearch-$version" "$home"
  rm -rf "$home.unpack" "$zip"
}

# Elasticsearch refuses to run as root: run it as a system user made for the purpose.
as_es_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$es_user" -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 port=$2
  fetch
  if [ "$(id -u)" = 0 ] && ! id "$es_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$es_user"
  fi
  local java_home=${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  mkdir -p "$dir/data" "$dir/logs"
  cp -r "$home/config" "$dir/config"
  [ "$(id -u)" = 0 ] && chown -R "$es_user" "$dir"
  # The server reads its own distribution: copy it when the checkout is not readable by the user.
  local es_home=$home
  if ! as_es_user test -r "$home/lib/elasticsearch-$version.jar"; then
    cp -r "$home" "$dir/home" && es_home=$dir/home
    [ "$(id -u)" = 0 ] && chown -R "$es_user" "$es_home"
  fi
  as_es_user env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$dir/config" \
    ES_JAVA_OPTS="-Xms512m -Xmx512m ${LMS_ES_JAVA_OPTS:-}" \
    "$es_home/bin/elasticsearch" -d -p "$dir/es.pid" \
    -E cluster.name=lms-test -E node.name=lms-test -E discovery.type=single-node \
    -E xpack.security.enabled=false -E network.host=127.0.0.1 -E http.port="$port" \
    -E path.data="$dir/data" -E path.logs="$dir/logs" \
    -E cluster.routing.allocation.disk.threshold_enabled=false \
    >"$dir/launcher.log" 2>&1 || {
      echo "Elasticsearch 启动失败 / could not start Elasticsearch:" >&2
      tail -n 30 "$dir/launcher.log" "$dir"/logs/*.log >&2 2>/dev/null || true
      exit 1
    }
  local url=http://127.0.0.1:$port
  for _ in $(seq 1 120); do
    if curl -fs "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      echo "$url"
      return 0
    fi
    sleep 1
  done
  echo "Elasticsearch 未在 120 秒内就绪 / not healthy after 120 s:" >&2
  tail -n 30 "$dir"/logs/*.log >&2 2>/dev/null || true
  stop "$dir"
  exit 1
}

stop() {
  local dir=$1
  if [ -f "$dir/es.pid" ]; then
    local pid
    pid=$(cat "$dir/es.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 fetch | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
