#!/usr/bin/env bash
# CI: the deployment files are valid. systemd-analyze verify on the units (with a stand-in
# /opt/steward/bin/steward.mjs and env files when missing, removed again), and nginx -t on the site
# with a throwaway self-signed certificate. Installs nginx with apt when missing (runs as root).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
work=$(mktemp -d)
cleanup=()
trap 'for p in "${cleanup[@]}"; do rm -rf "$p"; done; rm -rf "$work"' EXIT

echo "-- systemd units"
# verify resolves ExecStart's binary and the units' users; stand-ins only where the host has none.
for dir in /opt/steward /etc/steward /var/backups/steward; do
  [ -e "$dir" ] || { mkdir -p "$dir" && cleanup+=("$dir"); }
done
for path in /opt/steward/bin/steward.mjs /etc/steward/steward.env /etc/steward/api.env; do
  [ -e "$path" ] || { mkdir -p "$(dirname "$path")" && touch "$path" && cleanup+=("$path"); }
done
id steward >/dev/null 2>&1 || { useradd --system --no-create-home --shell /usr/sbin/nologin steward; created_user=1; }
cp systemd/* "$work/"
cp "$work/steward@.service" "$work/steward@api.service"
cd "$work"
status=0
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
  ./steward@api.service ./steward.target ./steward-migrate.service ./steward-backup.service ./steward-backup.timer \
  2>&1 | tee "$work/verify.log" || status=$?
cd "$here"
if [ "${created_user:-0}" = 1 ]; then userdel steward; fi
# verify exits 0 on some warnings; any line naming one of our files is a finding.
if [ "$status" != 0 ] || grep -q 'steward' "$work/verify.log"; then
  echo "systemd-analyze verify found problems" >&2
  exit 1
fi
echo "systemd units: ok"

echo "-- nginx site"
if ! command -v nginx >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=steward.example.com' \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" >/dev/null 2>&1
sed "s#/etc/ssl/steward/#$work/#g" nginx/steward.conf >"$work/steward.conf"
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log stderr;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  include $work/steward.conf;
}
CONF
nginx -t -q -c "$work/nginx.conf" -e stderr 2>&1 || nginx -t -c "$work/nginx.conf"
echo "nginx site: ok"
