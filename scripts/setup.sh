#!/usr/bin/env bash
# Idempotent setup for `make run` and `make test`: system packages, the virtualenv,
# browser assets and compiled translations. Usage: scripts/setup.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-run}"
# nginx with its RTMP module and srt-tools: the live lectures' ingest (RTMP, SRT);
# espeak-ng: the demo lectures' narration.
packages=(ffmpeg gettext fonts-noto-cjk fonts-wqy-microhei nodejs npm nginx libnginx-mod-rtmp srt-tools espeak-ng)
if [ "$purpose" = test ]; then
  packages+=(postgresql chromium openjdk-17-jre-headless unzip curl wrk)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# The machine may carry its own node/npm outside Debian's packages.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "==> 安装系统软件包 / installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts the freshly installed nginx on port 80; the platform runs its own
    # (scripts/live-ingest.sh, on loopback), so stop the system one it just started.
    if [[ " ${missing[*]} " == *" nginx "* ]] && [ -f /run/nginx.pid ]; then
      nginx -s quit 2>/dev/null || true
    fi
  else
    echo "缺少系统软件包,请先运行 / missing system packages, please run:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 / creating the virtualenv (.venv)"
  "$python" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/pip install -q "uv==0.13.8"
fi
if [ requirements.lock -nt .venv/.synced ] || [ ! -f .venv/.synced ]; then
  echo "==> 安装 Python 依赖 / installing Python packages from requirements.lock"
  VIRTUAL_ENV=.venv .venv/bin/uv pip sync -q requirements.lock
  touch .venv/.synced
fi

if [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -d node_modules ]; then
  echo "==> 安装前端依赖 / installing browser assets (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p static/vendor
# With their source maps: the files name them, and collectstatic's manifest storage
# refuses a file whose map is missing.
cp node_modules/hls.js/dist/hls.min.js node_modules/hls.js/dist/hls.min.js.map static/vendor/
cp node_modules/tus-js-client/dist/tus.min.js node_modules/tus-js-client/dist/tus.min.js.map static/vendor/
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/

.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
if [ "$purpose" = test ]; then
  scripts/elasticsearch.sh fetch
fi
