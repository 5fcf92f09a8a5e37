// Runs every test tier in order with node's test runner and exits non-zero if any failed.
// Tiers: unit (pure, synthesised stores), podman (differential against the real podman),
// server (protocol over the built server), webview (the webview bundle in Chromium under its CSP),
// integration (real VS Code via code-server).
// Pass tier names to run a subset: `node scripts/run-tests.mjs unit podman`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIERS = ['unit', 'podman', 'server', 'webview'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : [...TIERS, 'integration'];

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// Strata's listing cache (facts-cache.ts) goes to a directory of this run, not the user's ~/.cache.
const cacheDir = process.env.STRATA_CACHE_DIR ? undefined : mkdtempSync(path.join(os.tmpdir(), 'strata-test-cache-'));
if (cacheDir) process.env.STRATA_CACHE_DIR = cacheDir;

const files = wanted.filter((t) => TIERS.includes(t)).flatMap((t) => testFiles(path.join('out', 'test', t)));
let failed = false;
if (files.length) {
  // One process per file, at most two at once: podman-backed files build their own stores.
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
if (wanted.includes('integration') && existsSync('test/integration/run.mjs')) {
  const r = spawnSync(process.execPath, ['test/integration/run.mjs'], { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
