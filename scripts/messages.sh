#!/usr/bin/env bash
# Refresh an app's Chinese catalogue from its Python code and its templates/<app>/ files:
#   scripts/messages.sh learning
# Then translate the empty msgstr entries in <app>/locale/zh_Hans/LC_MESSAGES/django.po.
set -euo pipefail
cd "$(dirname "$0")/.."
app=$1
mkdir -p "$app/locale"
link="$app/_templates_for_messages"
trap 'rm -f "$link"' EXIT
[ -d "templates/$app" ] && ln -sfn "../templates/$app" "$link"
(cd "$app" && ../.venv/bin/python ../manage.py makemessages -l zh_Hans --symlinks --no-obsolete -v0)
grep -c '^msgstr ""$' "$app/locale/zh_Hans/LC_MESSAGES/django.po" | sed 's/^/empty msgstr entries (the header is one): /'
