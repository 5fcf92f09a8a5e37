// `npm run start`: VS Code with Strata on this machine's stores, or on a demo store when the
// machine has no images. Desktop VS Code (`code`) when it is installed; otherwise code-server
// (installed into .cache/ on first use, offline) serving VS Code in the browser: the URL is
// printed, and opened in Chromium when a display is available.
//   --demo      always add the demo store      --no-open   do not launch a browser
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoStore } from './demo-store.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const log = (s) => process.stdout.write(`${s}\n`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function npm(script) {
  execFileSync('npm', ['run', '--silent', script], { cwd: repo, stdio: 'inherit' });
}

/** Whether the store podman would use for this user holds any image (read by Strata's CLI). */
function machineHasImages() {
  const r = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'images', '-a', '-q'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

async function main() {
  if (!fs.existsSync(path.join(repo, 'node_modules', '.bin', 'esbuild'))) {
    log('[start] installing dependencies (npm ci)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'inherit' });
  }
  log('[start] building Strata and packaging strata.vsix');
  npm('package');
  const vsix = path.join(repo, 'strata.vsix');
  const stores = [];
  if (args.has('--demo') || !machineHasImages()) {
    const demo = ensureDemoStore();
    stores.push({ root: demo.root, runRoot: demo.runRoot, driver: demo.driver });
    log(`[start] no images on this machine: showing the demo store ${demo.root} as well`);
  }
  const home = path.join(repo, '.cache', 'strata-start');
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = { 'strata.stores': stores, 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' };

  if (has('code') && !args.has('--browser')) {
    log('[start] desktop VS Code found: installing strata.vsix and opening it');
    execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
    if (stores.length) log(`[start] add this to your settings to see the demo store: "strata.stores": ${JSON.stringify(stores)}`);
    spawn('code', [repo], { stdio: 'ignore', detached: true }).unref();
    return;
  }

  const { writeUserSettings, startCodeServer, workbenchUrl, CHROMIUM } = await import('../test/integration/code-server-session.mjs');
  const { ensureCodeServer } = await import('../test/integration/code-server.mjs');
  const entry = ensureCodeServer({ log });
  writeUserSettings(userDataDir, settings);
  execFileSync(process.execPath, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], { stdio: 'inherit' });
  const server = await startCodeServer({ userDataDir, extensionsDir, workspace: repo, log: () => {} });
  const url = workbenchUrl(server, { folder: repo });
  log(`\n[start] VS Code with Strata is at:\n\n    ${url}\n\n[start] open the "Strata" view in the activity bar. Ctrl+C stops the server.`);
  if (!args.has('--no-open') && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && fs.existsSync(CHROMIUM)) {
    spawn(CHROMIUM, [`--app=${url}`, '--no-first-run', `--user-data-dir=${path.join(home, 'chromium')}`], { stdio: 'ignore', detached: true }).unref();
  }
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise((resolve) => server.child.once('exit', resolve));
}

main().catch((e) => {
  process.stderr.write(`[start] ${e?.stack ?? e}\n`);
  process.exit(1);
});
