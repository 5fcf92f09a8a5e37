/*
 * Creates or updates the image record of a loaded image the way c/image's storage destination
 * Commit does against c/storage: CreateImage (or reuse of an image with the same ID and top
 * layer), the big-data items (config under its digest, "manifest-<digest>", "manifest", an empty
 * "signature-<hex>"), the metadata with signature sizes, then the names (AddNames for a load,
 * a tag-style append for an import). All under images.lock held exclusively; images.json is
 * written once. On failure nothing is left: new big-data files are removed, overwritten ones put back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError, fsError } from '../errors';
import { lock, type LockOptions } from '../lock';
import { atomicWriteFile, readJsonArray } from '../json-file';
import { bigDataFileName, manifestBigDataKey, DEFAULT_MANIFEST_KEY } from '../big-data';
import type { ImageRecord } from '../records';
import type { Store } from '../store';
import { sha256 } from '../digest';
import { goNow } from './go-time';
import { goMarshal } from '../go-json';
import { updateImageNames } from '../write/names';
import { IMAGE_FIELD_ORDER, setField } from '../write/record-fields';

export interface ImageCommit {
  id: string;
  topLayer?: string;
  manifest: Buffer;
  config: Buffer;
  configDigest: string;
  /** Creation time for a new record (Go format); now when undefined. */
  created?: string;
  /** One AddNames per entry, in order, as successive copies of podman load do. */
  addNames: string[];
  /** Names appended afterwards with SetNames(old + name), as libimage's Tag does (import). */
  appendNames?: string[];
}

/** Commits several images in one hold of images.lock and one write of images.json. */
export async function commitImages(store: Store, lockOpts: LockOptions, commits: ImageCommit[]): Promise<void> {
  fs.mkdirSync(store.primary.imagesDir, { recursive: true, mode: 0o700 });
  const held = await lock(store.primary.imagesLock, 'exclusive', lockOpts);
  const imagesJson = path.join(store.primary.imagesDir, 'images.json');
  const restore: Array<{ file: string; old: Buffer | undefined }> = [];
  const createdDirs: string[] = [];
  try {
    const images = readJsonArray<ImageRecord>(imagesJson, 'the image list');
    for (const c of commits) applyCommit(store, images, c, restore, createdDirs);
    held.recordWrite();
    atomicWriteFile(imagesJson, goMarshal(images));
  } catch (e) {
    for (const dir of createdDirs) fs.rmSync(dir, { recursive: true, force: true });
    for (const r of restore.reverse()) {
      try {
        if (r.old === undefined) fs.rmSync(r.file, { force: true });
        else atomicWriteFile(r.file, r.old);
      } catch {
        // best effort: the record was not written, so podman never looks at these files
      }
    }
    throw e instanceof StoreError ? e : fsError(e, imagesJson, 'the image list');
  } finally {
    held.release();
  }
}

function applyCommit(
  store: Store,
  images: ImageRecord[],
  c: ImageCommit,
  restore: Array<{ file: string; old: Buffer | undefined }>,
  createdDirs: string[],
): void {
  const dataDir = path.join(store.primary.imagesDir, c.id);
  const existing = images.find((r) => r.id === c.id);
  if (existing && (existing.layer ?? '') !== (c.topLayer ?? '')) {
    throw new StoreError('InvalidArchive', `image with ID "${c.id}" already exists, but uses a different top layer`, { imageId: c.id });
  }
  const rec: ImageRecord = existing ?? newImageRecord(images, c);
  const set = (key: string, value: unknown): void => setField(rec, key, value, IMAGE_FIELD_ORDER);
  const createdDir = !fs.existsSync(dataDir) || createdDirs.includes(dataDir);
  if (!fs.existsSync(dataDir)) {
    fs.mkdirSync(dataDir, { mode: 0o700 });
    createdDirs.push(dataDir);
  }
  const manifestDigest = sha256(c.manifest);
  const setBigData = (key: string, data: Buffer): void => {
    const file = path.join(dataDir, bigDataFileName(key));
    if (!createdDir) restore.push({ file, old: readIfExists(file) });
    atomicWriteFile(file, data);
    const names = rec['big-data-names'] ?? [];
    if (!names.includes(key)) names.push(key);
    set('big-data-names', names);
    set('big-data-sizes', sortedMap({ ...(rec['big-data-sizes'] ?? {}), [key]: data.length }));
    // c/image digests manifests with manifest.Digest, which is sha256 of the bytes for schema 2 and OCI.
    set('big-data-digests', sortedMap({ ...(rec['big-data-digests'] ?? {}), [key]: sha256(data) }));
  };
  const copies = c.addNames.length > 0 ? c.addNames : [undefined];
  for (const name of copies) {
    setBigData(c.configDigest, c.config);
    setBigData(manifestBigDataKey(manifestDigest), c.manifest);
    setBigData(DEFAULT_MANIFEST_KEY, c.manifest);
    setBigData(`signature-${manifestDigest.slice('sha256:'.length)}`, Buffer.alloc(0));
    // recomputeDigests: a record without a digest takes its first manifest digest.
    if (!rec.digest) set('digest', manifestDigest);
    set('metadata', JSON.stringify({ 'signatures-sizes': { [manifestDigest]: [] } }));
    // c/image's Commit adds the reference's name (AddNames: new names first).
    if (name !== undefined) updateImageNames(images, rec, [name], 'add');
  }
  // libimage's Tag (4.3): SetNames(old names + the new one).
  for (const name of c.appendNames ?? []) updateImageNames(images, rec, [...(rec.names ?? []), name], 'set');
}

/** c/storage's CreateImage: appended at the end of the list. */
function newImageRecord(images: ImageRecord[], c: ImageCommit): ImageRecord {
  const rec: ImageRecord = { id: c.id };
  if (c.topLayer) rec.layer = c.topLayer;
  rec.created = c.created ?? goNow();
  images.push(rec);
  return rec;
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function sortedMap<V>(m: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}
