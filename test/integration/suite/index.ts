/*
 * The in-host integration suite: runs inside the real VS Code extension host (code-server here,
 * desktop VS Code under @vscode/test-electron) against a store built by podman. Waits on real
 * signals (server state, model reloads), never on timers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StrataApi } from '../../../src/extension/extension';
import type { TreeNode } from '../../../src/extension/views/image-tree-nodes';
import { runAll, test, waitFor } from './harness';
import { tar, writeOciLayout } from '../../fixtures/tar-writer';

interface Fixture {
  root: string;
  runroot: string;
  driver: string;
  dir: string;
  base: string;
  app: string;
  child: string;
  dangling: string;
  container: string;
}

const EXTENSION_ID = 'strata.strata';

function fixture(): Fixture {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'the test workspace is open');
  return JSON.parse(fs.readFileSync(path.join(folder, '.strata-fixture.json'), 'utf8')) as Fixture;
}

function podman(fx: Fixture, args: string[]): string {
  return execFileSync('podman', ['--root', fx.root, '--runroot', fx.runroot, '--storage-driver', fx.driver, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CONTAINERS_STORAGE_CONF: path.join(fx.dir, 'storage.conf') },
  });
}

async function api(): Promise<StrataApi> {
  const ext = vscode.extensions.getExtension<StrataApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is loaded`);
  const a = await ext.activate();
  const client = a.services.client;
  await waitFor('the store server to run', () => (client.state === 'running' ? true : undefined), (cb) => client.onDidChangeState(cb), 30_000);
  return a;
}

async function children(a: StrataApi, node?: TreeNode): Promise<TreeNode[]> {
  return a.services.tree.getChildren(node);
}

async function storeNode(a: StrataApi, fx: Fixture): Promise<TreeNode> {
  const roots = await children(a);
  const node = roots.find((n) => n.store?.graphRoot === fx.root);
  assert.ok(node, `the fixture store is a root (roots: ${roots.map((r) => r.description).join('; ')})`);
  return node;
}

/** All image nodes under the store, across repository groups. */
async function imageNodes(a: StrataApi, fx: Fixture): Promise<TreeNode[]> {
  const out: TreeNode[] = [];
  for (const group of await children(a, await storeNode(a, fx))) {
    if (group.kind === 'image') out.push(group);
    else if (group.kind === 'repository') out.push(...(await children(a, group)));
  }
  return out;
}

async function namesInTree(a: StrataApi, fx: Fixture, imageId: string): Promise<string[]> {
  const node = (await imageNodes(a, fx)).find((n) => n.image?.id === imageId);
  return node?.image?.names ?? [];
}

/** Waits until the tree (re-read through the provider) satisfies `ok`, woken by model reloads. */
function treeUntil<T>(a: StrataApi, what: string, f: () => Promise<T | undefined>): Promise<T> {
  return waitFor(what, f, (cb) => a.services.model.onDidLoadStore(cb), 15_000);
}

const cap = (a: () => StrataApi | undefined, c: 'tag' | 'untag' | 'remove' | 'save' | 'load') => (): string | undefined =>
  a()?.services.client.capabilities.has(c) ? undefined : `the store server has no "${c}" yet`;

let A: StrataApi | undefined;

test('activates and starts the store server', async () => {
  A = await api();
  assert.ok(A.activationMs < 1000, `activation took ${A.activationMs} ms`);
  console.log(`[suite] activation: ${A.activationMs.toFixed(1)} ms`);
});

test('every contributed command is registered', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[] };
  };
  const all = new Set(await vscode.commands.getCommands(true));
  const missing = pkg.contributes.commands.map((c) => c.command).filter((c) => !all.has(c));
  assert.deepEqual(missing, []);
});

