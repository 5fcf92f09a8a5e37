import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isStoreError } from '../../../src/store/errors';
import { lookupCandidates, lookupImage, lookupImages } from '../../../src/store/lookup';
import type { ImageRecord } from '../../../src/store/records';
import { EMPTY_REGISTRIES_CONFIG, type RegistriesConfig } from '../../../src/store/registries';
import { parseNormalizedNamed } from '../../../src/store/reference';
import { StoreSnapshot, type ImageEntry } from '../../../src/store/snapshot';
import type { Store, StoreTree } from '../../../src/store/store';

function tree(root: string, readOnly: boolean): StoreTree {
  return { root, readOnly, imagesDir: `${root}/vfs-images`, layersDir: `${root}/vfs-layers`, imagesLock: '', layersLock: '' };
}
const PRIMARY = tree('/primary', false);
const EXTRA = tree('/extra', true);

/** A snapshot of image records only; lookup needs nothing else (the Store is never touched). */
function snapshotOf(primary: Partial<ImageRecord>[], extra: Partial<ImageRecord>[] = []): StoreSnapshot {
  const entries: ImageEntry[] = [
    ...primary.map((r) => ({ record: { id: '', ...r } as ImageRecord, readOnly: false, tree: PRIMARY })),
    ...extra.map((r) => ({ record: { id: '', ...r } as ImageRecord, readOnly: true, tree: EXTRA })),
  ];
  return new StoreSnapshot(null as unknown as Store, entries, [], [], []);
}

function id(prefix: string): string {
  return prefix.padEnd(64, '0');
}
function dg(c: string): string {
  return `sha256:${c.repeat(64).slice(0, 64)}`;
}

function registries(search: string[] = [], aliases: Record<string, string> = {}): RegistriesConfig {
  return {
    unqualifiedSearchRegistries: search,
    unqualifiedSearchRegistriesOrigin: search.length ? '/test/registries.conf' : '',
    aliases: new Map(Object.entries(aliases).map(([k, v]) => [k, { value: v === '' ? null : parseNormalizedNamed(v), origin: '/test' }])),
    files: [],
  };
}

const NONE = { registries: EMPTY_REGISTRIES_CONFIG, pathExists: () => false };

function find(snap: StoreSnapshot, input: string, opts: Parameters<typeof lookupImage>[2] = NONE): [string, string] {
  const r = lookupImage(snap, input, opts);
  return [r.image.record.id, r.resolvedName];
}

function fails(snap: StoreSnapshot, input: string, code: string, message: string, opts: Parameters<typeof lookupImage>[2] = NONE): void {
  assert.throws(
    () => lookupImage(snap, input, opts),
    (e: unknown) => {
      assert.ok(isStoreError(e), String(e));
      assert.equal(e.code, code, `${input}: ${e.message}`);
      assert.equal(e.message, message);
      return true;
    },
    input,
  );
}

const A = id('75510a14c8ab');
const B = id('c13df9');
const C = id('c1e');
const M = dg('d');

const store = snapshotOf([
  { id: A, names: ['localhost/app:latest', 'quay.io/example/app:1.0', 'localhost/myrepo/app2:latest', 'host:5000/ns/tool:2'], digest: M },
  { id: B, names: ['docker.io/library/alpine:latest', 'localhost/abc:latest'], 'big-data-digests': { manifest: dg('e'), 'manifest-sha256:ff': dg('f'), config: dg('9') } },
  { id: C, names: [] },
]);

test('short names try localhost/ first, then docker.io', () => {
  assert.deepEqual(find(store, 'app'), [A, 'localhost/app:latest']);
  assert.deepEqual(find(store, 'localhost/app'), [A, 'localhost/app:latest']);
  assert.deepEqual(find(store, 'alpine'), [B, 'docker.io/library/alpine:latest']);
  assert.deepEqual(find(store, 'docker.io/alpine'), [B, 'docker.io/library/alpine:latest']);
  assert.deepEqual(find(store, 'library/alpine:latest'), [B, 'docker.io/library/alpine:latest']);
  assert.deepEqual(find(store, 'host:5000/ns/tool:2'), [A, 'host:5000/ns/tool:2']);
});

