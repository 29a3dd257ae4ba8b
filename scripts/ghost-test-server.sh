#!/usr/bin/env bash
# Starts a real Ghost (npm `ghost`, 5.x, on SQLite) on 127.0.0.1 for syndicate's tests.
#
#   scripts/ghost-test-server.sh [start]   install if needed, (re)start, write the env file
#   scripts/ghost-test-server.sh stop      stop the Ghost this script started
#   scripts/ghost-test-server.sh status    say what is running
#
# start is idempotent. On the first run it installs Ghost into a cache folder outside the
# repository, as Ghost-CLI does: the `ghost` package's tarball from the npm registry, unpacked,
# then its production dependencies at the versions scripts/ghost-test/package-lock.json pins
# (`npm ci --omit=dev`: a new machine installs what was tested, not what the registry resolves
# that day; a GHOST_TEST_VERSION the lockfile is not for is resolved fresh, `npm install`, saying
# so; the sqlite3 module is built from source against the local Node's headers when its prebuilt
# binary, which comes from GitHub, cannot be downloaded). Ghost runs from that folder with its configuration in the environment
# (no file of Ghost's is edited) and its content (SQLite database, images, themes, logs) in
# GHOST_TEST_HOME/content. On a fresh database it sets the site up through Ghost's setup API
# (the owner user; the password is kept in GHOST_TEST_HOME, mode 600), signs in for a session
# and creates a custom integration whose Admin API key goes to the env file; later runs sign in
# again and reuse the integration. Nothing listens beyond loopback, and Ghost connects to nothing
# beyond it either (scripts/ghost-loopback-only.cjs: no webmentions to the sites posts link to).
#
# Environment:
#   GHOST_TEST_PORT       port on 127.0.0.1 (default 18368)
#   GHOST_TEST_ENV_FILE   where the connection details go (default /tmp/syndicate-ghost.env, mode 600):
#                           GHOST_TEST_URL=http://127.0.0.1:18368
#                           GHOST_TEST_ADMIN_KEY=<24 hex digits>:<64 hex digits>
#   GHOST_TEST_HOME       the install, content and state (default ~/.cache/syndicate-ghost-test)
#   GHOST_TEST_VERSION    the ghost package's version (default 5.130.6: the 5.x line runs on Node 20)
set -euo pipefail

PROG=ghost-test-server.sh
PORT="${GHOST_TEST_PORT:-18368}"
ENV_FILE="${GHOST_TEST_ENV_FILE:-/tmp/syndicate-ghost.env}"
HOME_DIR="${GHOST_TEST_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/syndicate-ghost-test}"
VERSION="${GHOST_TEST_VERSION:-5.130.6}"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
#: the package-lock.json npm made for the ghost package (its devDependencies removed, as below)
LOCK="$SCRIPT_DIR/ghost-test/package-lock.json"
URL="http://127.0.0.1:$PORT"
API="$URL/ghost/api/admin"
INSTALL="$HOME_DIR/ghost-$VERSION"
CONTENT="$HOME_DIR/content"
RUN_DIR="$HOME_DIR/run"
PIDFILE="$RUN_DIR/ghost.pid"
LOG="$RUN_DIR/ghost.log"
PASSWORD_FILE="$HOME_DIR/owner-password"
OWNER_EMAIL=syndicate@example.org
INTEGRATION="syndicate tests"
ENV_MARKER='Ghost for syndicate tests, written by scripts/ghost-test-server.sh'

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
show_log() { [ -s "$LOG" ] && { say "last lines of $LOG:"; tail -n 20 "$LOG" | sed 's/^/    /' >&2; }; return 0; }

running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

answering() { curl -fsS -o /dev/null --max-time 5 "$API/site/" 2>/dev/null; }

# The value at a path of the JSON on stdin (python3 is there wherever syndicate runs).
json() { python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value if not isinstance(value, (dict, list)) else json.dumps(value))' "$@"; }