test('the tree shows the podman-built store: repositories, images, tags, layers, containers', async () => {
  const a = A!;
  const fx = fixture();
  const store = await storeNode(a, fx);
  assert.equal(store.store!.status, 'ready');
  assert.equal(store.store!.driver, fx.driver);
  const groups = await children(a, store);
  const repos = groups.map((g) => g.label);
  for (const r of ['localhost/strata-app', 'localhost/strata-base', 'localhost/strata-child', '<none>']) assert.ok(repos.includes(r), `repository ${r} in ${repos.join(', ')}`);
  const images = await imageNodes(a, fx);
  const app = images.find((n) => n.image?.id === fx.app && n.parent?.label === 'localhost/strata-app');
  assert.ok(app, 'app image under its repository');
  assert.equal(app.label, 'v1, latest');
  assert.match(app.description ?? '', new RegExp(fx.app.slice(0, 12)));
  const sections = await children(a, app);
  const layers = sections.find((s) => s.section === 'layers')!;
  const layerNodes = await children(a, layers);
  const tree = podman(fx, ['image', 'tree', fx.app]);
  const podmanLayers = [...tree.matchAll(/── ID: ([0-9a-f]{12})/g)].map((m) => m[1]);
  assert.deepEqual(layerNodes.map((l) => l.label), podmanLayers.reverse());
  const builtOn = await children(a, sections.find((s) => s.section === 'children')!);
  assert.deepEqual(builtOn.map((n) => n.ref?.id), [fx.child]);
  const base = images.find((n) => n.image?.id === fx.base)!;
  const baseSections = await children(a, base);
  const ctrs = await children(a, baseSections.find((s) => s.section === 'containers')!);
  assert.deepEqual(ctrs.map((c) => c.label), ['strata-user']);
  // Stable ids: a second listing yields the same ids (expansion survives refresh).
  const again = await imageNodes(a, fx);
  assert.deepEqual(again.map((n) => n.id).sort(), images.map((n) => n.id).sort());
});

test('an external podman tag appears in the tree without a manual refresh', async () => {
  const a = A!;
  const fx = fixture();
  podman(fx, ['tag', fx.child, 'localhost/strata-external:seen']);
  await treeUntil(a, 'the external tag in the tree', async () =>
    (await namesInTree(a, fx, fx.child)).includes('localhost/strata-external:seen') ? true : undefined,
  );
});

test('Tag… through the command adds the name, and podman agrees', async () => {
  const a = A!;
  const fx = fixture();
  await vscode.commands.executeCommand('strata.tagImage', { storeId: `store:${fx.root}`, imageId: fx.base, name: 'strata-tagged:cmd' });
  await treeUntil(a, 'the new tag in the tree', async () => ((await namesInTree(a, fx, fx.base)).includes('localhost/strata-tagged:cmd') ? true : undefined));
  const inspect = JSON.parse(podman(fx, ['image', 'inspect', fx.base])) as { RepoTags: string[] }[];
  assert.ok(inspect[0]!.RepoTags.includes('localhost/strata-tagged:cmd'));
}, { skip: cap(() => A, 'tag') });

test('Untag through the command removes the name, and podman agrees', async () => {
  const a = A!;
  const fx = fixture();
  await vscode.commands.executeCommand('strata.untagImage', { storeId: `store:${fx.root}`, imageId: fx.base, name: 'localhost/strata-tagged:cmd' });
  await treeUntil(a, 'the tag gone from the tree', async () => (!(await namesInTree(a, fx, fx.base)).includes('localhost/strata-tagged:cmd') ? true : undefined));
  const inspect = JSON.parse(podman(fx, ['image', 'inspect', fx.base])) as { RepoTags: string[] }[];
  assert.ok(!inspect[0]!.RepoTags.includes('localhost/strata-tagged:cmd'));
}, { skip: cap(() => A, 'untag') });

