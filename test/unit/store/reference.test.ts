import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isStoreError } from '../../../src/store/errors';
import {
  digestError,
  familiarName,
  familiarString,
  goQuote,
  isFullIdentifier,
  isShortName,
  normalizeName,
  parseDockerRef,
  parseNormalizedNamed,
  parseReference,
  tagNameOnly,
  trimNamed,
  withDigest,
  withTag,
} from '../../../src/store/reference';

const H64 = 'a'.repeat(64);
const D = `sha256:${'0123456789abcdef'.repeat(4)}`;
const T128 = 'x'.repeat(128);

function throwsRef(f: () => unknown, message: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(isStoreError(e, 'InvalidReference'), `expected InvalidReference, got ${String(e)}`);
    assert.equal(e.message, message);
    return true;
  });
}

// Every row of the spec's `podman tag mybase <X>` table (archives-and-references.md §7.2),
// re-observed with podman 4.3.1; the podman tier checks these against podman itself.
const NORMALIZE_OK: [string, string][] = [
  ['foo', 'localhost/foo:latest'],
  ['docker.io/foo', 'docker.io/library/foo:latest'],
  ['index.docker.io/foo2', 'docker.io/library/foo2:latest'],
  ['library/foo', 'localhost/library/foo:latest'],
  ['foo/bar:1', 'localhost/foo/bar:1'],
  ['host:5000/foo', 'host:5000/foo:latest'],
  ['localhost:5000/foo', 'localhost:5000/foo:latest'],
  ['localhost', 'localhost/localhost:latest'],
  ['localhost:5000', 'localhost/localhost:5000'],
  ['a.b', 'localhost/a.b:latest'],
  ['a_b', 'localhost/a_b:latest'],
  ['a__b', 'localhost/a__b:latest'],
  ['foo--bar', 'localhost/foo--bar:latest'],
  ['FOO.example.com/x', 'FOO.example.com/x:latest'],
  ['UPPER.io/lower', 'UPPER.io/lower:latest'],
  ['x/y:TAG_UP', 'localhost/x/y:TAG_UP'],
  [H64, `localhost/${H64}:latest`],
  [`foo:${T128}`, `localhost/foo:${T128}`],
  // more observed rows
  ['a/b/c/d/e', 'localhost/a/b/c/d/e:latest'],
  ['Quay.IO:80/x/y', 'Quay.IO:80/x/y:latest'],
  ['foo:_x', 'localhost/foo:_x'],
  ['docker.io', 'localhost/docker.io:latest'],
  ['docker.io/library', 'docker.io/library/library:latest'],
  ['a---b', 'localhost/a---b:latest'],
  ['a.b.c', 'localhost/a.b.c:latest'],
  ['h:0/x', 'h:0/x:latest'],
  [`foo@${D}`, `localhost/foo@${D}`],
  [`foo:1@${D}`, `localhost/foo@${D}`],
  [`quay.io/a/b:2@${D}`, `quay.io/a/b@${D}`],
];

const NORMALIZE_ERR: [string, string][] = [
  [`foo:${T128}x`, `normalizing name "foo:${T128}x": invalid reference format`],
  ['Foo', 'normalizing name "Foo": repository name must be lowercase'],
  ['Foo/bar', 'invalid reference format: repository name must be lowercase'],
  ['localhost/Foo', 'normalizing name "localhost/Foo": repository name must be lowercase'],
  ['foo___bar', 'normalizing name "foo___bar": invalid reference format'],
  ['foo-', 'normalizing name "foo-": invalid reference format'],
  ['a..b/c', 'normalizing name "a..b/c": invalid reference format'],
  ['a.-b', 'normalizing name "a.-b": invalid reference format'],
  ['a/-b', 'normalizing name "a/-b": invalid reference format'],
  ['foo:-bad', 'normalizing name "foo:-bad": invalid reference format'],
  ['ab:cd:ef', 'normalizing name "ab:cd:ef": invalid reference format'],
  ['/foo', 'normalizing name "/foo": invalid reference format'],
  ['docker.io/Foo', 'normalizing name "docker.io/Foo": repository name must be lowercase'],
  ['quay.io/Foo', 'normalizing name "quay.io/Foo": repository name must be lowercase'],
  ['foo:.x', 'normalizing name "foo:.x": invalid reference format'],
  ['\u0130foo', 'normalizing name "\u0130foo": repository name must be lowercase'],
  ['UPPER', 'normalizing name "UPPER": repository name must be lowercase'],
  ['a-', 'normalizing name "a-": invalid reference format'],
  ['a._b', 'normalizing name "a._b": invalid reference format'],
  ['[::1]:5000/foo', 'normalizing name "[::1]:5000/foo": invalid reference format'],
  ['h:/x', 'normalizing name "h:/x": invalid reference format'],
  ['', 'normalizing name "": repository name must have at least one component'],
];

test('normalizeName: the podman tag table', () => {
  for (const [input, want] of NORMALIZE_OK) assert.equal(normalizeName(input).toString(), want, input);
  for (const [input, message] of NORMALIZE_ERR) throwsRef(() => normalizeName(input), message);
});

