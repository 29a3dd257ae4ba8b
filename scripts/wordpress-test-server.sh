#!/usr/bin/env bash
# Starts a real WordPress on 127.0.0.1 for syndicate's tests (Debian 12, run as root).
#
#   scripts/wordpress-test-server.sh [start]   install if needed, (re)start, write the env file
#   scripts/wordpress-test-server.sh stop      stop the PHP server, and MariaDB if this script started it
#   scripts/wordpress-test-server.sh status    say what is running
#
# start is idempotent: it installs Debian's wordpress, mariadb-server and PHP CLI only
# when missing (apt-get update only when the package lists lack them), starts MariaDB
# without systemd, creates the database and its user, writes Debian's per-host config
# /etc/wordpress/config-127.0.0.1.php, installs the site once (scripts/wordpress-setup.php),
# creates a fresh Application Password for the administrator on every run, and serves
# /usr/share/wordpress with `php -S 127.0.0.1:PORT` as www-data. Nothing listens beyond
# loopback.
#
# Environment:
#   WP_TEST_PORT        port on 127.0.0.1 (default 8081)
#   WP_TEST_ENV_FILE    where the connection details go (default /tmp/syndicate-wp.env):
#                         WP_TEST_URL=http://127.0.0.1:8081
#                         WP_TEST_USER=syndicate
#                         WP_TEST_APP_PASSWORD=<24 letters and digits>
#   WP_TEST_ADMIN_USER  administrator login (default syndicate)
#   WP_TEST_PERMALINKS  permalink structure, e.g. /%postname%/ (default: plain links)
#   WP_TEST_WORKERS     PHP_CLI_SERVER_WORKERS for php -S (default 4)
#   WP_TEST_RUN_AS      user that runs WordPress (default www-data)
#   WP_TEST_WP_JSON     1 (default): /wp-json/ works with plain permalinks too; 0: as on a
#                       real plain-permalinks site, only ?rest_route= reaches the REST API
#
# Both /?rest_route=/wp/v2/posts and /wp-json/wp/v2/posts work, whatever the permalinks:
# the php -S router maps /wp-json/X to rest_route=/X as WordPress's own rewrite rule does
# (with pretty permalinks php -S alone would do, as it falls back to index.php).
# Secrets (database and administrator passwords) stay in /var/lib/syndicate-wp-test
# (root only); the application password is written only to the env file (mode 600).
set -euo pipefail

PROG=wordpress-test-server.sh
PORT="${WP_TEST_PORT:-8081}"
ENV_FILE="${WP_TEST_ENV_FILE:-/tmp/syndicate-wp.env}"
ADMIN_USER="${WP_TEST_ADMIN_USER:-syndicate}"
PERMALINKS="${WP_TEST_PERMALINKS:-}"
WORKERS="${WP_TEST_WORKERS:-4}"
RUN_AS="${WP_TEST_RUN_AS:-www-data}"
WP_JSON="${WP_TEST_WP_JSON:-1}"

WP_ROOT=/usr/share/wordpress
WP_CONTENT=/var/lib/wordpress/wp-content
WP_CONFIG_DIR=/etc/wordpress
WP_CONFIG="$WP_CONFIG_DIR/config-127.0.0.1.php"
STATE_DIR=/var/lib/syndicate-wp-test
RUN_DIR=/run/syndicate-wp-test
DB_NAME=syndicate_wp
DB_USER=syndicate_wp
APP_NAME=syndicate-tests
CONFIG_MARKER='managed by syndicate scripts/wordpress-test-server.sh'
ENV_MARKER='WordPress for syndicate tests, written by scripts/wordpress-test-server.sh'
PACKAGES=(wordpress wordpress-theme-twentytwentythree mariadb-server php-cli php-mysql php-mbstring)
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SETUP_PHP="$SCRIPT_DIR/wordpress-setup.php"
URL="http://127.0.0.1:$PORT"
PHP_PIDFILE="$RUN_DIR/php-server.pid"
PHP_LOG="$RUN_DIR/php-server.log"
DB_MARKER="$RUN_DIR/mariadb.started-by-script"

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
show_log() { # file: its last lines, on stderr
    [ -s "$1" ] && { say "last lines of $1:"; tail -n 20 "$1" | sed 's/^/    /' >&2; }
    return 0
}

