#!/usr/bin/env bash
# Starts a real Bluesky PDS (npm @atproto/pds) on 127.0.0.1 for syndicate's tests.
#
#   scripts/bluesky-pds-test-server.sh [start]   install if needed, (re)start, write the env file
#   scripts/bluesky-pds-test-server.sh stop      stop it and remove the env file
#   scripts/bluesky-pds-test-server.sh status    say whether it runs
#
# start is idempotent. On first run it installs, from the npm registry into a cache folder outside
# the repository, @atproto/pds 0.4.x (the last line that runs on Node 20; 0.5 needs Node 22) with
# better-sqlite3 12 (built from source against the machine's Node headers; 13 crashes on Node 20) and
# @did-plc/server (a PLC directory kept in memory, so that creating the account needs no network),
# each package at the version scripts/bluesky-pds-test/package-lock.json pins (`npm ci`: a new
# machine installs what was tested, not what the registry resolves that day). Node 20 or later is
# needed (better-sqlite3 12 does not build on 18, Debian 12's nodejs): an older one stops it at once.
# Measured on the 2-core test machine: the install about 3 minutes, each start about 6 seconds.
# Each start stops an earlier server, starts both on loopback with a fresh data folder
# (scripts/bluesky-pds-test-server.mjs), creates the account syndicate.test and an app password
# of it, and writes the details to the env file (mode 600). Needs node, npm, g++ and make (Debian's
# are installed when missing, as root).
#
# Environment:
#   BSKY_TEST_PORT       the PDS's port on 127.0.0.1 (default 18210; the PLC directory takes the next)
#   BSKY_TEST_ENV_FILE   where the details go (default /tmp/syndicate-bsky.env):
#                          BSKY_TEST_URL=http://127.0.0.1:18210
#                          BSKY_TEST_HANDLE=syndicate.test
#                          BSKY_TEST_DID=did:plc:...
#                          BSKY_TEST_APP_PASSWORD=xxxx-xxxx-xxxx-xxxx
#   BSKY_TEST_CACHE      the install folder (default /opt/syndicate-bsky-pds)
#   BSKY_TEST_DATA       the server's data folder, emptied on start (default /tmp/syndicate-bsky-pds)
set -euo pipefail

PROG=bluesky-pds-test-server.sh
PORT="${BSKY_TEST_PORT:-18210}"
PLC_PORT=$((PORT + 1))
ENV_FILE="${BSKY_TEST_ENV_FILE:-/tmp/syndicate-bsky.env}"
CACHE="${BSKY_TEST_CACHE:-/opt/syndicate-bsky-pds}"
DATA="${BSKY_TEST_DATA:-/tmp/syndicate-bsky-pds}"
PIDFILE="$CACHE/server.pid"
LOG="$CACHE/server.log"
HANDLE=syndicate.test
ENV_MARKER='Bluesky PDS for syndicate tests, written by scripts/bluesky-pds-test-server.sh'
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
#: package.json and the package-lock.json npm made for it: what is installed, to the version
PINNED="$SCRIPT_DIR/bluesky-pds-test"

say() { echo "$PROG: $*" >&2; }
die() { say "$*"; exit 1; }

install() {
    # node and npm, and what builds better-sqlite3 (against the headers Debian's nodejs ships)
    command -v node >/dev/null && command -v npm >/dev/null && command -v g++ >/dev/null && command -v make >/dev/null || {
        say "installing Debian's nodejs, npm, g++ and make"
        apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nodejs npm g++ make python3 >/dev/null
    }
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
        || die "$(command -v node): Node.js $(node --version) is too old: better-sqlite3 12 needs Node 20 or later" \
            "(Debian 12's nodejs is 18; install Node 20 or 22, e.g. from NodeSource or nodejs.org, and start again)"
    mkdir -p "$CACHE"
    if cmp -s "$PINNED/package.json" "$CACHE/package.json" && cmp -s "$PINNED/package-lock.json" "$CACHE/package-lock.json" \
        && [ -f "$CACHE/node_modules/@atproto/pds/package.json" ] \
        && [ -f "$CACHE/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
        return
    fi
    say "installing @atproto/pds into $CACHE (once; a few minutes: better-sqlite3 is compiled)"
    local started=$SECONDS
    cp "$PINNED/package.json" "$PINNED/package-lock.json" "$CACHE/"
    (cd "$CACHE" && npm_config_nodedir=/usr npm ci --no-audit --no-fund --loglevel=error >"$CACHE/install.log" 2>&1) \
        || { tail -n 30 "$CACHE/install.log" >&2; die "npm ci failed (log: $CACHE/install.log)"; }
    say "installed in $((SECONDS - started))s"
}

server_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "bluesky-pds-test-server.mjs" || return 1
    echo "$pid"
}