install() {
    [ -f "$INSTALL/.installed" ] && return 0
    # (sqlite3, re2 and the like are compiled when their prebuilt binaries, on GitHub, cannot be had)
    command -v node >/dev/null && command -v npm >/dev/null && command -v g++ >/dev/null && command -v make >/dev/null || {
        [ "$(id -u)" = 0 ] || die "Node.js (18, 20 or 22), npm, g++ and make are needed"
        say "installing Debian's nodejs, npm, g++ and make"
        apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nodejs npm g++ make python3 >/dev/null
    }
    say "installing ghost@$VERSION into $INSTALL (once; a few minutes)"
    local start=$SECONDS staging="$INSTALL.partial"
    rm -rf "$staging" && mkdir -p "$staging"
    (cd "$staging" && npm pack --silent "ghost@$VERSION" >/dev/null && tar -xzf "ghost-$VERSION.tgz" --strip-components=1 \
        && rm "ghost-$VERSION.tgz")
    # the package's yarn.lock is the monorepo's, and its development dependencies include packages
    # fetched from GitHub (unreachable here, and not needed to run it): npm resolves the package's
    # own pinned dependencies; Ghost's peer ranges conflict under npm's stricter rules as under yarn
    rm -f "$staging/yarn.lock"
    (cd "$staging" && npm pkg delete devDependencies)
    # node-gyp builds against the headers Debian's nodejs ships in /usr/include/node (it would
    # download them from nodejs.org otherwise)
    local nodedir="${npm_config_nodedir:-}"
    [ -z "$nodedir" ] && [ -f /usr/include/node/common.gypi ] && nodedir=/usr
    local npm_command=install locked
    locked=$(json version <"$LOCK")
    if [ "$locked" = "$VERSION" ]; then
        cp "$LOCK" "$staging/package-lock.json" && npm_command=ci
    else
        say "$LOCK is for ghost@$locked, not $VERSION: resolving its dependencies fresh (npm install)"
    fi
    (cd "$staging" && npm_config_nodedir="$nodedir" npm "$npm_command" --omit=dev --legacy-peer-deps \
        --no-audit --no-fund --loglevel=error >"$HOME_DIR/install.log" 2>&1) \
        || { tail -n 30 "$HOME_DIR/install.log" >&2; die "npm $npm_command failed (log: $HOME_DIR/install.log)"; }
    (cd "$staging" && node -e 'require("sqlite3")') || die "the sqlite3 module does not load (log: $HOME_DIR/install.log)"
    touch "$staging/.installed"
    rm -rf "$INSTALL" && mv "$staging" "$INSTALL"
    say "installed in $((SECONDS - start)) s"
}

start_ghost() {
    mkdir -p "$RUN_DIR" "$CONTENT"
    for sub in data images files media settings logs public adapters; do mkdir -p "$CONTENT/$sub"; done
    [ -d "$CONTENT/themes" ] || cp -r "$INSTALL/content/themes" "$CONTENT/themes"
    say "starting Ghost $VERSION at $URL"
    local start=$SECONDS
    # Ghost's configuration from the environment (nconf, `__` between levels); loopback only
    (cd "$INSTALL" && exec env NODE_ENV=production \
        url="$URL" server__host=127.0.0.1 server__port="$PORT" \
        database__client=sqlite3 database__connection__filename="$CONTENT/data/ghost.db" \
        database__useNullAsDefault=true paths__contentPath="$CONTENT" \
        logging__transports='["stdout"]' logging__level=warn mail__transport=Direct \
        privacy__useUpdateCheck=false privacy__useGravatar=false privacy__useRpcPing=false \
        security__staffDeviceVerification=false \
        setsid node --require "$SCRIPT_DIR/ghost-loopback-only.cjs" index.js >"$LOG" 2>&1 </dev/null) &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 180); do
        answering && { say "Ghost answered after $((SECONDS - start)) s"; return 0; }
        running || { show_log; die "Ghost exited while starting"; }
        sleep 1
    done
    show_log
    die "Ghost did not answer within 180 s"
}

