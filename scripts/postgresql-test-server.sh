#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for syndicate's ledger tests (Debian 12).
#
#   scripts/postgresql-test-server.sh [start]   install if needed, initdb once, (re)start, write the env file
#   scripts/postgresql-test-server.sh stop      stop the cluster this script started
#   scripts/postgresql-test-server.sh status    say whether it is running
#
# start is idempotent: it installs Debian's `postgresql` only when its binaries are missing
# (apt-get update only when the package lists lack it), makes a cluster of its own in
# PG_TEST_DATA (never the system cluster), listening on 127.0.0.1 only, and runs it as
# PG_TEST_RUN_AS when started as root (initdb refuses root). The database `syndicate_test`
# belongs to the role `syndicate`, whose password is made once and kept beside the cluster.
#
# Environment:
#   PG_TEST_PORT       port on 127.0.0.1 (default 18432)
#   PG_TEST_ENV_FILE   where the connection details go (default /tmp/syndicate-pg.env, mode 600):
#                        PG_TEST_URL=postgresql://syndicate@127.0.0.1:18432/syndicate_test
#                        PGPASSWORD=<32 hex digits>
#   PG_TEST_DATA       the cluster's folder (default /tmp/syndicate-pg-test/PORT)
#   PG_TEST_RUN_AS     the user that runs it when started as root (default postgres)
set -euo pipefail

PROG=postgresql-test-server.sh
PORT="${PG_TEST_PORT:-18432}"
ENV_FILE="${PG_TEST_ENV_FILE:-/tmp/syndicate-pg.env}"
DATA="${PG_TEST_DATA:-/tmp/syndicate-pg-test/$PORT}"
RUN_AS="${PG_TEST_RUN_AS:-postgres}"
DB=syndicate_test
ROLE=syndicate

say() { echo "$PROG: $*" >&2; }

bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

install_postgresql() {
  if bindir >/dev/null; then return; fi
  say "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show postgresql >/dev/null 2>&1; then apt-get update -q; fi
  apt-get install -y -q --no-install-recommends postgresql >/dev/null
  # Debian's package starts its own cluster on 5432: not ours, left to the system
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

running() {
  local bin
  bin=$(bindir) || return 1
  [ -f "$DATA/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  install_postgresql
  local bin
  bin=$(bindir)
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then
    chown "$RUN_AS" "$DATA" "$(dirname "$DATA")"
    chmod 700 "$DATA"
  fi
  local secret="$DATA.password"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "initdb in $DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret"
    chmod 600 "$secret"
  fi
  if ! running; then
    # sockets in the cluster's folder (not /var/run/postgresql, which may not exist); TCP on loopback only
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c max_connections=200 -c fsync=off" start >/dev/null
  fi
  local password
  password=$(cat "$secret")
  psql() { as_owner "$bin/psql" -h "$DATA" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ "$(psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    psql -c "CREATE ROLE $ROLE LOGIN PASSWORD '$password'"
  fi
  if [ "$(psql -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql -c "CREATE DATABASE $DB OWNER $ROLE"
  fi
  umask 077
  printf 'PG_TEST_URL=postgresql://%s@127.0.0.1:%s/%s\nPGPASSWORD=%s\n' "$ROLE" "$PORT" "$DB" "$password" >"$ENV_FILE"
  say "PostgreSQL on 127.0.0.1:$PORT, database $DB; connection details in $ENV_FILE"
}

stop() {
  if running; then
    as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if running; then say "running on 127.0.0.1:$PORT"; else say "not running"; exit 3; fi ;;
  *) echo "usage: $PROG [start|stop|status]" >&2; exit 2 ;;
esac
