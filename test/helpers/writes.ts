/*
 * Helpers for the store-writer tests: a fixture store built once per file with podman, cheap
 * copies of it (cp -a, as two independent stores), the strata CLI run like podman, and a
 * comparable description of everything on disk.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { podman, podmanEnv, tempStore, type Driver, type TempStore } from './podman';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** A per-file containers.conf sending podman's (and Strata's) events to a private log. */
export function privateEvents(dir: string): string {
  const conf = path.join(dir, 'containers.conf');
  const log = path.join(dir, 'events.log');
  fs.writeFileSync(conf, `[engine]\nevents_logger = "file"\nevents_logfile_path = "${log}"\n`);
  process.env.CONTAINERS_CONF = conf;
  return log;
}

/**
 * base:v1 (+ base:v2, other) imported from a tar; child:v1 built FROM base with two COPY steps
 * (so an unnamed intermediate image sits between them); a container c1 created from `ctr:v1`,
 * a one-layer image of its own.
 */
export function buildFixture(driver: Driver): TempStore {
  const store = tempStore(driver, 'strata-writes-');
  const ctx = path.join(store.dir, 'ctx');
  fs.mkdirSync(path.join(ctx, 'etc', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(ctx, 'etc', 'hello.txt'), 'hello\n');
  fs.writeFileSync(path.join(ctx, 'etc', 'sub', 'big.bin'), Buffer.alloc(20000, 7));
  fs.symlinkSync('hello.txt', path.join(ctx, 'etc', 'link'));
  const baseTar = path.join(store.dir, 'base.tar');
  execFileSync('tar', ['-C', ctx, '-cf', baseTar, 'etc']);
  const ctrTar = path.join(store.dir, 'ctr.tar');
  fs.writeFileSync(path.join(ctx, 'ctr.txt'), 'ctr\n');
  execFileSync('tar', ['-C', ctx, '-cf', ctrTar, 'ctr.txt']);
  const build = path.join(store.dir, 'build');
  fs.mkdirSync(build);
  fs.writeFileSync(path.join(build, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(build, 'b.txt'), 'b\n');
  fs.writeFileSync(path.join(build, 'Containerfile'), 'FROM localhost/base:v1\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\n');
  podman(store, ['import', '-q', baseTar, 'localhost/base:v1']);
  podman(store, ['tag', 'localhost/base:v1', 'localhost/base:v2', 'localhost/other:latest']);
  podman(store, ['build', '-q', '-t', 'localhost/child:v1', build]);
  podman(store, ['import', '-q', ctrTar, 'localhost/ctr:v1']);
  podman(store, ['create', '-q', '--name', 'c1', 'localhost/ctr:v1', 'true']);
  return store;
}

/** An independent copy of `src` (cp -a); podman's own database is dropped (it records paths). */
export function copyStore(src: TempStore, prefix = 'strata-copy-'): TempStore {
  const dst = tempStore(src.driver, prefix);
  fs.rmSync(dst.root, { recursive: true, force: true });
  execFileSync('cp', ['-a', src.root, dst.root]);
  if (fs.existsSync(src.runroot)) execFileSync('cp', ['-a', src.runroot, dst.runroot]);
  fs.rmSync(path.join(dst.root, 'libpod', 'bolt_state.db'), { force: true });
  return dst;
}

export function strata(store: TempStore, args: string[], opts: { input?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...store.flags, ...args], {
    env: podmanEnv(store),
    input: opts.input,
    encoding: 'utf8',
  });
}

export function podmanRun(store: TempStore, args: string[]): SpawnSyncReturns<string> {
  return spawnSync('podman', [...store.flags, ...args], { env: podmanEnv(store), encoding: 'utf8' });
}

/**
 * Deletes a test store. podman's overlay driver leaves its home bind-mounted on itself (and
 * containers may leave mounts); unmount everything under the store first, deepest first.
 */
export function removeStore(store: TempStore): void {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => Boolean(m) && (m === store.dir || m!.startsWith(store.dir + '/')))
    .sort((x, y) => y.length - x.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  fs.rmSync(store.dir, { recursive: true, force: true });
}

/** images.json, layers.json (raw bytes as text) of a store. */
export function metadata(store: TempStore): { images: string; layers: string } {
  const read = (p: string): string => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '<absent>');
  return {
    images: read(path.join(store.root, `${store.driver}-images`, 'images.json')),
    layers: read(path.join(store.root, `${store.driver}-layers`, 'layers.json')),
  };
}

/**
 * Every path under the store's graphroot with its type, mode and (for files) size, except
 * podman's own database and lock-file contents (tokens differ by design). overlay's random
 * link names are compared by count, not by name.
 */
export function diskTree(store: TempStore): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (r === 'libpod') continue;
      const st = fs.lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.push(`d ${r} ${mode}`);
        walk(p, r);
      } else if (st.isSymbolicLink()) {
        out.push(`l ${r.replace(/\/l\/[A-Z0-9]+$/, '/l/<link>')} -> ${fs.readlinkSync(p)}`);
      } else {
        const size = name.endsWith('.lock') ? '' : ` ${st.size}`;
        out.push(`f ${r} ${mode}${size}`);
      }
    }
  };
  walk(store.root, '');
  return out.sort();
}
