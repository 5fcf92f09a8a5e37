import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { legacyLayers } from '../../../../src/store/save/docker-archive';
import { extraTagOf, ociRefName, repoTagOf } from '../../../../src/store/save/names';

// Golden values from `podman save` (podman 4.3.1) of the same configs and layers.
const DOCK_CONFIG =
  '{"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Labels":{"a<b":"x&y"},"ExposedPorts":{"80/tcp":{}}},' +
  '"container":"abc","container_config":{"Hostname":"abc","Cmd":["/bin/sh","-c","#(nop) LABEL"]},' +
  '"created":"2021-06-01T10:00:00.000+02:00","docker_version":"20.10.7","os":"linux",' +
  '"rootfs":{"type":"layers","diff_ids":["sha256:dea30a87508339727c721a24f3263dd768b59f2b51534a506ed2c78976949f21"]},"history":[{"created":"2021-06-01T10:00:00.000+02:00","created_by":"/bin/sh -c #(nop) ADD file"}]}';

test('legacy layer ID and json of a top layer: raw config values compacted and HTML-escaped', () => {
  const [l] = legacyLayers(['sha256:dea30a87508339727c721a24f3263dd768b59f2b51534a506ed2c78976949f21'], Buffer.from(DOCK_CONFIG));
  assert.equal(l!.id, '806970798d06fb133df514fc7bdd0ef502ff8c51cadbdc38f841f54ee00e16c5');
  assert.equal(
    l!.json,
    '{"architecture":"amd64","config":{"Hostname":"","Env":["PATH=/bin"],"Cmd":["/bin/sh"],"Labels":{"a\\u003cb":"x\\u0026y"},"ExposedPorts":{"80/tcp":{}}},' +
      '"container":"abc","container_config":{"Hostname":"abc","Cmd":["/bin/sh","-c","#(nop) LABEL"]},"created":"2021-06-01T10:00:00.000+02:00",' +
      '"docker_version":"20.10.7","id":"806970798d06fb133df514fc7bdd0ef502ff8c51cadbdc38f841f54ee00e16c5","os":"linux"}',
  );
});

test('the same layer twice gets two legacy IDs (chain IDs differ); absent keys are null; indented config', () => {
  const config = JSON.stringify(
    {
      created: '2024-05-06T07:08:09.120000000Z',
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: ['sha256:564b80e2dff53c21689aac66f57c7d5e6d593be4667d1627a653ed9f9b350e8f', 'sha256:564b80e2dff53c21689aac66f57c7d5e6d593be4667d1627a653ed9f9b350e8f'] },
      history: [
        { created: '2024-05-06T07:08:09Z', created_by: 'layer 0 <&>', comment: 'fixture' },
        { created: '2024-05-06T07:08:09Z', created_by: 'layer 1 <&>', comment: 'fixture' },
      ],
    },
    null,
    2,
  );
  const d = 'sha256:564b80e2dff53c21689aac66f57c7d5e6d593be4667d1627a653ed9f9b350e8f';
  const [a, b] = legacyLayers([d, d], Buffer.from(config));
  assert.equal(a!.json, '{"id":"46c4eb71a1efd856e41d41e2b7039216a5ea9559770160be7e3590bdf61aa4cf"}');
  assert.equal(
    b!.json,
    '{"architecture":"amd64","config":null,"container":null,"container_config":null,"created":"2024-05-06T07:08:09.120000000Z","docker_version":null,' +
      '"id":"d53c807ddb4a25dceb594654436fd6789e88b24aecc018376e340365b7b4ea4f","os":"linux","parent":"46c4eb71a1efd856e41d41e2b7039216a5ea9559770160be7e3590bdf61aa4cf"}',
  );
});

test('a config that is not a JSON object is a CorruptMetadata error', () => {
  assert.throws(() => legacyLayers(['sha256:' + '1'.repeat(64)], Buffer.from('[1,2]')), { code: 'CorruptMetadata' });
});

test('RepoTags come from canonical tagged resolved names only; extra tags are normalized or dropped', () => {
  assert.deepEqual(repoTagOf('localhost:5000/app:v1'), { name: 'localhost:5000/app', tag: 'v1' });
  assert.deepEqual(repoTagOf('docker.io/library/foo:latest'), { name: 'docker.io/library/foo', tag: 'latest' });
  assert.equal(repoTagOf('c13df9476c57'), undefined);
  assert.equal(repoTagOf('sha256:' + 'a'.repeat(64)), undefined);
  assert.equal(repoTagOf('localhost/app'), undefined);
  assert.equal(repoTagOf(''), undefined);
  assert.deepEqual(extraTagOf('foo:bar'), { name: 'localhost/foo', tag: 'bar' });
  assert.deepEqual(extraTagOf('x'), { name: 'localhost/x', tag: 'latest' });
  assert.deepEqual(extraTagOf('docker.io/foo'), { name: 'docker.io/library/foo', tag: 'latest' });
  assert.equal(extraTagOf('Foo'), undefined);
  assert.throws(() => extraTagOf('x@sha256:' + 'b'.repeat(64)), /invalid additional tag .*normalized to untagged "localhost\/x@sha256:/);
  assert.equal(ociRefName('abcdef' + '0'.repeat(58), 'abcd'), '');
  assert.equal(ociRefName('abcdef' + '0'.repeat(58), 'localhost/app:v1'), 'localhost/app:v1');
});