stop_server() {
    local pid
    if pid=$(server_pid); then
        say "stopping the PDS (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

xrpc() { # METHOD BODY [TOKEN]: POST to the PDS, print the answer
    local auth=()
    [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
    curl -sS --max-time 30 -X POST "http://127.0.0.1:$PORT/xrpc/$1" -H 'Content-Type: application/json' "${auth[@]}" -d "$2"
}

field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

cmd_start() {
    install
    stop_server
    rm -rf "$DATA" && mkdir -p "$DATA"
    local started=$SECONDS admin
    admin=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    PDS_MODULES="$CACHE/node_modules" PDS_PORT=$PORT PLC_PORT=$PLC_PORT PDS_DATA=$DATA PDS_ADMIN_PASSWORD=$admin \
        setsid node "$SCRIPT_DIR/bluesky-pds-test-server.mjs" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 600); do
        curl -sf --max-time 2 "http://127.0.0.1:$PORT/xrpc/_health" >/dev/null 2>&1 && break
        server_pid >/dev/null || { tail -n 30 "$LOG" >&2; die "the PDS exited at once (log: $LOG)"; }
        sleep 0.1
    done
    curl -sf --max-time 2 "http://127.0.0.1:$PORT/xrpc/_health" >/dev/null || die "the PDS did not answer (log: $LOG)"
    local password session token did app
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    xrpc com.atproto.server.createAccount \
        "{\"handle\":\"$HANDLE\",\"email\":\"newsroom@example.org\",\"password\":\"$password\"}" >/dev/null
    session=$(xrpc com.atproto.server.createSession "{\"identifier\":\"$HANDLE\",\"password\":\"$password\"}")
    token=$(echo "$session" | field accessJwt) || die "cannot sign in to the new account: $session"
    did=$(echo "$session" | field did)
    app=$(xrpc com.atproto.server.createAppPassword '{"name":"syndicate-tests"}' "$token" | field password) \
        || die "cannot create an app password"
    local tmp
    tmp=$(mktemp "$(dirname "$ENV_FILE")/.syndicate-bsky-env.XXXXXX")
    chmod 600 "$tmp"
    printf '# %s\nBSKY_TEST_URL=http://127.0.0.1:%s\nBSKY_TEST_HANDLE=%s\nBSKY_TEST_DID=%s\nBSKY_TEST_APP_PASSWORD=%s\n' \
        "$ENV_MARKER" "$PORT" "$HANDLE" "$did" "$app" >"$tmp"
    mv -f "$tmp" "$ENV_FILE"
    say "a PDS is up at http://127.0.0.1:$PORT (account $HANDLE); details in $ENV_FILE; ready in $((SECONDS - started))s"
}

cmd_stop() {
    stop_server
    if [ -f "$ENV_FILE" ] && head -n 1 "$ENV_FILE" | grep -qF "$ENV_MARKER"; then
        rm -f "$ENV_FILE"
    fi
    say "stopped"
}

cmd_status() {
    local pid
    if pid=$(server_pid); then say "the PDS runs (pid $pid) at http://127.0.0.1:$PORT"; else say "the PDS is not running"; fi
}

cmd="${1:-start}"
case "$cmd" in
start | stop | status) "cmd_$cmd" ;;
*) die "unknown command '$cmd' (start, stop or status)" ;;
esac
