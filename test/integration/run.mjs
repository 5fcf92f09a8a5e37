// Integration tests in a real VS Code (code-server + Chromium, offline; see
// docs/vscode-e2e-offline.md). Called by scripts/run-tests.mjs after `npm run build` and
// `npm run compile-tests`:
//   1. builds a fixture store with podman and a workspace whose settings point Strata at it;
//   2. runs the in-host suite (test/integration/suite) inside the extension host and takes its exit code;
//   3. opens a fresh window and runs every UI check in test/integration/ui/*.mjs in name order.
//      A UI check exports `default async function (ctx)`; ctx = { page, fixture, artifacts, log,
//      step, openStrataView, screenshot }. Screenshots go to test-artifacts/.
// Exit code 0 only if everything passed. Set STRATA_UI_HEADFUL=1 to watch.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startCodeServer, workbenchUrl, writeUserSettings } from './code-server-session.mjs';
import { openStrataView } from './ui-helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const artifacts = path.join(repo, 'test-artifacts');
const log = (s) => process.stderr.write(`${s}\n`);
const verbose = process.env.STRATA_TEST_VERBOSE === '1';

const SUITE_TIMEOUT_MS = 5 * 60_000;

function havePodman() {
  try {
    require('node:child_process').execFileSync('podman', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function bundleSuite() {
  const outfile = path.join(repo, 'out', 'integration', 'suite', 'index.js');
  await esbuild.build({
    entryPoints: [path.join(here, 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'koffi'],
    logLevel: 'warning',
  });
  return outfile;
}

function makeWorkspace(fx, name) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), `strata-ws-${name}-`));
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(
    path.join(ws, '.vscode', 'settings.json'),
    JSON.stringify({ 'strata.stores': [{ root: fx.store.root, runRoot: fx.store.runroot, driver: fx.store.driver }], 'strata.discoverSystemStores': false }, null, 2),
  );
  fs.writeFileSync(
    path.join(ws, '.strata-fixture.json'),
    JSON.stringify({ root: fx.store.root, runroot: fx.store.runroot, driver: fx.store.driver, dir: fx.store.dir, base: fx.base, app: fx.app, child: fx.child, dangling: fx.dangling, container: fx.container }, null, 2),
  );
  return ws;
}

async function withSession(fx, name, fn) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `strata-vscode-${name}-`));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);
  const workspace = makeWorkspace(fx, name);
  const server = await startCodeServer({ userDataDir, extensionsDir, workspace, log: verbose ? log : () => {} });
  const { browser, context } = await launchChromium({ headless: process.env.STRATA_UI_HEADFUL !== '1' });
  try {
    return await fn({ server, context, workspace });
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

async function runSuite(fx, suiteFile) {
  return withSession(fx, 'suite', async ({ server, context, workspace }) => {
    const page = await context.newPage();
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      if (verbose || text.includes('[suite]')) log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repo, extensionTestsPath: suiteFile }), { waitUntil: 'domcontentloaded', timeout: 120_000 });
    const timeout = new Promise((r) => setTimeout(() => r('timeout'), SUITE_TIMEOUT_MS).unref());
    const code = await Promise.race([exited, timeout]);
    if (code === 'timeout') {
      log(`[integration] the in-host suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
      await page.screenshot({ path: path.join(artifacts, 'suite-timeout.png') }).catch(() => {});
      return 1;
    }
    return code;
  });
}

async function runUiChecks(fx) {
  const dir = path.join(here, 'ui');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort() : [];
  if (files.length === 0) return 0;
  return withSession(fx, 'ui', async ({ server, context, workspace }) => {
    const page = await context.newPage();
    await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repo }), { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let failed = 0;
    for (const file of files) {
      const mod = await import(path.join(dir, file));
      const ctx = {
        page,
        fixture: fx,
        artifacts,
        log,
        openStrataView: () => openStrataView(page),
        screenshot: (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`) }),
      };
      const started = Date.now();
      try {
        await mod.default(ctx);
        log(`[ui] ✓ ${file} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        log(`[ui] ✗ ${file}\n${e?.stack ?? e}`);
        await page.screenshot({ path: path.join(artifacts, `failed-${path.basename(file, '.mjs')}.png`) }).catch(() => {});
      }
    }
    return failed === 0 ? 0 : 1;
  });
}

async function main() {
  if (!havePodman()) {
    if (process.env.STRATA_REQUIRE_PODMAN === '1') throw new Error('podman is required for the integration tests (STRATA_REQUIRE_PODMAN=1)');
    log('[integration] podman is not installed: integration tests skipped');
    return 0;
  }
  if (!fs.existsSync(path.join(repo, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  fs.mkdirSync(artifacts, { recursive: true });
  const { buildFixtureStore } = require(path.join(repo, 'out', 'test', 'helpers', 'fixture-store.js'));
  const suiteFile = await bundleSuite();
  // Each phase gets its own store: the suite changes its store, the UI checks expect the original.
  const only = process.env.STRATA_INTEGRATION_ONLY; // 'suite' | 'ui'
  let code = 0;
  if (only !== 'ui') {
    const fx = buildFixtureStore('vfs', 'strata-it-suite-');
    try {
      const c = await runSuite(fx, suiteFile);
      log(`[integration] in-host suite ${c === 0 ? 'passed' : 'FAILED'}`);
      code ||= c;
    } finally {
      fx.store.remove();
    }
  }
  if (only !== 'suite') {
    const fx = buildFixtureStore('vfs', 'strata-it-ui-');
    try {
      const c = await runUiChecks(fx);
      log(`[integration] UI checks ${c === 0 ? 'passed' : 'FAILED'} (screenshots in ${path.relative(repo, artifacts)}/)`);
      code ||= c;
    } finally {
      fx.store.remove();
    }
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`[integration] ${e?.stack ?? e}`);
    process.exit(1);
  },
);
