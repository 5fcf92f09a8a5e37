// Installs code-server (VS Code's server + web workbench, from the npm registry) into a git-ignored
// cache directory, following docs/vscode-e2e-offline.md: a pinned release that supports Node 20,
// a pre-seeded ripgrep download (its postinstall would fetch one from GitHub), and code-server's
// own postinstall run by hand because npm may not run dependency install scripts here.
// Idempotent: a finished install is recognised by a marker file and reused.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3'; // newest release whose engines allow Node 20
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11'; // where @vscode/ripgrep@1.15.11 looks first
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The cache dir; STRATA_CODE_SERVER_DIR lets several checkouts share one install. */
export function codeServerDir() {
  return process.env.STRATA_CODE_SERVER_DIR || path.join(repo, '.cache', `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry() {
  return path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with status ${r.status ?? r.signal}`);
}

function seedRipgrep() {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is needed to install code-server offline: apt-get install ripgrep');
  const cache = path.join(process.env.TMPDIR || os.tmpdir(), RIPGREP_CACHE);
  const tarball = path.join(cache, RIPGREP_TARBALL);
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(cache, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rg-'));
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  run('tar', ['-czf', tarball, '-C', stage, 'rg']);
  fs.rmSync(stage, { recursive: true, force: true });
}

function runDependencyScripts(nodeModules) {
  const bin = path.join(nodeModules, '.bin');
  const dirs = [];
  for (const name of fs.readdirSync(nodeModules)) {
    if (name.startsWith('.') || name === 'code-server') continue;
    if (name.startsWith('@')) for (const sub of fs.readdirSync(path.join(nodeModules, name))) dirs.push(path.join(nodeModules, name, sub));
    else dirs.push(path.join(nodeModules, name));
  }
  for (const d of dirs) {
    let pkg;
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    for (const script of ['preinstall', 'install', 'postinstall']) {
      if (!pkg.scripts?.[script]) continue;
      run('npm', ['run', script], { cwd: d, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, npm_config_yes: 'true' } });
    }
  }
}

/** Installs code-server when missing and returns the path of its entry script. */
export function ensureCodeServer({ log = (s) => process.stderr.write(s + '\n') } = {}) {
  const dir = codeServerDir();
  const marker = path.join(dir, '.installed');
  if (fs.existsSync(marker) && fs.existsSync(codeServerEntry())) return codeServerEntry();
  log(`[code-server] installing code-server@${CODE_SERVER_VERSION} into ${dir} (2-4 minutes, once)`);
  seedRipgrep();
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'strata-code-server-cache', private: true }) + '\n');
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir });
  // npm was told not to run scripts (it may refuse some anyway); run the ones of code-server's own
  // dependencies now (argon2 builds its native module: its prebuilt download is unreachable offline).
  runDependencyScripts(path.join(dir, 'node_modules'));
  run('sh', ['./postinstall.sh'], {
    cwd: path.join(dir, 'node_modules', 'code-server'),
    env: {
      ...process.env,
      npm_config_user_agent: `npm/11 node/${process.version} linux x64`,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
    },
  });
  if (!fs.existsSync(codeServerEntry())) throw new Error(`code-server installed but ${codeServerEntry()} is missing`);
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  return codeServerEntry();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(ensureCodeServer() + '\n');
}
