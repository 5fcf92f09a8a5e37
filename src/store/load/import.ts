/*
 * `podman import FILE [REFERENCE]` for Strata: one rootfs tarball (optionally gzip'd) becomes a
 * one-layer image with exactly the config and manifest c/image's tarball source builds (creation
 * time = the file's mtime, history "imported from tarball", this machine's os/arch), then the
 * name is added as libimage's Tag adds it. Rolled back entirely on failure or abort.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { StoreError, fsError, isStoreError } from '../errors';
import type { LockOptions } from '../lock';
import type { Store } from '../store';
import { Compression, decompressed } from '../layer/unpack-layer';
import { goQuote } from '../go-json';
import { goTimeFromConfig, goTimeLocal } from './go-time';
import { commitImages } from './image-writer';
import { sha256 } from '../digest';
import { LayerWriter } from './layer-writer';
import { normalizeName } from '../reference';

const MEDIA_TYPE_OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const MEDIA_TYPE_OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
const MEDIA_TYPE_OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const IMPORT_COMMENT = 'imported from tarball';

export interface ImportOptions {
  /** Name to give the image (normalized like `podman import FILE NAME`). */
  reference?: string;
  /** Override the config's os / architecture (podman import --os / --arch). */
  os?: string;
  arch?: string;
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'digest' | 'apply'; bytes: number; total: number }) => void;
  lockTimeoutMs?: number;
}

export interface ImportResult {
  id: string;
  names: string[];
  layer: string;
}

/** Go's runtime.GOARCH for this process. */
export function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle' };
  return map[process.arch] ?? process.arch;
}

interface TarballFacts {
  blobDigest: string;
  blobSize: number;
  diffID: string;
  compressed: boolean;
  mtime: string;
}

async function examine(file: string, opts: ImportOptions): Promise<TarballFacts> {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(file, { bigint: true });
  } catch (e) {
    throw fsError(e, file, 'the tarball');
  }
  if (!st.isFile()) throw new StoreError('InvalidArgument', `${file} is not a regular file`);
  const total = Number(st.size);
  const blobHash = createHash('sha256');
  let read = 0;
  async function* tap(): AsyncGenerator<Buffer> {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw new StoreError('Cancelled', 'The import was cancelled');
      blobHash.update(chunk);
      read += chunk.length;
      opts.onProgress?.({ phase: 'digest', bytes: read, total });
      yield chunk;
    }
  }
  const { compression, stream, close } = await decompressed(tap(), `The tarball ${file}`);
  const diffHash = createHash('sha256');
  try {
    for await (const chunk of stream) diffHash.update(chunk);
  } finally {
    await close();
  }
  const blobDigest = 'sha256:' + blobHash.digest('hex');
  return {
    blobDigest,
    blobSize: read,
    diffID: compression === Compression.Gzip ? 'sha256:' + diffHash.digest('hex') : blobDigest,
    compressed: compression === Compression.Gzip,
    mtime: goTimeLocal(st.mtimeNs),
  };
}

/** The config c/image's tarball source writes (v1.Image marshalled by Go). */
export function importConfig(f: { diffID: string; mtime: string }, os: string, arch: string): Buffer {
  const created = goQuote(f.mtime);
  const createdBy = goQuote(`/bin/sh -c #(nop) ADD file:${f.diffID.slice('sha256:'.length)} in /`);
  return Buffer.from(
    `{"created":${created},"architecture":${goQuote(arch)},"os":${goQuote(os)},"config":{},` +
      `"rootfs":{"type":"layers","diff_ids":["${f.diffID}"]},` +
      `"history":[{"created":${created},"created_by":${createdBy},"comment":"${IMPORT_COMMENT}"}]}`,
  );
}

export function importManifest(config: Buffer, f: { blobDigest: string; blobSize: number; compressed: boolean }): Buffer {
  return Buffer.from(
    `{"schemaVersion":2,"config":{"mediaType":"${MEDIA_TYPE_OCI_CONFIG}","digest":"${sha256(config)}","size":${config.length}},` +
      `"layers":[{"mediaType":"${f.compressed ? MEDIA_TYPE_OCI_LAYER_GZIP : MEDIA_TYPE_OCI_LAYER}","digest":"${f.blobDigest}","size":${f.blobSize}}]}`,
  );
}

export async function importTarball(store: Store, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  store.assertContentDriver('Importing images');
  if (store.primary.readOnly) throw new StoreError('ReadOnlyStore', 'The store is read-only');
  const name = opts.reference !== undefined ? normalizeName(opts.reference).toString() : undefined;
  const facts = await examine(file, opts);
  const config = importConfig(facts, opts.os || 'linux', opts.arch || goArch());
  const manifest = importManifest(config, facts);
  const configDigest = sha256(config);
  const id = configDigest.slice('sha256:'.length);
  const layerId = facts.diffID.slice('sha256:'.length);

  const lockOpts: LockOptions = { timeoutMs: opts.lockTimeoutMs ?? store.lockTimeoutMs, signal: opts.signal };
  const writer = new LayerWriter(store, lockOpts);
  await writer.begin();
  try {
    await writer.put(
      layerId,
      undefined,
      { blobDigest: facts.blobDigest, blobSize: facts.blobSize, diffID: facts.diffID, open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }) },
      { signal: opts.signal, onBytes: (n) => opts.onProgress?.({ phase: 'apply', bytes: n, total: facts.blobSize }), what: `The tarball ${file}` },
    );
    if (opts.signal?.aborted) throw new StoreError('Cancelled', 'The import was cancelled');
    await commitImages(store, lockOpts, [
      {
        id,
        topLayer: layerId,
        manifest,
        config,
        configDigest,
        created: goTimeFromConfig(facts.mtime),
        addNames: [],
        appendNames: name !== undefined ? [name] : [],
      },
    ]);
    writer.commit();
  } catch (e) {
    writer.rollback();
    throw opts.signal?.aborted && !isStoreError(e, 'Cancelled') ? new StoreError('Cancelled', 'The import was cancelled', {}, { cause: e }) : e;
  } finally {
    writer.end();
  }
  return { id, names: name !== undefined ? [name] : [], layer: layerId };
}
