#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the test suites (started in about a second).
#   scripts/postgres.sh start [PORT]   prints the connection string for AKUA_TEST_POSTGRES
#   scripts/postgres.sh stop
# Needs Debian's postgresql package (initdb/pg_ctl); runs the server as the `postgres` user.
set -euo pipefail

dir="${AKUA_PG_DIR:-/tmp/akua-pg}"
cmd="${1:-}"

find_bin() {
  local name="$1"
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  ls /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1
}

case "$cmd" in
  start)
    port="${2:-55432}"
    initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
    [ -n "$initdb" ] && [ -n "$pg_ctl" ] || { echo "postgres.sh: initdb/pg_ctl not found (apt-get install postgresql)" >&2; exit 1; }
    if [ -f "$dir/postmaster.pid" ]; then
      runuser -u postgres -- "$pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir"
    # Trust on loopback only: a disposable test server with no secret to keep.
    runuser -u postgres -- "$initdb" -D "$dir" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
    runuser -u postgres -- "$pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    pg_ctl=$(find_bin pg_ctl)
    [ -f "$dir/postmaster.pid" ] && runuser -u postgres -- "$pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/postgres.sh start [PORT] | stop" >&2; exit 2;;
esac
