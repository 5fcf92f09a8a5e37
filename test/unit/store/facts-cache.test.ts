import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FactsCache, defaultCacheDir } from '../../../src/store/facts-cache';
import { tempDir } from '../../helpers/temp-dir';

const labels = (n: number) => ({ n: String(n), '<html>': 'a "quoted" value' });


test('labels and verdicts saved by one run are read by the next; what no listing used is dropped', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  const first = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  first.setLabels('sha256:1', labels(1));
  first.setLabels('sha256:2', null);
  first.setLabels('sha256:3', labels(3));
  first.setVerdict('sha256:1', 'sha256:2', true);
  first.setVerdict('sha256:2', 'sha256:1', false);
  first.setVerdict('sha256:1', 'sha256:3', false);
  first.save();
  const second = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  assert.deepEqual(second.labelsOf('sha256:1'), labels(1));
  assert.equal(second.labelsOf('sha256:2'), null, 'no labels is known, not unknown');
  assert.equal(second.verdict('sha256:1', 'sha256:2'), true);
  assert.equal(second.verdict('sha256:2', 'sha256:1'), false, 'a pair is ordered');
  assert.equal(second.verdict('sha256:2', 'sha256:3'), undefined);
  second.save();
  const third = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  assert.deepEqual(third.labelsOf('sha256:1'), labels(1));
  assert.equal(third.verdict('sha256:1', 'sha256:2'), true);
  assert.equal(third.verdict('sha256:2', 'sha256:1'), false);
  assert.equal(third.labelsOf('sha256:3'), undefined, 'not used by the second listing');
  assert.equal(third.verdict('sha256:1', 'sha256:3'), undefined, 'not used by the second listing');
  assert.equal(FactsCache.forStore(dir, '/other/store', 'overlay').labelsOf('sha256:1'), undefined, 'one file per store');
  assert.equal(fs.statSync(first.file!).mode & 0o777, 0o600);
  // Digests are values in the file, never keys.
  const doc = JSON.parse(fs.readFileSync(first.file!, 'utf8'));
  assert.ok(Array.isArray(doc.configs) && Array.isArray(doc.pairs));
});

test('a corrupt, foreign or malformed cache file is ignored, and then replaced', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  const cache = FactsCache.forStore(dir, '/s', 'vfs');
  const FORMAT = 'strata-listing-facts/3';
  const texts = [
    '{not json',
    JSON.stringify({ format: 'strata-config-facts/2', entries: { 'sha256:1': { labels: null } } }),
    JSON.stringify({ format: FORMAT, configs: {}, pairs: [] }),
    JSON.stringify({ format: FORMAT, configs: [['sha256:1', 5], ['sha256:1', { a: 1 }], ['sha256:1']], pairs: [['sha256:1', 'sha256:2', 2], ['sha256:1', 'sha256:2']] }),
  ];
  for (const text of texts) {
    fs.writeFileSync(cache.file!, text);
    const c = FactsCache.forStore(dir, '/s', 'vfs');
    assert.equal(c.labelsOf('sha256:1'), undefined, text);
    assert.equal(c.verdict('sha256:1', 'sha256:2'), undefined, text);
    c.setLabels('sha256:1', labels(1));
    c.setVerdict('sha256:1', 'sha256:2', true);
    c.save();
    const again = FactsCache.forStore(dir, '/s', 'vfs');
    assert.deepEqual(again.labelsOf('sha256:1'), labels(1));
    assert.equal(again.verdict('sha256:1', 'sha256:2'), true);
  }
});

test('a cache that cannot be written changes nothing', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  fs.writeFileSync(path.join(dir, 'file'), '');
  const c = FactsCache.forStore(path.join(dir, 'file', 'sub'), '/s', 'vfs');
  c.setLabels('sha256:1', labels(1));
  c.save();
  assert.deepEqual(c.labelsOf('sha256:1'), labels(1), 'still served from memory');
  assert.deepEqual(fs.readdirSync(dir), ['file'], 'no temporary file left behind');
});

test('the cache directory follows STRATA_CACHE_DIR, XDG_CACHE_HOME and STRATA_NO_CACHE', () => {
  assert.equal(defaultCacheDir({ STRATA_CACHE_DIR: '/c' }), '/c');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/strata');
  assert.equal(defaultCacheDir({ STRATA_NO_CACHE: '1', STRATA_CACHE_DIR: '/c' }), undefined);
});

test('writing a cache removes the caches of stores that no longer exist, and only those', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  const stores = tempDir(t, 'strata-facts-');
  const live = path.join(stores, 'live');
  const gone = path.join(stores, 'gone');
  // Deep enough that the file name is shortened and the store is known only from the content.
  const deepGone = path.join(stores, 'x'.repeat(150), 'gone');
  const deepLive = path.join(stores, 'y'.repeat(150), 'live');
  for (const d of [live, gone, deepGone, deepLive]) fs.mkdirSync(d, { recursive: true });
  const write = (graphRoot: string) => {
    const c = FactsCache.forStore(dir, graphRoot, 'overlay');
    c.setLabels('sha256:1', labels(1));
    c.save();
    return c.file!;
  };
  const files = { live: write(live), gone: write(gone), deepGone: write(deepGone), deepLive: write(deepLive) };
  assert.ok(path.basename(files.deepGone).length > 130, 'a shortened name');
  const foreign = path.join(dir, 'facts-not-ours.json');
  fs.writeFileSync(foreign, '{}');
  fs.rmSync(gone, { recursive: true });
  fs.rmSync(deepGone, { recursive: true });
  // A listing served from its cache writes nothing, and removes nothing.
  const warm = FactsCache.forStore(dir, live, 'overlay');
  warm.labelsOf('sha256:1');
  warm.save();
  assert.ok(fs.existsSync(files.gone));
  // A listing that writes its cache removes the two whose stores are gone.
  const other = FactsCache.forStore(dir, live, 'overlay');
  other.setLabels('sha256:2', labels(2));
  other.save();
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    [path.basename(files.live), path.basename(files.deepLive), 'facts-not-ours.json'].sort(),
  );
});
