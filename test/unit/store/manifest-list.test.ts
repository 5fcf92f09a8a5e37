import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isStoreError } from '../../../src/store/errors';
import { chooseInstance, hostPlatform, parseManifestList } from '../../../src/store/manifest-list';

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const j = (x: unknown): Buffer => Buffer.from(JSON.stringify(x));

test('parseManifestList recognises lists the way GuessMIMEType does', () => {
  assert.equal(parseManifestList(j({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [] }))?.mediaType, DOCKER_LIST);
  assert.equal(parseManifestList(j({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }))?.mediaType, OCI_INDEX);
  // no mediaType: an index if it has manifests and no config media type
  assert.equal(parseManifestList(j({ schemaVersion: 2, manifests: [{ digest: 'd' }] }))?.mediaType, OCI_INDEX);
  assert.equal(parseManifestList(j({ schemaVersion: 2, manifests: [] })), undefined);
  assert.equal(parseManifestList(j({ schemaVersion: 2, config: { mediaType: 'x' }, manifests: [{ digest: 'd' }] })), undefined);
  assert.equal(parseManifestList(j({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {}, layers: [] })), undefined);
  assert.equal(parseManifestList(j({ schemaVersion: 1, manifests: [{ digest: 'd' }] })), undefined);
  assert.equal(parseManifestList(Buffer.from('not json')), undefined);
  assert.equal(parseManifestList(j([1, 2])), undefined);
});

test('chooseInstance walks the wanted platforms from most to least compatible', () => {
  const list = {
    mediaType: DOCKER_LIST,
    manifests: [
      { digest: 'arm-none', platform: { architecture: 'arm', os: 'linux' } },
      { digest: 'arm-v6', platform: { architecture: 'arm', os: 'linux', variant: 'v6' } },
      { digest: 'arm-v7', platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
      { digest: 'arm64', platform: { architecture: 'arm64', os: 'linux' } },
      { digest: 'arm64-v8', platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
      { digest: 'amd64-a', platform: { architecture: 'amd64', os: 'linux' } },
      { digest: 'amd64-b', platform: { architecture: 'amd64', os: 'linux' } },
    ],
  };
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'amd64' }), 'amd64-a');
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'arm64', variant: 'v8' }), 'arm64-v8');
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'arm64' }), 'arm64');
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'arm', variant: 'v8' }), 'arm-v7');
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'arm', variant: 'v5' }), 'arm-none');
  assert.equal(chooseInstance(list, { os: 'linux', architecture: 'arm' }), 'arm-none');
  assert.throws(
    () => chooseInstance(list, { os: 'windows', architecture: 'amd64' }),
    (e: unknown) => isStoreError(e, 'ImageNotKnown') && e.message === 'no image found in manifest list for architecture amd64, variant "", OS windows: image not known',
  );
  const index = { mediaType: OCI_INDEX, manifests: [{ digest: 'mips', platform: { architecture: 'mips', os: 'linux' } }, { digest: 'any' }] };
  assert.equal(chooseInstance(index, { os: 'linux', architecture: 'amd64' }), 'any');
  assert.throws(
    () => chooseInstance({ mediaType: OCI_INDEX, manifests: [] }, { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    (e: unknown) => isStoreError(e, 'ImageNotKnown') && e.message === 'no image found in image index for architecture arm64, variant "v8", OS linux: image not known',
  );
});

test('hostPlatform names the platform in Go terms', () => {
  const p = hostPlatform();
  assert.equal(p.os, process.platform === 'win32' ? 'windows' : process.platform);
  if (process.arch === 'x64') assert.deepEqual(p, { os: p.os, architecture: 'amd64', variant: '' });
});
