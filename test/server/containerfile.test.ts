/*
 * Containerfile features over the real server process: diagnostics pushed for an open document
 * (base image missing from the local store), completion of local image names, hover on FROM.
 * Uses a synthesised store, so it needs no podman.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PublishDiagnosticsNotification, CompletionRequest, HoverRequest, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { startServer, type ServerHandle } from '../helpers/server-connection';
import { StoreBuilder, diffId } from '../fixtures/store-builder';

describe('Containerfile features', () => {
  let b: StoreBuilder;
  let server: ServerHandle;
  const uri = 'file:///work/Containerfile';

  before(async () => {
    b = new StoreBuilder('vfs');
    b.addImage({ names: ['localhost/base:v1'], layers: [{ diffId: diffId('base'), size: 10240 }] });
    b.write();
    server = await startServer({ extraStores: [{ root: b.root, runRoot: b.runroot, driver: 'vfs' }], discoverSystemStores: false, watchDebounceMs: 50 });
  });
  after(async () => {
    await server?.stop();
    b?.remove();
  });

  test('diagnostics say which base image is not local, completion offers local images, hover resolves FROM', async () => {
    const published = new Promise<{ uri: string; diagnostics: Array<{ code?: string | number; range: { start: { line: number } } }> }>((resolve) => {
      server.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
        if (p.uri === uri) resolve(p);
      });
    });
    const text = 'FROM base:v1\nFROM quay.io/nothere/x:1\nFROM \n';
    await server.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const diags = await published;
    assert.deepEqual(diags.diagnostics.map((d) => `${d.range.start.line}:${d.code}`), ['1:not-local', '2:from-missing-image']);
    const completion = await server.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 2, character: 5 } });
    const labels = (Array.isArray(completion) ? completion : (completion?.items ?? [])).map((c) => c.label);
    assert.deepEqual(labels, ['scratch', 'localhost/base:v1']);
    const hover = await server.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 7 } });
    const value = (hover?.contents as { value: string }).value;
    assert.match(value, new RegExp(`image \`${b.images[0]!.id.slice(0, 12)}\` in the store at ${b.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
