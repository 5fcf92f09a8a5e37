#!/usr/bin/env node
// Thin launcher so `npx strata` runs the bundled CLI.
require('../dist/cli.js');