# The owner (set up once) signed in: a session cookie in $JAR.
sign_in() {
    local status password
    status=$(curl -fsS "$API/authentication/setup/" | json setup 0 status)
    if [ "$status" != True ]; then
        password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
        (umask 077 && printf '%s\n' "$password" >"$PASSWORD_FILE")
        curl -fsS -o /dev/null -H 'Content-Type: application/json' -X POST "$API/authentication/setup/" \
            --data @- <<<"{\"setup\":[{\"name\":\"Syndicate Tests\",\"email\":\"$OWNER_EMAIL\",\"password\":\"$password\",\"blogTitle\":\"Syndicate test Ghost\"}]}" \
            || die "Ghost's setup failed"
        say "set up the site: owner $OWNER_EMAIL"
    fi
    [ -s "$PASSWORD_FILE" ] || die "the site is set up but $PASSWORD_FILE is missing: stop, delete $CONTENT and start again"
    password=$(cat "$PASSWORD_FILE")
    curl -fsS -o /dev/null -c "$JAR" -H 'Content-Type: application/json' -H "Origin: $URL" -X POST "$API/session/" \
        --data @- <<<"{\"username\":\"$OWNER_EMAIL\",\"password\":\"$password\"}" || die "signing in to Ghost failed"
}

# The Admin API key of our integration, created when missing. (Ghost 5 answers an admin key's
# `secret` as the whole key, id:secret, as its Admin shows it; older versions gave the secret alone.)
admin_key() {
    local found
    found=$(curl -fsS -b "$JAR" -H "Origin: $URL" "$API/integrations/?include=api_keys&limit=all" | python3 -c '
import json, sys
for integration in json.load(sys.stdin)["integrations"]:
    if integration["name"] == sys.argv[1]:
        for key in integration["api_keys"]:
            if key["type"] == "admin":
                print(key["secret"] if ":" in key["secret"] else key["id"] + ":" + key["secret"])
                break
        break' "$INTEGRATION")
    if [ -z "$found" ]; then
        found=$(curl -fsS -b "$JAR" -H "Origin: $URL" -H 'Content-Type: application/json' -X POST \
            "$API/integrations/?include=api_keys" --data "{\"integrations\":[{\"name\":\"$INTEGRATION\"}]}" \
            | python3 -c 'import json, sys
keys = json.load(sys.stdin)["integrations"][0]["api_keys"]
key = next(k for k in keys if k["type"] == "admin")
print(key["secret"] if ":" in key["secret"] else key["id"] + ":" + key["secret"])') || die "creating the integration failed"
        say "created the integration '$INTEGRATION'"
    fi
    printf '%s' "$found"
}

start() {
    command -v curl >/dev/null || die "curl is needed"
    mkdir -p "$HOME_DIR" && chmod 700 "$HOME_DIR"
    install
    if running && answering; then
        say "Ghost is running at $URL (pid $(cat "$PIDFILE"))"
    else
        stop_ghost
        start_ghost
    fi
    JAR=$(mktemp) && trap 'rm -f "$JAR"' EXIT
    sign_in
    local key
    key=$(admin_key)
    (umask 077 && printf '# %s\nGHOST_TEST_URL=%s\nGHOST_TEST_ADMIN_KEY=%s\n' "$ENV_MARKER" "$URL" "$key" >"$ENV_FILE.tmp") \
        && mv "$ENV_FILE.tmp" "$ENV_FILE"
    say "wrote $ENV_FILE"
}

stop_ghost() {
    if running; then
        local pid
        pid=$(cat "$PIDFILE")
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 -- "-$pid" 2>/dev/null
        say "stopped Ghost (pid $pid)"
    fi
    rm -f "$PIDFILE"
}

case "${1:-start}" in
    start) start ;;
    stop) stop_ghost; [ -f "$ENV_FILE" ] && grep -qF "$ENV_MARKER" "$ENV_FILE" && rm -f "$ENV_FILE"; true ;;
    status)
        if running && answering; then say "Ghost is running at $URL (pid $(cat "$PIDFILE"))"
        else say "Ghost is not running"; exit 3; fi ;;
    *) die "usage: $PROG [start|stop|status]" ;;
esac
