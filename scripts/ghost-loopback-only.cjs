// Preloaded into the test Ghost by scripts/ghost-test-server.sh (node --require): its TCP connections
// may go to this machine only. Ghost reaches out on its own (webmentions to every site a published
// post links to, link previews), and a test Ghost must not ping creativecommons.org and the partners
// an article names each time the tests run. A connection elsewhere fails as a refused one does.
'use strict';

const net = require('net');

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function (...args) {
    // (Node passes its own, already normalised, arguments as an array)
    const normalised = Array.isArray(args[0]) ? args[0] : net._normalizeArgs(args);
    const options = normalised[0] || {};
    const host = options.host || 'localhost';
    if (options.path || LOCAL.has(host)) {
        return connect.apply(this, args);
    }
    const error = new Error(`connect ECONNREFUSED ${host} (the test Ghost may reach this machine only)`);
    error.code = 'ECONNREFUSED';
    process.nextTick(() => this.destroy(error));
    return this;
};