test('candidate order: alias, localhost, unqualified-search registries, docker.io', () => {
  const s = snapshotOf([
    { id: id('1'), names: ['docker.io/library/web:latest'] },
    { id: id('2'), names: ['quay.io/web:latest'] },
    { id: id('3'), names: ['localhost/web:latest'] },
    { id: id('4'), names: ['registry.example/x/web:latest'] },
  ]);
  assert.deepEqual(find(s, 'web'), [id('3'), 'localhost/web:latest']);
  assert.deepEqual(find(s, 'web', { registries: registries(['quay.io', 'docker.io']) }), [id('3'), 'localhost/web:latest']);
  assert.deepEqual(find(s, 'web', { registries: registries([], { web: 'registry.example/x/web' }) }), [id('4'), 'registry.example/x/web:latest']);
  // an alias cleared with "" is no alias
  assert.deepEqual(find(s, 'web', { registries: registries([], { web: '' }) }), [id('3'), 'localhost/web:latest']);
  const noLocal = snapshotOf([
    { id: id('1'), names: ['docker.io/library/web:latest'] },
    { id: id('2'), names: ['quay.io/web:latest'] },
  ]);
  assert.deepEqual(find(noLocal, 'web', { registries: registries(['quay.io', 'docker.io']) }), [id('2'), 'quay.io/web:latest']);
  assert.deepEqual(find(noLocal, 'web'), [id('1'), 'docker.io/library/web:latest']);
  assert.deepEqual(lookupCandidates('web', registries(['quay.io', 'docker.io'], { web: 'r.io/w' })), [
    'r.io/w:latest', 'localhost/web:latest', 'quay.io/web:latest', 'docker.io/library/web:latest', 'docker.io/library/web:latest',
  ]);
  assert.deepEqual(lookupCandidates('quay.io/x', EMPTY_REGISTRIES_CONFIG), ['quay.io/x:latest', 'quay.io/x:latest']);
  // the alias keeps the user's tag or digest
  assert.deepEqual(lookupCandidates(`web@${M}`, registries([], { web: 'r.io/w' })).slice(0, 2), [`r.io/w@${M}`, `localhost/web@${M}`]);
});

test('ID prefixes of any length, after names', () => {
  assert.deepEqual(find(store, '7'), [A, '7']);
  assert.deepEqual(find(store, '75510a14c8ab'), [A, '75510a14c8ab']);
  assert.deepEqual(find(store, 'c13'), [B, 'c13']);
  assert.deepEqual(find(store, 'c1e'), [C, 'c1e']);
  assert.deepEqual(find(store, A), [A, A]);
  // a name wins over an ID prefix: `abc` is localhost/abc:latest even if an ID began with abc
  const s = snapshotOf([{ id: id('abc'), names: [] }, { id: id('f'), names: ['localhost/abc:latest'] }]);
  assert.deepEqual(find(s, 'abc'), [id('f'), 'localhost/abc:latest']);
  assert.deepEqual(find(s, 'ab'), [id('abc'), 'ab']);
});

test('an ambiguous ID prefix is an AmbiguousImage error listing the candidates', () => {
  assert.throws(
    () => lookupImage(store, 'c1', NONE),
    (e: unknown) => {
      assert.ok(isStoreError(e, 'AmbiguousImage'));
      assert.match(e.message, /^c1: the ID prefix matches 2 images/);
      assert.match(e.message, /c13df9000000 \(docker\.io\/library\/alpine:latest, localhost\/abc:latest\)/);
      assert.match(e.message, /c1e000000000/);
      assert.deepEqual(e.detail.candidates, [
        { id: B, names: ['docker.io/library/alpine:latest', 'localhost/abc:latest'] },
        { id: C, names: [] },
      ]);
      return true;
    },
  );
  // …but only when nothing else matches: a repo-tag suffix still wins over the ambiguity
  const s = snapshotOf([{ id: id('ab1'), names: ['quay.io/x/ab:latest'] }, { id: id('ab2') }]);
  assert.deepEqual(find(s, 'ab'), [id('ab1'), 'quay.io/x/ab:latest']);
});

test('sha256: needs a full ID; full IDs are looked up directly', () => {
  assert.deepEqual(find(store, `sha256:${A}`), [A, `sha256:${A}`]);
  fails(store, 'sha256:c13df9', 'InvalidReference', 'sha256:c13df9: invalid format: no 64-byte hexadecimal value');
  fails(store, `sha256:${A.toUpperCase()}`, 'InvalidReference', `sha256:${A.toUpperCase()}: invalid format: no 64-byte hexadecimal value`);
  fails(store, id('9'), 'ImageNotKnown', `${id('9')}: image not known`);
  fails(store, `sha256:${id('9')}`, 'ImageNotKnown', `sha256:${id('9')}: image not known`);
});

