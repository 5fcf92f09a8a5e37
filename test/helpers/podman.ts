/*
 * The oracle: run the real podman/buildah/skopeo against private stores made for one test.
 * In CI (STRATA_REQUIRE_PODMAN=1, set by .ci/run) a missing podman fails the tests; on a laptop
 * without podman they are skipped with a clear line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Driver = 'vfs' | 'overlay';

export interface TempStore {
  dir: string;
  root: string;
  runroot: string;
  driver: Driver;
  /** podman/buildah global flags selecting this store. */
  flags: string[];
  remove(): void;
}

let podmanChecked: boolean | undefined;

export function havePodman(): boolean {
  if (podmanChecked === undefined) {
    podmanChecked = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
  }
  return podmanChecked;
}

/** Options for node:test's `test(name, podmanTest(), fn)`: skip only outside CI. */
export function podmanTest(): { skip?: string } {
  if (havePodman()) return {};
  if (process.env.STRATA_REQUIRE_PODMAN === '1') {
    throw new Error('podman is required (STRATA_REQUIRE_PODMAN=1) but was not found on PATH');
  }
  return { skip: 'podman is not installed: differential tests against podman skipped' };
}

export function tempStore(driver: Driver, prefix = 'strata-test-'): TempStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const root = path.join(dir, 'root');
  const runroot = path.join(dir, 'run');
  return {
    dir,
    root,
    runroot,
    driver,
    flags: ['--root', root, '--runroot', runroot, '--storage-driver', driver],
    remove: () => {
      // overlay stores may leave mounts behind if a test died; unmount before deleting.
      spawnSync('podman', ['--root', root, '--runroot', runroot, '--storage-driver', driver, 'unshare', 'true'], { stdio: 'ignore' });
      // The overlay driver keeps its home bind-mounted (private propagation) after podman exits.
      if (driver === 'overlay') spawnSync('umount', ['-R', path.join(root, 'overlay')], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Environment for podman that ignores the machine's own storage.conf and registries. */
export function podmanEnv(store: TempStore): NodeJS.ProcessEnv {
  const conf = path.join(store.dir, 'storage.conf');
  if (!fs.existsSync(conf)) {
    fs.writeFileSync(conf, `[storage]\ndriver = "${store.driver}"\ngraphroot = "${store.root}"\nrunroot = "${store.runroot}"\n`);
  }
  return { ...process.env, CONTAINERS_STORAGE_CONF: conf };
}

export function podman(store: TempStore, args: string[], opts: { input?: string | Buffer } = {}): string {
  return execFileSync('podman', [...store.flags, ...args], {
    env: podmanEnv(store),
    input: opts.input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
}

export function buildah(store: TempStore, args: string[]): string {
  return execFileSync('buildah', [...store.flags, ...args], {
    env: podmanEnv(store),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}
