#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL main cluster, for the multi-node test.
#   test/multinode/replica.sh up     make (or keep) cluster steward_replica on port $REPLICA_PORT (5442),
#                                    copied with pg_basebackup from main on 5432, streaming from it
#   test/multinode/replica.sh down   stop and drop it
# Idempotent; runs as root (Debian's pg_createcluster / pg_ctlcluster, pg_basebackup as postgres).
# Leaves the main cluster as it found it apart from one pg_hba line: replication from 127.0.0.1.
set -euo pipefail

VERSION=${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -n 1)}
PORT=${REPLICA_PORT:-5442}
NAME=steward_replica
DATA=/var/lib/postgresql/$VERSION/$NAME
ctl() { pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$@"; }
as_postgres() { su postgres -s /bin/sh -c "$*"; }

down() {
  if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $NAME"; then
    pg_dropcluster --stop "$VERSION" "$NAME"
  fi
}

up() {
  # Already streaming? Keep it.
  if pg_isready -h 127.0.0.1 -p "$PORT" -q &&
    [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
    echo "replica: streaming on port $PORT"
    return
  fi
  down

  # The primary must allow a replication connection from 127.0.0.1 and keep enough WAL detail.
  local hba=/etc/postgresql/$VERSION/main/pg_hba.conf
  if ! grep -Eq '^host\s+replication\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    echo 'host replication all 127.0.0.1/32 trust' >>"$hba"
    ctl main reload
  fi
  local level
  level=$(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'show wal_level')
  if [ "$level" = minimal ]; then
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -c 'alter system set wal_level = replica'
    ctl main restart
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi

  # A cluster of the same version on its own port; its data directory is then replaced by a base
  # backup of main (-R: standby.signal and primary_conninfo, so it streams from main at once).
  pg_createcluster "$VERSION" "$NAME" -p "$PORT" --start-conf=manual >/dev/null
  cat >"/etc/postgresql/$VERSION/$NAME/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  find "$DATA" -mindepth 1 -delete
  as_postgres "pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D '$DATA' -R -X stream -c fast"
  ctl "$NAME" start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PORT" -q && break; sleep 1; done
  [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc 'select pg_is_in_recovery()')" = t ]
  echo "replica: streaming on port $PORT"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