CREATED_POLICY_RC=0
cleanup() {
    if [ "$CREATED_POLICY_RC" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT

check_args() {
    [ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts MariaDB)"
    if ! [[ $PORT =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
        die "WP_TEST_PORT must be a port number, not '$PORT'"
    fi
    [[ $ADMIN_USER =~ ^[A-Za-z0-9._-]+$ ]] || die "WP_TEST_ADMIN_USER may hold only letters, digits, '.', '_' and '-'"
    if ! [[ $WORKERS =~ ^[1-9][0-9]*$ ]]; then die "WP_TEST_WORKERS must be a positive number"; fi
    [[ $PERMALINKS != *$'\n'* ]] || die "WP_TEST_PERMALINKS must be one line"
    [[ $WP_JSON =~ ^[01]$ ]] || die "WP_TEST_WP_JSON must be 0 or 1"
    [ -r "$SETUP_PHP" ] || die "missing $SETUP_PHP"
    [ -d "$(dirname "$ENV_FILE")" ] || die "no folder $(dirname "$ENV_FILE") for WP_TEST_ENV_FILE"
    # Fail before anything changes if another program holds the port.
    if port_taken; then
        local pid
        if ! pid=$(php_server_pid) || ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-S 127.0.0.1:$PORT "; then
            die "port $PORT on 127.0.0.1 is taken by another program; choose another with WP_TEST_PORT"
        fi
    fi
}

# ---------------------------------------------------------------- packages

package_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

install_packages() {
    local missing=() p updated=0
    for p in "${PACKAGES[@]}"; do
        package_installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    say "installing ${missing[*]} (log: $RUN_DIR/apt.log)"
    # Keep apt from starting services (apache2 comes in as a dependency of wordpress
    # and would listen on port 80 of every interface); we start what we need ourselves.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        CREATED_POLICY_RC=1
    fi
    for p in "${missing[@]}"; do
        if ! apt-cache show "$p" >/dev/null 2>&1; then
            say "package lists lack $p: running apt-get update"
            apt-get update -q >"$RUN_DIR/apt.log" 2>&1 || { show_log "$RUN_DIR/apt.log"; die "apt-get update failed"; }
            updated=1
            break
        fi
    done
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$RUN_DIR/apt.log" 2>&1; then
        [ "$updated" = 1 ] && { show_log "$RUN_DIR/apt.log"; die "apt-get install failed"; }
        say "apt-get install failed; retrying after apt-get update"
        apt-get update -q >>"$RUN_DIR/apt.log" 2>&1 || { show_log "$RUN_DIR/apt.log"; die "apt-get update failed"; }
        apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$RUN_DIR/apt.log" 2>&1 ||
            { show_log "$RUN_DIR/apt.log"; die "apt-get install failed"; }
    fi
    cleanup
    CREATED_POLICY_RC=0
    for p in "${PACKAGES[@]}"; do
        package_installed "$p" || die "package $p is still not installed"
    done
}

# ---------------------------------------------------------------- MariaDB

db_client() { command -v mariadb || command -v mysql || die "no MariaDB client"; }
db_admin() { command -v mariadb-admin || command -v mysqladmin || die "no mariadb-admin"; }

db_alive() {
    "$(db_admin)" --no-defaults --protocol=socket --socket=/run/mysqld/mysqld.sock -uroot ping >/dev/null 2>&1 ||
        "$(db_admin)" -uroot ping >/dev/null 2>&1
}

start_mariadb() {
    if db_alive; then
        return 0
    fi
    rm -f "$DB_MARKER"
    say "starting MariaDB"
    local method=""
    : >"$RUN_DIR/mariadb-start.log"
    if [ -x /etc/init.d/mariadb ] &&
        timeout 120 service mariadb start >"$RUN_DIR/mariadb-start.log" 2>&1 9>&- </dev/null &&
        db_alive; then
        method=service
    else
        show_log "$RUN_DIR/mariadb-start.log"
        say "service mariadb start did not work; trying mysqld_safe"
        install -d -o mysql -g mysql -m 755 /run/mysqld
        setsid mysqld_safe --bind-address=127.0.0.1 >"$RUN_DIR/mysqld_safe.log" 2>&1 9>&- </dev/null &
        method=mysqld_safe
    fi
    for _ in $(seq 1 120); do
        if db_alive; then
            echo "$method" >"$DB_MARKER"
            return 0
        fi
        sleep 0.5
    done
    show_log "$RUN_DIR/mysqld_safe.log"
    show_log /var/log/mysql/error.log
    die "MariaDB did not answer within 60 s"
}

stop_mariadb() {
    [ -f "$DB_MARKER" ] || return 0
    if db_alive; then
        say "stopping MariaDB (started by this script)"
        "$(db_admin)" -uroot shutdown >/dev/null 2>&1 || service mariadb stop >/dev/null 2>&1 || true
        for _ in $(seq 1 60); do db_alive || break; sleep 0.5; done
        db_alive && die "MariaDB did not stop"
    fi
    rm -f "$DB_MARKER"
}

# A secret made once and kept root-only in STATE_DIR; never printed.
secret() {
    local file="$STATE_DIR/$1"
    if [ ! -s "$file" ]; then
        (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$file")
    fi
    cat "$file"
}

setup_database() {
    local password
    password=$(secret db-password)
    "$(db_client)" -uroot >"$RUN_DIR/db-setup.log" 2>&1 <<SQL || { show_log "$RUN_DIR/db-setup.log"; die "could not create the database; root must reach MariaDB through its unix socket (mariadb -uroot)"; }
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
SQL
}

# ---------------------------------------------------------------- WordPress

write_wp_config() {
    # Debian's /usr/share/wordpress/wp-config.php strips the port from the Host header
    # and loads /etc/wordpress/config-<host>.php, so Host 127.0.0.1:PORT (any port)
    # reads config-127.0.0.1.php.
    if [ -e "$WP_CONFIG" ] && ! grep -qF "$CONFIG_MARKER" "$WP_CONFIG"; then
        die "$WP_CONFIG exists and was not written by this script; move it away first"
    fi
    local group tmp
    group=$(id -gn "$RUN_AS") || die "no user $RUN_AS"
    tmp=$(mktemp "$WP_CONFIG_DIR/.config-127.0.0.1.XXXXXX")
    cat >"$tmp" <<PHP
<?php
// $CONFIG_MARKER; rewritten on every start.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$(secret db-password)');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
// Application Passwords need https or a 'local' environment.
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_CONTENT_DIR', '$WP_CONTENT');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);
// No secret keys here: WordPress then keeps random ones in its options table.
\$table_prefix = 'wp_';
PHP
    chown "root:$group" "$tmp"
    chmod 640 "$tmp"
    mv -f "$tmp" "$WP_CONFIG"
}

write_router() {
    cat >"$STATE_DIR/router.php" <<PHP
<?php
// Router for \`php -S\` serving Debian's WordPress; written by scripts/wordpress-test-server.sh.
\$path = rawurldecode((string) parse_url(\$_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($WP_JSON && preg_match('#^/wp-json(/.*)?\$#', \$path, \$m)) {
    // What WordPress's rewrite rule ^wp-json/(.*)? => index.php?rest_route=/\$1 does,
    // so /wp-json/ works with plain permalinks too.
    \$_GET['rest_route'] = (isset(\$m[1]) && \$m[1] !== '') ? \$m[1] : '/';
    \$_SERVER['SCRIPT_NAME'] = \$_SERVER['PHP_SELF'] = '/index.php';
    \$_SERVER['SCRIPT_FILENAME'] = \$_SERVER['DOCUMENT_ROOT'] . '/index.php';
    require \$_SERVER['DOCUMENT_ROOT'] . '/index.php';
    return true;
}
// Uploads live in WP_CONTENT_DIR ($WP_CONTENT), outside the docroot.
if (strncmp(\$path, '/wp-content/', 12) === 0 && strpos(\$path, '..') === false
    && !file_exists(\$_SERVER['DOCUMENT_ROOT'] . \$path)) {
    \$file = '$WP_CONTENT' . substr(\$path, 11);
    if (is_file(\$file) && !preg_match('/\.(php|phtml|phar)\$/i', \$file)) {
        header('Content-Type: ' . (mime_content_type(\$file) ?: 'application/octet-stream'));
        header('Content-Length: ' . filesize(\$file));
        readfile(\$file);
        return true;
    }
}
return false;
PHP
    chmod 644 "$STATE_DIR/router.php"
}

run_setup() {
    local group out
    group=$(id -gn "$RUN_AS")
    out=$(cd / && env -i PATH="$SAFE_PATH" HOME=/tmp \
        WP_SETUP_ROOT="$WP_ROOT" \
        WP_SETUP_HOST="127.0.0.1:$PORT" \
        WP_SETUP_USER="$ADMIN_USER" \
        WP_SETUP_EMAIL="$ADMIN_USER@example.invalid" \
        WP_SETUP_PASSWORD="$(secret admin-password)" \
        WP_SETUP_APP_NAME="$APP_NAME" \
        WP_SETUP_PERMALINKS="$PERMALINKS" \
        setpriv --reuid="$RUN_AS" --regid="$group" --init-groups \
        php -d display_errors=stderr -d memory_limit=256M <"$SETUP_PHP" 9>&-) ||
        die "WordPress setup failed (messages above)"
    [[ $out =~ ^[A-Za-z0-9]{24}$ ]] || die "WordPress setup printed no application password"
    APP_PASSWORD=$out
}

# ---------------------------------------------------------------- php -S

# status code of a GET to $1 (0 when nothing answers); auth user:password from $AUTH if set
http_status() {
    # shellcheck disable=SC2016 # PHP code, expanded by PHP
    env -i PATH="$SAFE_PATH" AUTH="${AUTH:-}" php -d display_errors=0 -r '
        $headers = "";
        if (getenv("AUTH") !== "") { $headers = "Authorization: Basic " . base64_encode(getenv("AUTH")) . "\r\n"; }
        $ctx = stream_context_create(["http" => ["ignore_errors" => true, "timeout" => 10, "header" => $headers]]);
        $body = @file_get_contents($argv[1], false, $ctx);
        if ($body === false || empty($http_response_header)) { echo 0; exit; }
        preg_match("#^HTTP/\\S+ (\\d+)#", $http_response_header[0], $m);
        echo $m[1] ?? 0;' "$1" 2>/dev/null || echo 0
}

php_server_pid() { # our server's pid, if it runs
    local pid
    [ -s "$PHP_PIDFILE" ] || return 1
    pid=$(cat "$PHP_PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-S 127.0.0.1:" || return 1
    echo "$pid"
}

stop_php() {
    local pid
    if pid=$(php_server_pid); then
        say "stopping the PHP server (pid $pid)"
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        [ -d "/proc/$pid" ] && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$PHP_PIDFILE"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start_php() {
    local group pid code=0
    group=$(id -gn "$RUN_AS")
    for _ in $(seq 1 30); do port_taken || break; sleep 0.2; done
    port_taken && die "port $PORT on 127.0.0.1 is taken by another program; choose another with WP_TEST_PORT"
    : >"$PHP_LOG"
    (cd / && exec env -i PATH="$SAFE_PATH" HOME=/tmp PHP_CLI_SERVER_WORKERS="$WORKERS" \
        setsid setpriv --reuid="$RUN_AS" --regid="$group" --init-groups \
        php -d display_errors=0 -d log_errors=1 -d memory_limit=256M \
        -d upload_max_filesize=64M -d post_max_size=64M \
        -S "127.0.0.1:$PORT" -t "$WP_ROOT" "$STATE_DIR/router.php") >>"$PHP_LOG" 2>&1 9>&- </dev/null &
    pid=$!
    echo "$pid" >"$PHP_PIDFILE"
    for _ in $(seq 1 150); do
        [ -d "/proc/$pid" ] || { show_log "$PHP_LOG"; die "the PHP server exited at once"; }
        code=$(http_status "$URL/?rest_route=/")
        [ "$code" = 200 ] && return 0
        sleep 0.2
    done
    show_log "$PHP_LOG"
    die "$URL/?rest_route=/ did not answer 200 within 30 s (last status $code)"
}

write_env_file() {
    local tmp
    tmp=$(mktemp "$(dirname "$ENV_FILE")/.syndicate-wp-env.XXXXXX")
    chmod 600 "$tmp"
    printf '# %s\nWP_TEST_URL=%s\nWP_TEST_USER=%s\nWP_TEST_APP_PASSWORD=%s\n' \
        "$ENV_MARKER" "$URL" "$ADMIN_USER" "$APP_PASSWORD" >"$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- commands

cmd_start() {
    check_args
    install_packages
    command -v setpriv >/dev/null || die "setpriv (util-linux) is missing"
    start_mariadb
    setup_database
    write_wp_config
    write_router
    stop_php # the setup must not see an old server on the port, and the port may have changed
    run_setup
    start_php
    local code
    code=$(AUTH="$ADMIN_USER:$APP_PASSWORD" http_status "$URL/?rest_route=/wp/v2/users/me")
    [ "$code" = 200 ] || die "the new application password was refused ($code from /wp/v2/users/me)"
    write_env_file
    say "WordPress is up at $URL (user $ADMIN_USER); details in $ENV_FILE; ready in ${SECONDS}s"
}

cmd_stop() {
    [ "$(id -u)" = 0 ] || die "run as root"
    stop_php
    stop_mariadb
    # The details are of no use without the server; tests see it is not running.
    if [ -f "$ENV_FILE" ] && head -n 1 "$ENV_FILE" | grep -qF "$ENV_MARKER"; then
        rm -f "$ENV_FILE"
    fi
    say "stopped"
}

cmd_status() {
    local pid
    if pid=$(php_server_pid); then say "PHP server runs (pid $pid)"; else say "PHP server is not running"; fi
    if db_alive; then
        if [ -f "$DB_MARKER" ]; then say "MariaDB runs (started by this script)"; else say "MariaDB runs"; fi
    else
        say "MariaDB is not running"
    fi
}

main() {
    local cmd="${1:-start}"
    case "$cmd" in
    start | stop | status) ;;
    -h | --help | help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        return 0
        ;;
    *) die "unknown command '$cmd' (start, stop or status)" ;;
    esac
    [ "$(id -u)" = 0 ] || die "run as root"
    install -d -m 755 "$RUN_DIR"
    install -d -m 711 "$STATE_DIR"
    # One run at a time; fd 9 is closed for everything started in the background.
    exec 9>"$RUN_DIR/lock"
    flock -w 900 9 || die "another run holds $RUN_DIR/lock"
    "cmd_$cmd"
}

main "$@"
