/*
 * `save`: writes images from the store as docker-archive, oci-archive, oci-dir or docker-dir with
 * podman 4.3.1's defaults, names and refusal rules (libimage/save.go, cmd/podman/images/save.go).
 * Streams every layer from the store (constant memory), reports progress in bytes, honours an
 * AbortSignal, and never leaves partial output: everything is built beside the target and moved
 * into place at the end, or removed on error/cancel.
 */
import * as fs from 'node:fs';
import { StoreError } from '../errors';
import type { Store } from '../store';
import type { ImageEntry, StoreSnapshot } from '../snapshot';
import { copyImage, type CopyContext } from './copy';
import { openImageSource, type ImageSource } from './image-source';
import { DockerArchiveWriter, type RepoTag } from './docker-archive';
import { OciLayoutWriter } from './oci-layout';
import { DockerDirWriter } from './docker-dir';
import { tarDirectory } from './dir-tar';
import { FileSink, outputError, removeQuietly, siblingTemp } from './sink';
import { extraTagOf, ociRefName, repoTagOf, resolveImages } from './names';
import { cancelled } from '../chunk-ring';

export const SAVE_FORMATS = ['docker-archive', 'oci-archive', 'oci-dir', 'docker-dir'] as const;
export type SaveFormat = (typeof SAVE_FORMATS)[number];

export interface SaveProgress {
  /** Uncompressed layer bytes handled so far. */
  bytesDone: number;
  /** Uncompressed layer bytes to handle in total. */
  bytesTotal: number;
  /** What is being written: a layer or config digest ("" for the manifest). */
  step?: { kind: 'blob' | 'config' | 'manifest'; digest: string; imageId: string };
}

export interface SaveOptions {
  /** Image names or IDs. Without multiImage, the first is the image and the rest are extra tags (docker-archive). */
  names: string[];
  output: string;
  format?: SaveFormat;
  /** -m / --multi-image-archive: every name is an image (docker-archive only). */
  multiImage?: boolean;
  /** --compress: gzip layers (docker-dir only). */
  compress?: boolean;
  /** --uncompressed: keep OCI layers uncompressed (oci-dir, oci-archive). */
  uncompressed?: boolean;
  /**
   * Replace an existing output podman would refuse or append to: a non-empty docker-archive
   * file, or an existing OCI layout directory (instead of appending to its index).
   */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SaveProgress) => void;
  lockTimeoutMs?: number;
}

export interface SavedImage {
  id: string;
  /** RepoTags (docker-archive) or the ref.name annotation (OCI), as written. */
  names: string[];
}

export interface SaveResult {
  format: SaveFormat;
  output: string;
  images: SavedImage[];
  bytes: number;
}

interface Planned {
  image: ImageEntry;
  tags: RepoTag[];
  refName: string;
}

function invalid(msg: string): StoreError {
  return new StoreError('InvalidArgument', msg);
}

/** podman's argument checks, in its order. */
function validate(opts: SaveOptions, format: SaveFormat): void {
  if (!(SAVE_FORMATS as readonly string[]).includes(format)) {
    throw invalid(`format value must be one of ${['oci-dir', 'oci-archive', 'docker-dir', 'docker-archive'].join(' ')}`);
  }
  if (opts.names.length === 0) throw invalid('need at least 1 argument');
  if (opts.compress && format !== 'docker-dir') throw invalid("--compress can only be set when --format is 'docker-dir'");
  if (!opts.output) throw invalid('an output path is required');
  if (opts.multiImage && opts.names.length > 1 && format !== 'docker-archive') {
    throw invalid(`unsupported format "${format}" for saving multiple images (only docker-archive)`);
  }
}

