import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../helpers/temp-dir';

const REPO = path.resolve(__dirname, '../../../..');
const LAUNCHER = path.join(REPO, 'bin', 'strata.js');
const BUNDLE = path.join(REPO, 'dist', 'cli.js');

// node warns on stderr when the file NODE_EXTRA_CA_CERTS names cannot be read: the warning shows
// whether node read the variable at all.
const EXTRA_CERTS_WARNING = /extra certs/i;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('the strata launcher starts node without NODE_EXTRA_CA_CERTS, and passes arguments and exit codes through', (t) => {
  assert.ok(fs.existsSync(BUNDLE), 'dist/cli.js is built (npm run build)');
  const env = { NODE_EXTRA_CA_CERTS: '/nonexistent/strata-test-certs.pem' };
  // The bundle run directly: node reads the variable (and warns: the file is missing).
  const direct = run(process.execPath, [BUNDLE, '--help'], env);
  assert.equal(direct.status, 0);
  assert.match(direct.stderr, EXTRA_CERTS_WARNING);

  // Through the launcher, by a path with a space, as npm links it (a symlink in node_modules/.bin).
  const dir = tempDir(t, 'strata launcher ');
  const link = path.join(dir, 'strata');
  fs.symlinkSync(LAUNCHER, link);
  const help = run(link, ['--help'], env);
  assert.equal(help.status, 0, help.stderr);
  assert.doesNotMatch(help.stderr, EXTRA_CERTS_WARNING);
  assert.equal(help.stdout, direct.stdout);

  // Arguments with spaces and quotes arrive intact; the CLI's exit code is the launcher's.
  const bad = run(link, ['no such "command"'], env);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown command: no such "command"/);
  assert.doesNotMatch(bad.stderr, EXTRA_CERTS_WARNING);

  // node reading the file as JavaScript (node bin/strata.js) runs the CLI too.
  const viaNode = run(process.execPath, [LAUNCHER, '--help'], {});
  assert.equal(viaNode.status, 0);
  assert.equal(viaNode.stdout, direct.stdout);
});
