import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { PendingBlobs, writeBlobFile } from '../../../../src/store/save/blob-file';
import type { ChunkWriter, LayerTarSource } from '../../../../src/store/layer-stream';

/** A layer source pushing `data` in 64 KiB chunks from one reused buffer, as the layer ring does. */
function sourceOf(data: Buffer, failAt?: number): LayerTarSource {
  return Object.assign(
    async (write: ChunkWriter) => {
      const buf = Buffer.alloc(64 * 1024);
      for (let off = 0; off < data.length; off += buf.length) {
        if (failAt !== undefined && off >= failAt) throw new Error('layer changed');
        const n = data.copy(buf, 0, off, off + buf.length);
        await write(buf.subarray(0, n));
        buf.fill(0xee);
      }
      return data.length;
    },
    { size: data.length },
  );
}

const digestOf = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

test('blobs handed to PendingBlobs are in place, 0644 and complete once wait() resolves; reuse sees them before', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-blob-'));
  const data = Buffer.from('layer bytes\n'.repeat(50000));
  const pending = new PendingBlobs();
  const nameOf = (d: string): string => path.join(dir, d.slice(7));
  const plain = await writeBlobFile(dir, nameOf, sourceOf(data), { digest: digestOf(data), size: data.length }, false, () => undefined, true, pending);
  assert.equal(pending.sizeOf(plain.digest), data.length);
  const gz = await writeBlobFile(dir, nameOf, sourceOf(data), undefined, true, () => undefined, true, pending);
  await pending.wait();
  assert.deepEqual(fs.readFileSync(nameOf(plain.digest)), data);
  assert.equal(fs.statSync(nameOf(plain.digest)).mode & 0o777, 0o644);
  const compressed = fs.readFileSync(nameOf(gz.digest));
  assert.equal(digestOf(compressed), gz.digest);
  assert.equal(compressed.length, gz.size);
  assert.deepEqual(zlib.gunzipSync(compressed), data);
  assert.deepEqual(fs.readdirSync(dir).sort(), [plain.digest.slice(7), gz.digest.slice(7)].sort(), 'no temporary files left');
});

test('a source failing mid-way leaves no file, compressed or not', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-blob-'));
  const data = Buffer.alloc(1024 * 1024, 3);
  const pending = new PendingBlobs();
  for (const compress of [false, true]) {
    await assert.rejects(
      writeBlobFile(dir, (d) => path.join(dir, d.slice(7)), sourceOf(data, 512 * 1024), compress ? undefined : { digest: digestOf(data), size: data.length }, compress, () => undefined, true, pending),
      /layer changed/,
    );
  }
  await pending.wait();
  assert.deepEqual(fs.readdirSync(dir), []);
});