test('parseReference keeps the string unnormalized and splits it like the Go regexps', () => {
  const cases: [string, { domain: string; path: string; tag?: string; digest?: string }][] = [
    ['alpine', { domain: '', path: 'alpine' }],
    ['library/alpine', { domain: 'library', path: 'alpine' }],
    ['a/b/c', { domain: 'a', path: 'b/c' }],
    ['a_b/c', { domain: '', path: 'a_b/c' }],
    ['Foo.bar/x', { domain: 'Foo.bar', path: 'x' }],
    // the first component is a domain whenever it matches the domain grammar, dots or not
    ['foo/bar', { domain: 'foo', path: 'bar' }],
    ['a.b', { domain: '', path: 'a.b' }],
    ['localhost:5000', { domain: '', path: 'localhost', tag: '5000' }],
    ['localhost:5000/a/b:c', { domain: 'localhost:5000', path: 'a/b', tag: 'c' }],
    [`x@${D}`, { domain: '', path: 'x', digest: D }],
    [`r.io:1/x:t@${D}`, { domain: 'r.io:1', path: 'x', tag: 't', digest: D }],
    [`sha256:${H64}`, { domain: '', path: 'sha256', tag: H64 }],
    ['a-b-c-d', { domain: '', path: 'a-b-c-d' }],
    ['ab', { domain: '', path: 'ab' }],
    ['UP-per.io/x', { domain: 'UP-per.io', path: 'x' }],
  ];
  for (const [input, want] of cases) {
    const r = parseReference(input);
    assert.deepEqual({ domain: r.domain, path: r.path, tag: r.tag, digest: r.digest }, { tag: undefined, digest: undefined, ...want }, input);
    assert.equal(r.toString(), input);
  }
});

test('parseReference errors carry Go’s text', () => {
  throwsRef(() => parseReference(''), 'repository name must have at least one component');
  throwsRef(() => parseReference('Foo'), 'repository name must be lowercase');
  throwsRef(() => parseReference('foo bar'), 'invalid reference format');
  throwsRef(() => parseReference('-foo'), 'invalid reference format');
  throwsRef(() => parseReference('foo//bar'), 'invalid reference format');
  throwsRef(() => parseReference('foo/'), 'invalid reference format');
  throwsRef(() => parseReference('foo:'), 'invalid reference format');
  throwsRef(() => parseReference('foo@'), 'invalid reference format');
  throwsRef(() => parseReference('-.io/x'), 'invalid reference format');
  throwsRef(() => parseReference('a-.io/x'), 'invalid reference format');
  throwsRef(() => parseReference('h:x/y'), 'invalid reference format');
  // an uppercase domain is fine, an uppercase path is not
  throwsRef(() => parseReference('quay.io/Foo'), 'repository name must be lowercase');
  // uppercase hex in a digest passes the reference grammar but not go-digest
  throwsRef(() => parseReference(`foo@sha256:${'A'.repeat(64)}`), 'invalid checksum digest format');
  throwsRef(() => parseReference(`foo@sha256:${'a'.repeat(32)}`), 'invalid checksum digest length');
  throwsRef(() => parseReference(`foo@sha512:${'a'.repeat(64)}`), 'invalid checksum digest length');
  throwsRef(() => parseReference(`foo@md5:${'a'.repeat(32)}`), 'unsupported digest algorithm');
  throwsRef(() => parseReference(`foo@Sha256:${'a'.repeat(64)}`), 'invalid checksum digest format');
  throwsRef(() => parseReference(`foo@sha256:${'a'.repeat(31)}`), 'invalid reference format');
  // the name part is limited to 255 characters, domain included; the tag does not count
  const long = `${'a'.repeat(100)}/${'b'.repeat(100)}/${'c'.repeat(53)}`;
  assert.equal(long.length, 255);
  assert.equal(parseReference(`${long}:t`).name, long);
  throwsRef(() => parseReference(`${long}c`), 'repository name must not be more than 255 characters');
});

test('parseReference is linear on hostile input', () => {
  // A backtracking translation of `[a-z0-9]+(?:[-]*[a-z0-9]+)*` takes exponential time here.
  const evil = `${'a'.repeat(5000)}!`;
  const start = process.hrtime.bigint();
  throwsRef(() => parseReference(evil), 'invalid reference format');
  throwsRef(() => parseReference(`${'a-'.repeat(3000)}-/x!`), 'invalid reference format');
  throwsRef(() => parseReference(`${'A'.repeat(4000)}.io/x:${'y'.repeat(4000)}!`), 'invalid reference format');
  // Not a timing assertion: only a guard against an accidental catastrophic pattern.
  assert.ok(process.hrtime.bigint() - start < 5_000_000_000n);
});

