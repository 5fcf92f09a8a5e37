/*
 * The tree's pure node model: grouping by repository, filtering, intermediate toggle, stable ids,
 * contextValue facets and tooltip lines. No vscode here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  imageChildren,
  imageFacets,
  isVisible,
  repositoriesOf,
  repositoryChildren,
  sectionChildren,
  storeChildren,
  storeNode,
  tagNodes,
  type ViewOptions,
} from '../../../../src/extension/views/image-tree-nodes';
import type { ImageDetails, ImageSummary, StoreInfo } from '../../../../src/shared/model';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const store: StoreInfo = { id: 'store:/s', kind: 'configured', graphRoot: '/s', runRoot: '/r', driver: 'vfs', readOnly: false, status: 'ready' };

function img(id: string, names: string[], over: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id: id.repeat(64).slice(0, 64),
    names,
    digest: '',
    size: 1000,
    created: '2026-11-28T11:00:00Z',
    topLayer: '',
    parentId: '',
    dangling: names.length === 0,
    intermediate: false,
    readOnly: false,
    containers: 0,
    labels: {},
    problems: [],
    ...over,
  };
}

const opts = (o: Partial<ViewOptions> = {}): ViewOptions => ({ groupBy: 'repository', showIntermediate: false, filter: '', now: NOW, ...o });

const images = [
  img('a', ['localhost/app:v1', 'localhost/app:latest', 'quay.io/org/app:1']),
  img('b', ['localhost/base:latest'], { created: '2026-11-28T10:00:00Z' }),
  img('c', []),
  img('d', [], { intermediate: true, dangling: false }),
];

test('groups images by repository, <none> last, an image under each of its repositories', () => {
  const s = storeNode(store);
  const groups = storeChildren(s, images, opts());
  assert.deepEqual(groups.map((g) => g.label), ['localhost/app', 'localhost/base', 'quay.io/org/app', '<none>']);
  const app = repositoryChildren(groups[0]!, images, opts());
  assert.equal(app.length, 1);
  assert.equal(app[0]!.label, 'v1, latest');
  assert.match(app[0]!.description!, /^aaaaaaaaaaaa · 1 kB · About an hour ago$/);
  assert.deepEqual(repositoriesOf(images[0]!), ['localhost/app', 'quay.io/org/app']);
});

test('intermediate images are hidden unless asked for; the filter matches names and ID prefixes', () => {
  assert.equal(isVisible(images[3]!, opts()), false);
  assert.equal(isVisible(images[3]!, opts({ showIntermediate: true })), true);
  assert.equal(isVisible(images[0]!, opts({ filter: 'QUAY' })), true);
  assert.equal(isVisible(images[1]!, opts({ filter: 'quay' })), false);
  assert.equal(isVisible(images[1]!, opts({ filter: 'sha256:bbbb' })), true);
  const none = storeChildren(storeNode(store), images, opts({ filter: 'nothing-matches' }));
  assert.equal(none.length, 1);
  assert.equal(none[0]!.kind, 'message');
  assert.match(none[0]!.label, /No image matches "nothing-matches"/);
});

test('flat listing (groupBy none) sorts newest first and labels by first name', () => {
  const flat = storeChildren(storeNode(store), images, opts({ groupBy: 'none', showIntermediate: true }));
  assert.deepEqual(flat.map((n) => n.label), ['localhost/app:v1 (+2)', '<none>', '<none> (intermediate)', 'localhost/base:latest']);
});

test('ids are stable and unique, and derived only from store, repository, image and layer ids', () => {
  const build = () => {
    const s = storeNode(store);
    return storeChildren(s, images, opts()).flatMap((g) => repositoryChildren(g, images, opts())).map((n) => n.id);
  };
  const first = build();
  assert.deepEqual(build(), first);
  assert.equal(new Set(first).size, first.length);
  assert.ok(first.includes(`store:/s/repo:localhost/app/image:${'a'.repeat(64)}`));
});

test('contextValue facets drive the menus', () => {
  assert.equal(imageFacets(images[0]!), 'image:tagged');
  assert.equal(imageFacets(img('e', [], { readOnly: true, containers: 2, digest: 'sha256:x' })), 'image:dangling:digest:readonly:inuse');
  const ro = storeNode({ ...store, readOnly: true, status: 'noPermission', problem: { code: 'PermissionDenied', message: 'nope' } });
  assert.equal(ro.contextValue, 'store:unavailable:readonly');
  assert.ok(ro.tooltip!.some((l) => l.label === 'Problem' && l.value === 'nope'));
});

test('image children: tags, layers top to base with sharing, images built on it, containers', () => {
  const s = storeNode(store);
  const node = repositoryChildren(storeChildren(s, images, opts())[0]!, images, opts())[0]!;
  const details: ImageDetails = {
    image: images[0]!,
    layers: [
      { id: '1'.repeat(64), size: 2048, created: '', diffDigest: 'sha256:d1', compressedDigest: '', sharedBy: [], topOf: [{ id: images[0]!.id, names: ['localhost/app:v1'] }] },
      { id: '2'.repeat(64), size: 10240, created: '', diffDigest: 'sha256:d2', compressedDigest: '', sharedBy: [{ id: images[1]!.id, names: ['localhost/base:latest'] }], topOf: [{ id: images[1]!.id, names: ['localhost/base:latest'] }] },
    ],
    children: [{ id: 'f'.repeat(64), names: [] }],
    containers: [{ id: 'c'.repeat(64), names: ['web'], created: '2026-11-28T11:59:00Z' }],
  };
  const sections = imageChildren(node, details, opts());
  assert.deepEqual(sections.map((x) => `${x.label} ${x.description}`), ['Tags 3', 'Layers (top → base) 2', 'Images built on it 1', 'Containers 1']);
  assert.deepEqual(tagNodes(sections[0]!).map((t) => t.name), images[0]!.names);
  const layers = sectionChildren(sections[1]!, details, opts());
  assert.deepEqual(layers.map((l) => l.label), ['111111111111', '222222222222']);
  assert.equal(layers[0]!.description, '2.05 kB · top of localhost/app:v1');
  assert.equal(layers[1]!.description, '10.2 kB · top of localhost/base:latest · shared by 1');
  assert.equal(layers[1]!.contextValue, 'layer:shared');
  assert.deepEqual(sectionChildren(sections[2]!, details, opts()).map((n) => n.label), ['<none>']);
  assert.deepEqual(sectionChildren(sections[3]!, details, opts()).map((n) => n.label), ['web']);
});

test('store strings stay in tooltip values (escaped by the renderer), never in labels of ours', () => {
  const hostile = img('h', ['localhost/x:1'], { labels: { t: '<script>alert(1)</script>' } });
  const node = storeChildren(storeNode(store), [hostile], opts({ groupBy: 'none' }))[0]!;
  const line = node.tooltip!.find((l) => l.label === 'Label')!;
  assert.equal(line.value, 't=<script>alert(1)</script>');
  assert.ok(node.tooltip!.every((l) => !l.label.includes('<')));
});
