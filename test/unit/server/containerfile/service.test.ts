import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ContainerfileService } from '../../../../src/server/containerfile/service';
import { parseContainerfile } from '../../../../src/server/containerfile/parser';
import type { LocalImageIndex } from '../../../../src/server/containerfile/local-images';

const images: LocalImageIndex = {
  names: () => ['localhost/base:v1', 'quay.io/example/app:1.0'],
  find: (ref) =>
    ['base:v1', 'localhost/base:v1'].includes(ref)
      ? { id: 'f'.repeat(64), names: ['localhost/base:v1'], size: 11338, created: '2026-01-01T00:00:00Z', storeLabel: 'the test store' }
      : undefined,
};
const svc = new ContainerfileService();

test('parser joins continuations, skips comments inside them and honours the escape directive', () => {
  const doc = parseContainerfile('# escape=`\nFROM base:v1\nRUN echo a `\n  # comment\n  && echo b\nCOPY --from=build --chown=1 a /a\n');
  assert.equal(doc.escapeChar, '`');
  assert.deepEqual(doc.instructions.map((i) => i.keyword), ['FROM', 'RUN', 'COPY']);
  assert.equal(doc.instructions[1]!.args, 'echo a   && echo b');
  assert.equal(doc.instructions[1]!.range.end.line, 4);
  assert.deepEqual(doc.instructions[2]!.flags, { from: 'build', chown: '1' });
});

test('heredoc bodies are not parsed as instructions', () => {
  const doc = parseContainerfile('FROM base:v1\nRUN <<EOF\nFROMAGE this is not an instruction\nEOF\nUSER 1\n');
  assert.deepEqual(doc.instructions.map((i) => i.keyword), ['FROM', 'RUN', 'USER']);
});

test('diagnostics: unknown instruction, missing FROM, invalid and non-local images, stages, docker-only', () => {
  const text = [
    'ARG V=1',
    'RUN true',
    'FROM base:v1 AS build',
    'FROM Ubuntu',
    'FROM build',
    'FROM docker.io/library/alpine:3',
    'COPY --from=build /a /a',
    'COPY --from=0 /a /a',
    'COPY --from=nothere:1 /a /a',
    'HEALTHCHECK CMD true',
    'MAINTAINER me',
    'FORM x',
  ].join('\n');
  const d = svc.diagnostics('file:///a', 1, text, images).map((x) => `${x.range.start.line}:${x.code}`);
  assert.deepEqual(d, [
    '1:no-from',
    '3:invalid-reference',
    '5:not-local',
    '8:not-local',
    '9:docker-format-only',
    '10:deprecated',
    '11:unknown-instruction',
  ]);
});

test('completion offers instructions at line start, local images after FROM, stages after --from=', () => {
  const text = 'FROM base:v1 AS build\nFR\nFROM \nCOPY --from=';
  const kw = svc.completions('file:///b', 1, text, { line: 1, character: 2 }, images).map((c) => c.label);
  assert.ok(kw.includes('FROM') && kw.includes('COPY') && !kw.includes('MAINTAINER'));
  const from = svc.completions('file:///b', 1, text, { line: 2, character: 5 }, images).map((c) => c.label);
  assert.deepEqual(from, ['scratch', 'localhost/base:v1', 'quay.io/example/app:1.0']);
  const copy = svc.completions('file:///b', 1, text, { line: 3, character: 12 }, images).map((c) => c.label);
  assert.deepEqual(copy, ['build', 'localhost/base:v1', 'quay.io/example/app:1.0']);
});

test('hover explains instructions and shows the local image a FROM resolves to', () => {
  const text = 'FROM base:v1\nFROM other:2';
  const kw = svc.hover('file:///c', 1, text, { line: 0, character: 2 }, images);
  assert.match(kw!.markdown, /\*\*FROM\*\* — Starts a build stage/);
  const img = svc.hover('file:///c', 1, text, { line: 0, character: 8 }, images);
  assert.match(img!.markdown, /image `ffffffffffff` in the test store/);
  assert.match(img!.markdown, /Size 11.34kB/);
  const missing = svc.hover('file:///c', 1, text, { line: 1, character: 7 }, images);
  assert.match(missing!.markdown, /not in any local store/);
});
