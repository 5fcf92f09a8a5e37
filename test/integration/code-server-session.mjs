// One real VS Code session: code-server serving a workspace with Strata loaded as the extension
// under development, opened in Debian's Chromium through playwright-core. Used by the test
// harness (run.mjs), the benchmark and `npm run start`'s browser mode. See
// docs/vscode-e2e-offline.md for why each step is needed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureCodeServer } from './code-server.mjs';

export const CHROMIUM = process.env.STRATA_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Writes VS Code user settings that keep dialogs and first-run pages out of the way. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Starts code-server and resolves once it listens. `extensionsDir` may hold installed extensions
 * (npm run start installs the .vsix there); tests load the checkout as a development extension instead.
 */
export async function startCodeServer({ userDataDir, extensionsDir, workspace, log = () => {}, env = {} }) {
  const entry = ensureCodeServer({ log });
  const port = await freePort();
  const args = [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (buf) => {
      const s = buf.toString();
      output += s;
      for (const line of s.split('\n')) if (line.trim()) log(`[code-server] ${line}`);
      if (/HTTP server listening on/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited early (${code}):\n${output}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    port,
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    remote: (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The workbench URL opening `folder`, optionally with a development extension and a test module. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', server.remote(extensionTestsPath)]);
  return `${server.baseUrl}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchChromium({ headless = true, viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport });
  return { browser, context };
}