/** Resolves names into images and their tags the way saveDockerArchive / saveSingleImage do. */
function plan(snapshot: StoreSnapshot, opts: SaveOptions, format: SaveFormat): Planned[] {
  const images = opts.multiImage ? opts.names : [opts.names[0]!];
  if (format !== 'docker-archive') {
    const { image, resolvedName } = resolveImages(snapshot, images)[0]!;
    return [{ image, tags: [], refName: ociRefName(image.record.id, resolvedName) }];
  }
  // Extra tags are checked before any lookup, as libimage does.
  const extra: RepoTag[] = [];
  if (!opts.multiImage) {
    for (const t of opts.names.slice(1)) {
      const rt = extraTagOf(t);
      if (rt) extra.push(rt);
    }
  }
  const resolved = resolveImages(snapshot, images);
  const planned = new Map<string, Planned>();
  const visited = new Set<string>();
  for (const { image, resolvedName } of resolved) {
    if (visited.has(resolvedName)) continue;
    visited.add(resolvedName);
    let p = planned.get(image.record.id);
    if (!p) {
      p = { image, tags: [...extra], refName: '' };
      planned.set(image.record.id, p);
    }
    const tag = repoTagOf(resolvedName);
    if (tag) p.tags.push(tag);
  }
  return [...planned.values()];
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw outputError(e, p);
  }
}

/** Saves images; resolves with what was written, rejects with a StoreError and leaves no output. */
export async function saveImages(store: Store, opts: SaveOptions): Promise<SaveResult> {
  const format = opts.format ?? 'docker-archive';
  validate(opts, format);
  const { signal } = opts;
  if (signal?.aborted) throw cancelled();
  store.assertContentDriver('Saving an image');
  const snapshot = await store.snapshot({ signal, timeoutMs: opts.lockTimeoutMs });
  const planned = plan(snapshot, opts, format);
  const sources: ImageSource[] = [];
  for (const p of planned) sources.push(await openImageSource(store, snapshot, p.image, { signal, timeoutMs: opts.lockTimeoutMs }));

  let done = 0;
  const total = sources.reduce((n, s) => n + s.layers.reduce((m, l) => m + l.info.size, 0), 0);
  let current = '';
  const report = (step?: SaveProgress['step']): void => opts.onProgress?.({ bytesDone: done, bytesTotal: total, step });
  const ctx = (imageId: string): CopyContext => ({
    signal,
    lockTimeoutMs: opts.lockTimeoutMs,
    onBytes: (n) => {
      done += n;
      report();
    },
    onStep: (kind, digest) => {
      current = imageId;
      report({ kind, digest, imageId: current });
    },
  });
  report();

  const output = opts.output;
  const images: SavedImage[] = [];
  switch (format) {
    case 'docker-archive':
      await saveDockerArchive(store, output, planned, sources, ctx, opts);
      for (const p of planned) images.push({ id: p.image.record.id, names: p.tags.map((t) => `${t.name}:${t.tag}`) });
      break;
    case 'oci-archive':
      await saveOciArchive(store, output, planned[0]!, sources[0]!, ctx, opts);
      images.push({ id: planned[0]!.image.record.id, names: planned[0]!.refName ? [planned[0]!.refName] : [] });
      break;
    case 'oci-dir':
      await saveOciDir(store, output, planned[0]!, sources[0]!, ctx, opts);
      images.push({ id: planned[0]!.image.record.id, names: planned[0]!.refName ? [planned[0]!.refName] : [] });
      break;
    case 'docker-dir': {
      const writer = new DockerDirWriter(output, Boolean(opts.compress));
      try {
        await copyImage(store, sources[0]!, writer, ctx(planned[0]!.image.record.id));
        if (signal?.aborted) throw cancelled();
        await writer.commit();
      } catch (e) {
        await writer.rollback();
        throw e;
      }
      images.push({ id: planned[0]!.image.record.id, names: [] });
      break;
    }
  }
  return { format, output, images, bytes: done };
}