test('digests match any image whatever the repository; tag+digest drops the tag', () => {
  assert.deepEqual(find(store, `nothere@${M}`), [A, `nothere@${M}`]);
  assert.deepEqual(find(store, `quay.io/x/y:9@${M}`), [A, `quay.io/x/y@${M}`]);
  assert.deepEqual(find(store, `foo@${dg('e')}`), [B, `foo@${dg('e')}`]);
  assert.deepEqual(find(store, `foo@${dg('f')}`), [B, `foo@${dg('f')}`]);
  fails(store, `foo@${dg('9')}`, 'ImageNotKnown', `foo@${dg('9')}: image not known`);
});

test('short name:tag matches stored names by path suffix; qualified names never do', () => {
  assert.deepEqual(find(store, 'app:1.0'), [A, 'quay.io/example/app:1.0']);
  assert.deepEqual(find(store, 'example/app:1.0'), [A, 'quay.io/example/app:1.0']);
  assert.deepEqual(find(store, 'app2'), [A, 'localhost/myrepo/app2:latest']);
  assert.deepEqual(find(store, 'ns/tool:2'), [A, 'host:5000/ns/tool:2']);
  fails(store, 'xample/app:1.0', 'ImageNotKnown', 'xample/app:1.0: image not known');
  fails(store, 'quay.io/app:1.0', 'ImageNotKnown', 'quay.io/app:1.0: image not known');
  fails(store, 'app:2.0', 'ImageNotKnown', 'app:2.0: image not known');
  fails(store, 'nothere', 'ImageNotKnown', 'nothere: image not known');
});

test('malformed input gives the parser’s message', () => {
  fails(store, 'Foo', 'InvalidReference', 'repository name must be lowercase');
  fails(store, '', 'InvalidReference', 'repository name must have at least one component');
  fails(store, 'ab:cd:ef', 'InvalidReference', 'invalid reference format');
  fails(store, 'x@sha256:abc', 'InvalidReference', 'invalid reference format');
});

test('transports: containers-storage: is resolved, others refused, unparsable ones are names', () => {
  assert.deepEqual(find(store, 'containers-storage:localhost/app'), [A, '']);
  assert.deepEqual(find(store, 'containers-storage:quay.io/example/app:1.0'), [A, '']);
  assert.deepEqual(find(store, 'containers-storage:755'), [A, '']);
  assert.deepEqual(find(store, `containers-storage:@${A}`), [A, '']);
  assert.deepEqual(find(store, `containers-storage:localhost/app@${A}`), [A, '']);
  assert.deepEqual(find(store, `containers-storage:quay.io/example/app@${M}`), [A, '']);
  // storage references are Docker-normalized: `app` means docker.io/library/app
  fails(store, 'containers-storage:app', 'ImageNotKnown', 'containers-storage:app: image not known');
  fails(store, 'containers-storage:75', 'ImageNotKnown', 'containers-storage:75: image not known');
  // what the storage transport cannot parse is looked up as a plain name
  fails(store, 'containers-storage:', 'InvalidReference', 'invalid reference format');
  fails(store, 'containers-storage:app@zzz', 'InvalidReference', 'invalid reference format');
  fails(store, 'containers-storage:Foo', 'ImageNotKnown', 'containers-storage:Foo: image not known');
  fails(store, 'docker://alpine', 'InvalidReference', 'unsupported transport "docker" for looking up local images');
  fails(store, 'docker-archive:/x.tar', 'InvalidReference', 'unsupported transport "docker-archive" for looking up local images');
  fails(store, 'docker-daemon:foo:1', 'InvalidReference', 'unsupported transport "docker-daemon" for looking up local images');
  fails(store, 'docker-daemon:foo', 'ImageNotKnown', 'docker-daemon:foo: image not known');
  fails(store, 'docker:foo', 'ImageNotKnown', 'docker:foo: image not known');
  fails(store, 'dir:/nonexistent/x', 'InvalidReference', 'invalid reference format');
  const exists = { ...NONE, pathExists: (p: string) => p === '/tmp/' || p === '/tmp' };
  fails(store, 'dir:/tmp/x', 'InvalidReference', 'unsupported transport "dir" for looking up local images', exists);
  fails(store, 'oci:/tmp/x:img', 'InvalidReference', 'unsupported transport "oci" for looking up local images', exists);
  // `localhost:5000/x` is not a transport
  fails(store, 'localhost:5000/x', 'ImageNotKnown', 'localhost:5000/x: image not known');
});

test('additional stores: the primary store is searched first, per-store prefix indexes', () => {
  const s = snapshotOf(
    [{ id: id('aa1'), names: ['localhost/dup:latest'] }, { id: id('aa2') }],
    [{ id: id('aa3'), names: ['localhost/dup:latest', 'localhost/ro:latest'] }, { id: id('bb') }],
  );
  assert.deepEqual(find(s, 'dup'), [id('aa1'), 'localhost/dup:latest']);
  assert.deepEqual(find(s, 'ro'), [id('aa3'), 'localhost/ro:latest']);
  assert.deepEqual(find(s, 'b'), [id('bb'), 'b']);
  // ambiguous in the primary store, unique in the additional one: c/storage takes the latter
  assert.deepEqual(find(s, 'aa'), [id('aa3'), 'aa']);
  assert.equal(lookupImage(s, 'ro', NONE).image.readOnly, true);
});

