<?php
/**
 * Installs (once) and prepares the throwaway WordPress used by syndicate's tests.
 *
 * Called by scripts/wordpress-test-server.sh with the PHP CLI, as the web server
 * user, with the script on standard input. Everything comes from the environment:
 *
 *   WP_SETUP_ROOT        WordPress code (Debian: /usr/share/wordpress)
 *   WP_SETUP_HOST        Host header the site answers to, e.g. 127.0.0.1:8081
 *                        (Debian's wp-config.php picks /etc/wordpress/config-<host>.php by it)
 *   WP_SETUP_USER        administrator login
 *   WP_SETUP_EMAIL       administrator e-mail
 *   WP_SETUP_PASSWORD    administrator login password
 *   WP_SETUP_APP_NAME    name of the application password to (re)create
 *   WP_SETUP_PERMALINKS  permalink structure; empty for plain links (?p=1, ?rest_route=/)
 *
 * Idempotent: installs the site only when it is not installed yet, makes sure the
 * administrator exists with that password, deletes application passwords of the same
 * name and creates a fresh one. Standard output gets exactly one line on success:
 * the new application password. Progress and errors go to standard error.
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(404);
    exit(1);
}

// STDERR is not defined when PHP reads its script from standard input.
if (!defined('STDERR')) {
    define('STDERR', fopen('php://stderr', 'w'));
}

function setup_fail($message)
{
    fwrite(STDERR, "wordpress-setup.php: error: $message\n");
    exit(1);
}

function setup_note($message)
{
    fwrite(STDERR, "wordpress-setup.php: $message\n");
}

function setup_env($name, $allow_empty = false)
{
    $value = getenv($name);
    if ($value === false || ($value === '' && !$allow_empty)) {
        setup_fail("environment variable $name is not set");
    }
    return $value;
}

$root       = rtrim(setup_env('WP_SETUP_ROOT'), '/');
$host       = setup_env('WP_SETUP_HOST');
$login      = setup_env('WP_SETUP_USER');
$email      = setup_env('WP_SETUP_EMAIL');
$password   = setup_env('WP_SETUP_PASSWORD');
$app_name   = setup_env('WP_SETUP_APP_NAME');
$permalinks = setup_env('WP_SETUP_PERMALINKS', true);

// What a web request would carry; Debian's wp-config.php reads HTTP_HOST.
$_SERVER['HTTP_HOST']       = $host;
$_SERVER['SERVER_NAME']     = preg_replace('/:.*/', '', $host);
$_SERVER['SERVER_PORT']     = strpos($host, ':') !== false ? substr($host, strrpos($host, ':') + 1) : '80';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

// As wp-admin/install.php does: lets wp-settings.php load without a finished install.
define('WP_INSTALLING', true);

// There is no mail on a test machine; wp_install() would try to send one.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password)
{
}

// A dead database makes WordPress print an HTML page and exit; keep it off stdout.
ob_start();
register_shutdown_function(function () {
    $out = '';
    while (ob_get_level() > 0) {
        $out .= ob_get_clean();
    }
    if ($out !== '') {
        $text = trim(preg_replace('/\s+/', ' ', strip_tags($out)));
        fwrite(STDERR, "wordpress-setup.php: WordPress said: " . substr($text, 0, 600) . "\n");
    }
});

if (!is_file("$root/wp-load.php")) {
    setup_fail("no WordPress in $root");
}
require_once "$root/wp-load.php";
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (!defined('DEBIAN_FILE')) {
    setup_fail("Debian's wp-config.php found no config file for host $host");
}

if (!is_blog_installed()) {
    setup_note("installing WordPress (database " . DB_NAME . ")");
    $result = wp_install('syndicate test site', $login, $email, false, '', $password);
    if (is_wp_error($result)) {
        setup_fail('wp_install failed: ' . $result->get_error_message());
    }
    if (!is_blog_installed()) {
        setup_fail('wp_install did not leave an installed site');
    }
} else {
    setup_note("WordPress already installed (database " . DB_NAME . "), reusing it");
}

$user = get_user_by('login', $login);
if (!$user) {
    $user_id = wp_insert_user(array(
        'user_login' => $login,
        'user_pass'  => $password,
        'user_email' => $email,
        'role'       => 'administrator',
    ));
    if (is_wp_error($user_id)) {
        setup_fail("could not create user $login: " . $user_id->get_error_message());
    }
    $user = get_user_by('id', $user_id);
    setup_note("created administrator $login");
} else {
    if (!in_array('administrator', (array) $user->roles, true)) {
        $user->set_role('administrator');
    }
    if (!wp_check_password($password, $user->user_pass, $user->ID)) {
        wp_set_password($password, $user->ID);
    }
}

if (get_option('permalink_structure') !== $permalinks) {
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($permalinks);
    $wp_rewrite->flush_rules(false);
    setup_note('permalink structure set to ' . ($permalinks === '' ? 'plain' : $permalinks));
}

if (!wp_is_application_passwords_available_for_user($user)) {
    setup_fail('application passwords are not available (is WP_ENVIRONMENT_TYPE local?)');
}

foreach (WP_Application_Passwords::get_user_application_passwords($user->ID) as $item) {
    if ($item['name'] === $app_name) {
        WP_Application_Passwords::delete_application_password($user->ID, $item['uuid']);
    }
}
$created = WP_Application_Passwords::create_new_application_password($user->ID, array('name' => $app_name));
if (is_wp_error($created)) {
    setup_fail('could not create an application password: ' . $created->get_error_message());
}

$stray = '';
while (ob_get_level() > 0) {
    $stray .= ob_get_clean();
}
if (trim($stray) !== '') {
    setup_note('WordPress printed: ' . substr(trim(preg_replace('/\s+/', ' ', strip_tags($stray))), 0, 600));
}
echo $created[0], "\n";
exit(0);