async function saveDockerArchive(
  store: Store,
  output: string,
  planned: Planned[],
  sources: ImageSource[],
  ctx: (id: string) => CopyContext,
  opts: SaveOptions,
): Promise<void> {
  const st = statOrUndefined(output);
  if (st?.isDirectory()) throw new StoreError('OutputExists', `opening file "${output}": is a directory`, { path: output });
  if (st?.isFile() && st.size !== 0 && !opts.overwrite) {
    throw new StoreError('OutputExists', `docker-archive doesn't support modifying existing images (${output} exists)`, { path: output });
  }
  // Pipes and devices (e.g. /dev/stdout) are written directly; files are built beside the target.
  const direct = st !== undefined && !st.isFile();
  const tmp = direct ? output : siblingTemp(output, 'strata-save');
  const sink = new FileSink(tmp, { flags: direct ? 'w' : 'wx', mode: 0o644 });
  try {
    const writer = new DockerArchiveWriter(sink);
    for (let i = 0; i < planned.length; i++) {
      await copyImage(store, sources[i]!, writer.destination(planned[i]!.tags), ctx(planned[i]!.image.record.id));
    }
    await writer.finish();
    if (opts.signal?.aborted) throw cancelled();
    // No fsync: podman does not sync archives either; the rename keeps partial output invisible.
    await sink.close();
    if (!direct) fs.renameSync(tmp, output);
  } catch (e) {
    await sink.destroy();
    if (!direct) removeQuietly(tmp);
    throw outputError(e, output);
  }
}

async function saveOciArchive(
  store: Store,
  output: string,
  planned: Planned,
  source: ImageSource,
  ctx: (id: string) => CopyContext,
  opts: SaveOptions,
): Promise<void> {
  const st = statOrUndefined(output);
  if (st?.isDirectory()) throw new StoreError('OutputExists', `creating tar file "${output}": is a directory`, { path: output });
  const staging = siblingTemp(output, 'strata-oci');
  const direct = st !== undefined && !st.isFile();
  const tmp = direct ? output : siblingTemp(output, 'strata-save');
  try {
    fs.mkdirSync(staging, { mode: 0o700 });
  } catch (e) {
    throw outputError(e, output);
  }
  let sink: FileSink | undefined;
  let layout: OciLayoutWriter | undefined;
  try {
    layout = new OciLayoutWriter(
      { dir: staging, refName: planned.refName, uncompressed: Boolean(opts.uncompressed), durable: false },
      false,
    );
    await copyImage(store, source, layout, ctx(planned.image.record.id));
    await layout.commit();
    sink = new FileSink(tmp, { flags: direct ? 'w' : 'wx', mode: 0o644 });
    await tarDirectory(staging, sink, opts.signal);
    if (opts.signal?.aborted) throw cancelled();
    // No fsync: podman does not sync archives either; the rename keeps partial output invisible.
    await sink.close();
    if (!direct) fs.renameSync(tmp, output);
  } catch (e) {
    // Blobs may still be moving into the staging layout: let them settle before it is removed
    // whole (finally), rather than file by file.
    await layout?.settle();
    await sink?.destroy();
    if (!direct) removeQuietly(tmp);
    throw outputError(e, output);
  } finally {
    removeQuietly(staging);
  }
}

function looksLikeOciLayout(dir: string): boolean {
  const entries = fs.readdirSync(dir);
  return entries.length === 0 || entries.includes('oci-layout') || entries.includes('index.json');
}

async function saveOciDir(
  store: Store,
  output: string,
  planned: Planned,
  source: ImageSource,
  ctx: (id: string) => CopyContext,
  opts: SaveOptions,
): Promise<void> {
  const st = statOrUndefined(output);
  if (st && !st.isDirectory()) throw new StoreError('OutputExists', `${output} exists and is not a directory`, { path: output });
  const replace = Boolean(opts.overwrite && st);
  if (replace && !looksLikeOciLayout(output)) {
    throw new StoreError('OutputExists', `${output} is not an OCI layout; refusing to replace it`, { path: output });
  }
  // Replacing builds a fresh layout beside the target; appending (podman's behaviour) writes in place.
  const dir = replace ? siblingTemp(output, 'strata-oci') : output;
  const layout = new OciLayoutWriter({ dir, refName: planned.refName, uncompressed: Boolean(opts.uncompressed) }, true);
  try {
    await copyImage(store, source, layout, ctx(planned.image.record.id));
    if (opts.signal?.aborted) throw cancelled();
    await layout.commit();
    if (replace) {
      fs.rmSync(output, { recursive: true, force: true });
      fs.renameSync(dir, output);
      fs.chmodSync(output, 0o755);
    }
  } catch (e) {
    await layout.rollback();
    if (replace) removeQuietly(dir);
    throw outputError(e, output);
  }
}

