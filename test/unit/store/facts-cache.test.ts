import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FactsCache, defaultCacheDir } from '../../../src/store/facts-cache';
import { factsOf } from '../../../src/store/config-facts';
import { tempDir } from '../../helpers/temp-dir';

const facts = (n: number) => factsOf({ rootfs: { diff_ids: [`sha256:${n}`] }, history: [{ created_by: `step ${n}` }], config: { Labels: { n: String(n) } } });


test('facts saved by one run are read by the next; entries no listing used are dropped', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  const first = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  first.set('sha256:1', facts(1));
  first.set('sha256:2', facts(2));
  first.save();
  const second = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  assert.deepEqual(second.get('sha256:1'), facts(1));
  second.save();
  const third = FactsCache.forStore(dir, '/var/lib/containers/storage', 'overlay');
  assert.deepEqual(third.get('sha256:1'), facts(1));
  assert.equal(third.get('sha256:2'), undefined, 'not used by the second listing');
  assert.equal(FactsCache.forStore(dir, '/other/store', 'overlay').get('sha256:1'), undefined, 'one file per store');
  assert.equal(fs.statSync(first.file!).mode & 0o777, 0o600);
});

test('a corrupt, foreign or malformed cache file is ignored, and then replaced', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  const cache = FactsCache.forStore(dir, '/s', 'vfs');
  for (const text of ['{not json', JSON.stringify({ format: 'something-else', entries: { 'sha256:1': facts(1) } }), JSON.stringify({ format: 'strata-config-facts/2', entries: { 'sha256:1': { labels: 5 } } })]) {
    fs.writeFileSync(cache.file!, text);
    const c = FactsCache.forStore(dir, '/s', 'vfs');
    assert.equal(c.get('sha256:1'), undefined, text);
    c.set('sha256:1', facts(1));
    c.save();
    assert.deepEqual(FactsCache.forStore(dir, '/s', 'vfs').get('sha256:1'), facts(1));
  }
});

test('a cache that cannot be written changes nothing', (t) => {
  const dir = tempDir(t, 'strata-facts-');
  fs.writeFileSync(path.join(dir, 'file'), '');
  const c = FactsCache.forStore(path.join(dir, 'file', 'sub'), '/s', 'vfs');
  c.set('sha256:1', facts(1));
  c.save();
  assert.deepEqual(c.get('sha256:1'), facts(1), 'still served from memory');
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
    c.set('sha256:1', facts(1));
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
  warm.get('sha256:1');
  warm.save();
  assert.ok(fs.existsSync(files.gone));
  // A listing that writes its cache removes the two whose stores are gone.
  const other = FactsCache.forStore(dir, live, 'overlay');
  other.set('sha256:2', facts(2));
  other.save();
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    [path.basename(files.live), path.basename(files.deepLive), 'facts-not-ours.json'].sort(),
  );
});