test('Save… writes a docker-archive that podman load accepts', async () => {
  const fx = fixture();
  const out = path.join(fx.dir, 'saved-app.tar');
  fs.rmSync(out, { force: true });
  await vscode.commands.executeCommand('strata.saveImage', { storeId: `store:${fx.root}`, imageId: fx.app, format: 'docker-archive', output: out });
  assert.ok(fs.existsSync(out), 'the archive exists');
  const loaded = podman(fx, ['load', '-i', out]);
  assert.match(loaded, /Loaded image/);
}, { skip: cap(() => A, 'save') });

test('Load… and Import… through the commands add the images to the tree, and podman agrees', async () => {
  const a = A!;
  const fx = fixture();
  const layout = path.join(fx.dir, 'load-layout');
  fs.rmSync(layout, { recursive: true, force: true });
  const { configDigest } = writeOciLayout(layout, [tar([{ name: 'loaded.txt', content: 'loaded through the extension' }])], { refName: 'strata-loaded:cmd' });
  const archive = path.join(fx.dir, 'load-layout.tar');
  const blobs = fs.readdirSync(path.join(layout, 'blobs/sha256')).map((f) => ({ name: `blobs/sha256/${f}`, content: fs.readFileSync(path.join(layout, 'blobs/sha256', f)) }));
  fs.writeFileSync(archive, tar([...blobs, { name: 'index.json', content: fs.readFileSync(path.join(layout, 'index.json')) }, { name: 'oci-layout', content: '{"imageLayoutVersion": "1.0.0"}' }]));
  await vscode.commands.executeCommand('strata.loadImages', { storeId: `store:${fx.root}`, input: archive });
  const loadedId = configDigest.slice('sha256:'.length);
  await treeUntil(a, 'the loaded image in the tree', async () => ((await namesInTree(a, fx, loadedId)).includes('localhost/strata-loaded:cmd') ? true : undefined));
  assert.equal(podman(fx, ['image', 'inspect', '--format', '{{.Id}}', 'localhost/strata-loaded:cmd']).trim(), loadedId);

  const rootfs = path.join(fx.dir, 'import-rootfs.tar');
  fs.writeFileSync(rootfs, tar([{ name: 'etc/', type: '5' }, { name: 'etc/imported', content: 'imported through the extension' }]));
  await vscode.commands.executeCommand('strata.importImage', { storeId: `store:${fx.root}`, file: rootfs, name: 'strata-imported:cmd' });
  const importedId = podman(fx, ['image', 'inspect', '--format', '{{.Id}}', 'localhost/strata-imported:cmd']).trim();
  await treeUntil(a, 'the imported image in the tree', async () => ((await namesInTree(a, fx, importedId)).includes('localhost/strata-imported:cmd') ? true : undefined));
}, { skip: cap(() => A, 'load') });

test('Remove through the command deletes the image, and podman agrees', async () => {
  const a = A!;
  const fx = fixture();
  await vscode.commands.executeCommand('strata.removeImage', { storeId: `store:${fx.root}`, imageId: fx.dangling, confirmed: true });
  await treeUntil(a, 'the image gone from the tree', async () => ((await imageNodes(a, fx)).some((n) => n.image?.id === fx.dangling) ? undefined : true));
  const ids = podman(fx, ['images', '-a', '-q', '--no-trunc']);
  assert.ok(!ids.includes(fx.dangling));
}, { skip: cap(() => A, 'remove') });

test('a failed request names the problem in one sentence with a code', async () => {
  const a = A!;
  const fx = fixture();
  await assert.rejects(a.services.client.imageDetails(`store:${fx.root}`, 'f'.repeat(64)), (e: unknown) => {
    assert.match((e as Error).message, /no longer in the store/);
    assert.equal((e as { data?: { storeCode?: string } }).data?.storeCode, 'ImageNotKnown');
    return true;
  });
});

test('Restart Server brings the server back and the tree fills again', async () => {
  const a = A!;
  const fx = fixture();
  await vscode.commands.executeCommand('strata.restartServer');
  assert.equal(a.services.client.state, 'running');
  assert.ok((await imageNodes(a, fx)).length > 0);
});

export function run(): Promise<void> {
  return runAll();
}
