/*
 * A small store built by the real podman/buildah, shared by the server and integration tests:
 *   base   localhost/strata-base:latest      imported from a tarball (one layer)
 *   app    localhost/strata-app:v1 + :latest  base + one layer, with labels (some hostile)
 *   child  localhost/strata-child:1           app + one layer
 *   plus a container using base (so base cannot be removed) and a dangling image.
 * Everything offline: tarballs are made here, no registry is contacted.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildah, podman, tempStore, type Driver, type TempStore } from './podman';

export interface FixtureStore {
  store: TempStore;
  base: string;
  app: string;
  child: string;
  dangling: string;
  container: string;
}

/** Labels that must be shown as text and never run (webview and tooltip tests). */
export const HOSTILE_LABELS: Record<string, string> = {
  'org.example.title': '<script>window.__strataPwned = 1</script>',
  'org.example.img': '<img src=x onerror="window.__strataPwned = 2">',
};

function tarOf(dir: string, files: Record<string, string>, out: string): string {
  const src = path.join(dir, `src-${path.basename(out)}`);
  fs.mkdirSync(src, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    fs.writeFileSync(path.join(src, name), content);
  }
  execFileSync('tar', ['-cf', out, '-C', src, '.']);
  return out;
}

export function buildFixtureStore(driver: Driver = 'vfs', prefix = 'strata-fixture-'): FixtureStore {
  const store = tempStore(driver, prefix);
  const base = podman(store, ['import', '--message', 'base import', tarOf(store.dir, { 'etc/os-release': 'ID=strata\n', 'bin/hello': 'hello\n' }, path.join(store.dir, 'base.tar')), 'localhost/strata-base:latest']).trim().replace(/^sha256:/, '');

  const ctr = buildah(store, ['from', '--pull-never', 'localhost/strata-base:latest']).trim();
  fs.writeFileSync(path.join(store.dir, 'app.txt'), 'app layer\n');
  buildah(store, ['copy', ctr, path.join(store.dir, 'app.txt'), '/app.txt']);
  const labelArgs = Object.entries({ 'org.opencontainers.image.title': 'Strata test app', ...HOSTILE_LABELS }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  buildah(store, ['config', ...labelArgs, ctr]);
  const app = buildah(store, ['commit', '--quiet', ctr, 'localhost/strata-app:v1']).trim().replace(/^sha256:/, '');
  buildah(store, ['rm', ctr]);
  podman(store, ['tag', app, 'localhost/strata-app:latest']);

  const ctr2 = buildah(store, ['from', '--pull-never', 'localhost/strata-app:v1']).trim();
  fs.writeFileSync(path.join(store.dir, 'child.txt'), 'child layer\n');
  buildah(store, ['copy', ctr2, path.join(store.dir, 'child.txt'), '/child.txt']);
  const child = buildah(store, ['commit', '--quiet', ctr2, 'localhost/strata-child:1']).trim().replace(/^sha256:/, '');
  buildah(store, ['rm', ctr2]);

  const dangling = podman(store, ['import', tarOf(store.dir, { 'dangling.txt': 'nobody names me\n' }, path.join(store.dir, 'dangling.tar'))]).trim().replace(/^sha256:/, '');
  const container = podman(store, ['create', '--name', 'strata-user', 'localhost/strata-base:latest', '/bin/hello']).trim();
  return { store, base, app, child, dangling, container };
}