test('digestError follows go-digest', () => {
  assert.equal(digestError(D), undefined);
  assert.equal(digestError(`sha384:${'a'.repeat(96)}`), undefined);
  assert.equal(digestError(`sha512:${'a'.repeat(128)}`), undefined);
  assert.equal(digestError(`sha256:${'a'.repeat(63)}`), 'invalid checksum digest length');
  assert.equal(digestError(':abc'), 'invalid checksum digest format');
  assert.equal(digestError('sha256:'), 'invalid checksum digest format');
  assert.equal(digestError('foo+bar:abc'), 'unsupported digest algorithm');
  assert.equal(digestError('FOO:abc'), 'invalid checksum digest format');
});

test('parseNormalizedNamed qualifies Docker-style and refuses bare IDs', () => {
  assert.equal(parseNormalizedNamed('alpine').toString(), 'docker.io/library/alpine');
  assert.equal(parseNormalizedNamed('alpine:3').toString(), 'docker.io/library/alpine:3');
  assert.equal(parseNormalizedNamed('foo/bar').toString(), 'docker.io/foo/bar');
  assert.equal(parseNormalizedNamed('index.docker.io/foo').toString(), 'docker.io/library/foo');
  assert.equal(parseNormalizedNamed('localhost/foo').toString(), 'localhost/foo');
  assert.equal(parseNormalizedNamed('localhost:5000').toString(), 'docker.io/library/localhost:5000');
  assert.equal(parseNormalizedNamed('quay.io/x/y@' + D).toString(), `quay.io/x/y@${D}`);
  throwsRef(() => parseNormalizedNamed(H64), `invalid repository name (${H64}), cannot specify 64-byte hexadecimal strings`);
  throwsRef(() => parseNormalizedNamed('Foo/bar'), 'invalid reference format: repository name must be lowercase');
  throwsRef(() => parseNormalizedNamed('Foo'), 'invalid reference format: repository name must be lowercase');
  // the lowercase check stops at the first colon of the remainder; the tag may be uppercase
  assert.equal(parseNormalizedNamed('foo:BAR').tag, 'BAR');
  assert.equal(parseNormalizedNamed('Foo.io/x').domain, 'Foo.io');
  throwsRef(() => parseNormalizedNamed('Foo.io/X'), 'invalid reference format: repository name must be lowercase');
});

test('parseDockerRef: tag dropped next to a digest, else latest', () => {
  assert.equal(parseDockerRef('alpine').toString(), 'docker.io/library/alpine:latest');
  assert.equal(parseDockerRef('alpine:3').toString(), 'docker.io/library/alpine:3');
  assert.equal(parseDockerRef(`alpine@${D}`).toString(), `docker.io/library/alpine@${D}`);
  assert.equal(parseDockerRef(`alpine:3@${D}`).toString(), `docker.io/library/alpine@${D}`);
  assert.equal(parseDockerRef('quay.io/a/b').toString(), 'quay.io/a/b:latest');
});

test('short names, familiar names and accessors', () => {
  for (const s of ['alpine', 'library/alpine', 'foo/bar:1', 'a.b', 'localhost:5000', `x@${D}`, H64]) assert.equal(isShortName(s), true, s);
  for (const s of ['quay.io/x', 'localhost/x', 'host:5000/x', 'Foo', '', 'FOO.io/x']) assert.equal(isShortName(s), false, s);
  const r = parseNormalizedNamed(`alpine:3@${D}`);
  assert.equal(familiarName(r), 'alpine');
  assert.equal(familiarString(r), `alpine:3@${D}`);
  assert.equal(familiarName(parseNormalizedNamed('foo/bar')), 'foo/bar');
  assert.equal(familiarName(parseNormalizedNamed('docker.io/library/a/b')), 'library/a/b');
  assert.equal(familiarName(parseNormalizedNamed('quay.io/library/a')), 'quay.io/library/a');
  assert.equal(trimNamed(r).toString(), 'docker.io/library/alpine');
  assert.equal(tagNameOnly(parseReference('x')).toString(), 'x:latest');
  assert.equal(tagNameOnly(parseReference(`x@${D}`)).toString(), `x@${D}`);
  assert.equal(withTag(parseReference(`x@${D}`), 'v1').toString(), `x:v1@${D}`);
  assert.equal(withDigest(parseReference('x:v1'), D).toString(), `x:v1@${D}`);
  throwsRef(() => withTag(parseReference('x'), '-bad'), 'invalid tag format');
  throwsRef(() => withDigest(parseReference('x'), 'nope'), 'invalid digest format');
  assert.equal(isFullIdentifier(H64), true);
  assert.equal(isFullIdentifier(H64.toUpperCase()), false);
  assert.equal(isFullIdentifier(H64.slice(1)), false);
  assert.equal(r.isNameOnly, false);
  assert.equal(trimNamed(r).isNameOnly, true);
});

test('goQuote matches strconv.Quote', () => {
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\x00\n\x7f'), '"\\x00\\n\\x7f"');
  assert.equal(goQuote('\u0130x'), '"\u0130x"');
  assert.equal(goQuote('\u200b'), '"\\u200b"');
});
