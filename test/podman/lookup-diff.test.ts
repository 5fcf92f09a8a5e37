/*
 * Name resolution against podman on the vfs fixture store: every way of naming an image that
 * podman accepts (full, short, docker.io and library/ forms, registry ports, ID prefixes, sha256:,
 * name@digest, manifest lists) must resolve to the same image, and names podman rejects must fail.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { podmanTest } from '../helpers/podman';
import { fixtureStore, podmanAt, strataAt, type FixtureStore } from '../fixtures/podman-fixtures';

let fx: FixtureStore;
const opts = podmanTest();

before(async () => {
  if (opts.skip) return;
  fx = await fixtureStore('vfs');
});

function podmanId(name: string): string | undefined {
  const r = spawnSync('podman', ['image', 'inspect', '--format', '{{.ID}}', name], { env: fx.env, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function strataId(name: string): string | undefined {
  const r = strataAt(fx, ['inspect', name]);
  if (r.status !== 0) {
    assert.equal(r.stdout.trim(), '[]', `${name}: output on failure`);
    assert.match(r.stderr, /^Error: .+\n$/, `${name}: one-line error`);
    return undefined;
  }
  return (JSON.parse(r.stdout) as Array<{ Id: string }>)[0]!.Id;
}

test('names, short names, IDs and digests resolve to the image podman picks', opts, () => {
  const app = JSON.parse(podmanAt(fx, ['image', 'inspect', 'localhost/app:1'])) as Array<{ Id: string; Digest: string }>;
  const appId = app[0]!.Id;
  const names = [
    'localhost/app:1',
    'app:1',
    'app',
    'localhost/app',
    'busybox:1.36',
    'busybox',
    'docker.io/busybox',
    'docker.io/library/busybox:latest',
    'library/busybox:1.36',
    'myregistry:5000/ns/app:1',
    'ns/app:1',
    'quay.io/example/base:v2',
    'example/base:v2',
    'base:v2',
    'base-alias',
    'ro-base:1',
    'quay.io/example/ro-app:2',
    'example/ro-app:2',
    appId,
    appId.slice(0, 12),
    appId.slice(0, 3),
    `sha256:${appId}`,
    `localhost/app@${app[0]!.Digest}`,
    `anything/else@${app[0]!.Digest}`,
    `localhost/app:1@${app[0]!.Digest}`,
    // Names podman does not resolve.
    'app:2',
    'nope',
    'quay.io/app:1',
    `sha256:${appId.slice(0, 12)}`,
    'UPPER/case',
  ];
  for (const n of names) assert.equal(strataId(n), podmanId(n), `resolving ${JSON.stringify(n)}`);
});

test('a manifest list resolves, like podman, to its instance for this platform', opts, () => {
  const listId = podmanAt(fx, ['images', '--format', '{{.ID}}', '--no-trunc', 'localhost/list']).trim().replace(/^sha256:/, '');
  assert.ok(listId, 'the fixture has localhost/list:1');
  for (const n of ['localhost/list:1', 'list:1', listId, listId.slice(0, 12)]) {
    const theirs = podmanAt(fx, ['image', 'inspect', n]);
    const r = strataAt(fx, ['inspect', n]);
    assert.equal(r.stderr, '', `${n}: stderr`);
    assert.equal(r.stdout, theirs, `inspect ${n}`);
    assert.equal(strataAt(fx, ['history', '--format', 'json', n]).stdout, podmanAt(fx, ['history', '--format', 'json', n]), `history ${n}`);
    assert.equal(strataAt(fx, ['tree', n]).stdout, podmanAt(fx, ['image', 'tree', n]), `tree ${n}`);
  }
});
