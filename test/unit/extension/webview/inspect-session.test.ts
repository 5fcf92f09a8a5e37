import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { InspectSession, panelTitle, type InspectDataSource, type SessionEnvironment } from '../../../../src/extension/webview/inspect-session';
import type { HistoryDto, HostMessage, PanelImage, InspectDto } from '../../../../src/shared/webview-protocol';

const ref: PanelImage = { storeId: 'configured:/tmp/store', imageId: 'a'.repeat(64) };
const inspect: InspectDto = { Id: 'a'.repeat(64), RepoTags: ['localhost/app:latest'] };
const history: HistoryDto[] = [{ id: '<missing>', created: '2026-11-28T06:49:51Z', createdBy: '/bin/sh -c true', size: 3, comment: '', emptyLayer: false }];

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A data source whose answers the test releases one by one, and an environment that records everything. */
function harness(opts: { deliver?: () => boolean; clipboard?: (t: string) => Promise<void> } = {}) {
  const calls: Array<{ inspect: ReturnType<typeof deferred<InspectDto>>; history: ReturnType<typeof deferred<HistoryDto[]>> }> = [];
  const source: InspectDataSource = {
    inspect: () => {
      const d = deferred<InspectDto>();
      calls.push({ inspect: d, history: deferred<HistoryDto[]>() });
      return d.promise;
    },
    history: () => (calls[calls.length - 1] as (typeof calls)[number]).history.promise,
  };
  const posted: HostMessage[] = [];
  const warnings: string[] = [];
  const clipboard: string[] = [];
  const titles: string[] = [];
  const env: SessionEnvironment = {
    post: async (m) => {
      const ok = opts.deliver?.() ?? true;
      if (ok) posted.push(m);
      return ok;
    },
    writeClipboard: opts.clipboard ?? (async (t) => void clipboard.push(t)),
    setTitle: (t) => void titles.push(t),
    describeError: (e) => ({ message: e instanceof Error ? e.message : String(e), code: 'ImageNotKnown' }),
    warn: (m) => void warnings.push(m),
  };
  const release = async (i: number, data: { inspect?: InspectDto; history?: HistoryDto[]; error?: Error } = {}): Promise<void> => {
    const c = calls[i] as (typeof calls)[number];
    if (data.error) c.inspect.reject(data.error);
    else c.inspect.resolve(data.inspect ?? inspect);
    c.history.resolve(data.history ?? history);
    await flush();
  };
  return { source, env, posted, warnings, clipboard, titles, calls, release };
}

/** Lets queued promise callbacks run (the session posts from promise continuations). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const types = (ms: HostMessage[]): string[] => ms.map((m) => m.type);

test('nothing is posted before the webview is ready; ready then gets the data', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await h.release(0);
  assert.deepEqual(h.posted, []);
  await s.onMessage({ type: 'webview/ready' });
  await flush();
  assert.deepEqual(h.posted, [{ type: 'inspect/didLoad', ref, inspect, history }]);
  assert.deepEqual(h.titles, [ref.imageId.slice(0, 12), 'localhost/app:latest']);
});

test('ready during the fetch gets loading, then the data', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, 'history');
  await s.onMessage({ type: 'webview/ready' });
  await flush();
  assert.deepEqual(types(h.posted), ['inspect/showTab', 'inspect/loading']);
  assert.deepEqual(h.posted[0], { type: 'inspect/showTab', tab: 'history' });
  await h.release(0);
  assert.deepEqual(types(h.posted), ['inspect/showTab', 'inspect/loading', 'inspect/didLoad']);
});

test('a reloaded page (second ready) gets the last result again without a new fetch', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await h.release(0);
  s.markNotReady();
  await s.onMessage({ type: 'webview/ready' });
  await flush();
  assert.equal(h.calls.length, 1);
  assert.deepEqual(types(h.posted), ['inspect/loading', 'inspect/didLoad', 'inspect/didLoad']);
});

test('a slow stale fetch never overwrites a newer one', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  const newer = s.refresh();
  const newInspect = { ...inspect, RepoTags: ['localhost/app:v2'] };
  await h.release(1, { inspect: newInspect });
  await newer;
  await h.release(0); // the first fetch answers last
  const loads = h.posted.filter((m) => m.type === 'inspect/didLoad');
  assert.equal(loads.length, 1);
  assert.deepEqual(loads[0], { type: 'inspect/didLoad', ref, inspect: newInspect, history });
});

test('a failed fetch becomes a one-sentence error with its code', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await h.release(0, { error: new Error('No image with ID aaaaaaaaaaaa in this store.') });
  assert.deepEqual(h.posted.at(-1), {
    type: 'inspect/didLoad',
    ref,
    error: { message: 'No image with ID aaaaaaaaaaaa in this store.', code: 'ImageNotKnown' },
  });
});

test('malformed data from the source is reported, not forwarded', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await h.release(0, { history: [{ id: 1 } as unknown as HistoryDto] });
  const last = h.posted.at(-1);
  assert.ok(last?.type === 'inspect/didLoad' && 'error' in last);
});

test('the host drops malformed webview messages and copies only well-formed requests', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await s.onMessage({ type: 'inspect/copy', kind: 'value' });
  await s.onMessage({ type: 'inspect/runCommand', command: 'workbench.action.terminal.new' });
  await s.onMessage('webview/ready');
  assert.equal(h.warnings.length, 3);
  assert.deepEqual(h.clipboard, []);
  assert.ok(h.warnings[1]?.includes('inspect/runCommand'));
  await s.onMessage({ type: 'inspect/copy', kind: 'path', text: '.Config.Labels' });
  await flush();
  assert.deepEqual(h.clipboard, ['.Config.Labels']);
  assert.deepEqual(h.posted.at(-1), { type: 'inspect/didCopy', kind: 'path', ok: true });
});

test('a clipboard failure is reported to the webview', async () => {
  const h = harness({ clipboard: async () => Promise.reject(new Error('no clipboard')) });
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await s.onMessage({ type: 'inspect/copy', kind: 'json', text: '{}' });
  await flush();
  assert.deepEqual(h.posted.at(-1), { type: 'inspect/didCopy', kind: 'json', ok: false });
});

test('an undelivered post stops posting until the next ready', async () => {
  let deliver = true;
  const h = harness({ deliver: () => deliver });
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await flush();
  deliver = false;
  await h.release(0); // didLoad is lost: the page is gone
  deliver = true;
  s.showTab('raw'); // not ready any more: queued
  await flush();
  assert.deepEqual(types(h.posted), ['inspect/loading']);
  await s.onMessage({ type: 'webview/ready' });
  await flush();
  assert.deepEqual(types(h.posted), ['inspect/loading', 'inspect/showTab', 'inspect/didLoad']);
});

test('refresh through the webview fetches again', async () => {
  const h = harness();
  const s = new InspectSession(ref, h.source, h.env, null);
  await s.onMessage({ type: 'webview/ready' });
  await h.release(0);
  const p = s.onMessage({ type: 'inspect/refresh' });
  await flush();
  assert.equal(h.calls.length, 2);
  await h.release(1);
  await p;
  assert.deepEqual(types(h.posted), ['inspect/loading', 'inspect/didLoad', 'inspect/loading', 'inspect/didLoad']);
});

test('panelTitle prefers the first tag', () => {
  assert.equal(panelTitle(ref), 'aaaaaaaaaaaa');
  assert.equal(panelTitle(ref, inspect), 'localhost/app:latest');
  assert.equal(panelTitle(ref, { Id: 'x', RepoTags: [] }), 'aaaaaaaaaaaa');
});