test('a name recorded twice in one store belongs to the later record', () => {
  const s = snapshotOf([{ id: id('1'), names: ['localhost/x:latest'] }, { id: id('2'), names: ['localhost/x:latest'] }]);
  assert.deepEqual(find(s, 'x'), [id('2'), 'localhost/x:latest']);
});

test('lookupImages resolves several inputs with one configuration', () => {
  const r = lookupImages(store, ['app', 'c13', `sha256:${A}`], NONE);
  assert.deepEqual(r.map((x) => [x.image.record.id, x.resolvedName]), [[A, 'localhost/app:latest'], [B, 'c13'], [A, `sha256:${A}`]]);
});

test('a manifest list resolves to its instance for the platform, unless lists are wanted', () => {
  const list = (manifests: unknown[], mediaType = 'application/vnd.docker.distribution.manifest.list.v2+json'): string =>
    JSON.stringify({ schemaVersion: 2, mediaType, manifests });
  const L = id('11');
  const manifests: Record<string, string> = {
    [L]: list([
      { digest: dg('a'), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      { digest: dg('b'), platform: { architecture: 'amd64', os: 'linux' } },
      { digest: dg('c'), platform: { architecture: 'amd64', os: 'linux' } },
    ]),
  };
  const s = snapshotOf([
    { id: L, names: ['localhost/list:1'], digest: dg('f'), 'big-data-names': ['manifest', 'instances.json'] },
    { id: id('22'), names: ['localhost/arm:1'], digest: dg('a') },
    { id: id('33'), names: ['localhost/amd:1'], 'big-data-digests': { 'manifest-sha256:x': dg('b') } },
  ]);
  const opts = (platform: { os: string; architecture: string; variant?: string }, extra = {}) => ({
    ...NONE,
    platform,
    readManifest: (e: ImageEntry) => (manifests[e.record.id] ? Buffer.from(manifests[e.record.id]!) : undefined),
    ...extra,
  });
  const amd64 = opts({ os: 'linux', architecture: 'amd64' });
  assert.deepEqual(find(s, 'list:1', amd64), [id('33'), 'localhost/list:1']);
  assert.deepEqual(find(s, L, amd64), [id('33'), L]);
  assert.deepEqual(find(s, '11', amd64), [id('33'), '11']);
  assert.deepEqual(find(s, 'list:1', opts({ os: 'linux', architecture: 'arm64', variant: 'v8' })), [id('22'), 'localhost/list:1']);
  assert.deepEqual(find(s, 'list:1', opts({ os: 'linux', architecture: 'amd64' }, { manifestList: true })), [L, 'localhost/list:1']);
  // a digest match returns the list itself (podman only checks that it resolves)
  assert.deepEqual(find(s, `x@${dg('f')}`, amd64), [L, `x@${dg('f')}`]);
  fails(s, 'list:1', 'ImageNotKnown', 'no image found in manifest list for architecture s390x, variant "", OS linux: image not known', opts({ os: 'linux', architecture: 's390x' }));
  manifests[L] = list([{ digest: dg('e'), platform: { architecture: 'amd64', os: 'linux' } }]);
  fails(s, 'list:1', 'ImageNotKnown', `could not find image instance ${dg('e')} of manifest list ${L} in local containers storage: image not known: image not known`, amd64);
  // podman rmi's mode: the list itself when its instance is not here
  assert.deepEqual(find(s, 'list:1', { ...amd64, manifestListIfNoInstance: true }), [L, 'localhost/list:1']);
  assert.deepEqual(find(s, 'list:1', opts({ os: 'linux', architecture: 's390x' }, { manifestListIfNoInstance: true })), [L, 'localhost/list:1']);
  // an OCI index falls back to an entry without a platform; a list without "mediaType" is guessed
  manifests[L] = JSON.stringify({ schemaVersion: 2, manifests: [{ digest: dg('z'), platform: { architecture: 'mips', os: 'linux' } }, { digest: dg('b') }] });
  assert.deepEqual(find(s, 'list:1', amd64), [id('33'), 'localhost/list:1']);
  // not a list: a plain image manifest
  manifests[L] = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] });
  assert.deepEqual(find(s, 'list:1', amd64), [L, 'localhost/list:1']);
});
