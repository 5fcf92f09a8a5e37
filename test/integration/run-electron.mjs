// The same in-host suite on desktop VS Code through @vscode/test-electron. It downloads VS Code
// builds from the internet, so it cannot run offline (CI uses run.mjs with code-server instead).
// Runs on the oldest supported VS Code (engines.vscode) and on stable:
//   npm run build && npm run compile-tests && npm run test:integration:electron
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const minimum = pkg.engines.vscode.replace(/^\^/, '');

const suite = path.join(repo, 'out', 'integration', 'suite', 'index.js');
await esbuild.build({ entryPoints: [path.join(here, 'suite', 'index.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'koffi'], logLevel: 'warning' });

const { buildFixtureStore } = require(path.join(repo, 'out', 'test', 'helpers', 'fixture-store.js'));
let failed = false;
for (const version of [minimum, 'stable']) {
  const fx = buildFixtureStore('vfs', 'strata-electron-');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ws-electron-'));
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'strata.stores': [{ root: fx.store.root, runRoot: fx.store.runroot, driver: fx.store.driver }], 'strata.discoverSystemStores': false }));
  fs.writeFileSync(path.join(ws, '.strata-fixture.json'), JSON.stringify({ root: fx.store.root, runroot: fx.store.runroot, driver: fx.store.driver, dir: fx.store.dir, base: fx.base, app: fx.app, child: fx.child, dangling: fx.dangling, container: fx.container }));
  try {
    await runTests({ version, extensionDevelopmentPath: repo, extensionTestsPath: suite, launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'] });
    console.log(`[electron] VS Code ${version}: passed`);
  } catch (e) {
    failed = true;
    console.error(`[electron] VS Code ${version}: FAILED (${e?.message ?? e})`);
  } finally {
    fx.store.remove();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
