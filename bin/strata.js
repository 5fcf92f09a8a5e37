#!/bin/sh
':' //; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"
/*
 * `strata`, as npm links it (`npx strata`). The file is read twice: first by sh, which runs
 * line 2 (to node, that line is a string and a comment) and starts node on this same file
 * without NODE_EXTRA_CA_CERTS; then by node, which runs the bundled CLI.
 *
 * Why: node reads the certificates NODE_EXTRA_CA_CERTS names as it starts, before any script
 * runs. Set to a system bundle (as CI images and company machines often do), that is about 40 ms
 * of a 120 ms start here, on every command. The CLI reads local files and makes no TLS
 * connection, so it has no use for them. `node dist/cli.js` runs the same CLI as it is.
 */
require('../dist/cli.js');
