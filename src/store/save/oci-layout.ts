/*
 * OCI image layout output (containers/image 5.23 oci/layout/oci_dest.go): blobs/sha256/<hex> for
 * layers (gzip unless uncompressed was asked), config and manifest; index.json with the manifest
 * descriptor (ref.name annotation = the resolved name) appended to any existing index; oci-layout.
 * Used directly for oci-dir and on a staging directory for oci-archive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../errors';
import { GoMap, goMarshal, type GoJsonValue } from '../go-json';
import type { LayerTarSource } from '../layer-stream';
import type { ImageDestination, LayerCompression, PutResult } from './copy';
import { MT, descriptorJson, guessManifestType, manifestDigest, type OciDescriptor } from './manifest';
import { PendingBlobs, writeBlobFile, writeSmallFile } from './blob-file';
import { outputError } from './sink';

/** The exact bytes podman writes (note the space). */
export const OCI_LAYOUT_CONTENT = '{"imageLayoutVersion": "1.0.0"}';

const REF_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const REF_NAME = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);

/** oci/internal ValidateImageName: the ref.name grammar of image-spec annotations. */
export function validateRefName(name: string): void {
  if (name !== '' && !REF_NAME.test(name)) throw new StoreError('InvalidReference', `Invalid image ${name}`, { name });
}

interface OciIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: OciDescriptor[];
  annotations?: Record<string, string>;
}

export function serializeIndex(index: OciIndex): string {
  const ann = index.annotations && Object.keys(index.annotations).length > 0 ? new GoMap(index.annotations) : undefined;
  return goMarshal({
    schemaVersion: index.schemaVersion,
    mediaType: index.mediaType || undefined,
    manifests: index.manifests.map(descriptorJson),
    annotations: ann,
  });
}

function readIndex(file: string): OciIndex {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new StoreError('InvalidArchive', `The existing ${file} cannot be read as an OCI index`, { path: file }, { cause: e });
  }
  const manifests = Array.isArray(obj.manifests) ? obj.manifests : [];
  return {
    schemaVersion: typeof obj.schemaVersion === 'number' ? obj.schemaVersion : 0,
    mediaType: typeof obj.mediaType === 'string' ? obj.mediaType : undefined,
    manifests: manifests.map((m: Record<string, unknown>) => ({
      mediaType: typeof m.mediaType === 'string' ? m.mediaType : undefined,
      digest: typeof m.digest === 'string' ? m.digest : '',
      size: typeof m.size === 'number' ? m.size : 0,
      urls: Array.isArray(m.urls) ? (m.urls as string[]) : undefined,
      annotations: m.annotations && typeof m.annotations === 'object' ? { ...(m.annotations as Record<string, string>) } : undefined,
      data: typeof m.data === 'string' ? m.data : undefined,
      platform: m.platform as OciDescriptor['platform'],
      artifactType: typeof m.artifactType === 'string' ? m.artifactType : undefined,
    })),
    annotations: obj.annotations && typeof obj.annotations === 'object' ? (obj.annotations as Record<string, string>) : undefined,
  };
}

export interface OciLayoutOptions {
  dir: string;
  /** ref.name annotation; "" for none (saved by ID). */
  refName: string;
  /** --uncompressed: keep layers as stored. */
  uncompressed: boolean;
  /**
   * fsync each blob (default): the layout is the output. oci-archive's staging layout is not: it
   * is read back into the archive at once and removed.
   */
  durable?: boolean;
}

/**
 * An OCI layout being written. Files it creates are remembered so that `rollback` can remove
 * exactly them (an existing layout that was appended to is left as it was).
 */
export class OciLayoutWriter implements ImageDestination {
  readonly supportedManifestTypes = [MT.ociManifest, MT.ociIndex];
  readonly forcedManifestType: string | undefined;
  readonly compression: LayerCompression;
  private readonly index: OciIndex;
  private readonly created: string[] = [];
  private readonly blobsDir: string;
  private readonly pending = new PendingBlobs();

  constructor(
    private readonly opts: OciLayoutOptions,
    forceOci: boolean,
  ) {
    validateRefName(opts.refName);
    this.forcedManifestType = forceOci ? MT.ociManifest : undefined;
    this.compression = opts.uncompressed ? ('preserve' as const) : ('compress' as const);
    const indexFile = path.join(opts.dir, 'index.json');
    this.index = fs.existsSync(indexFile) ? readIndex(indexFile) : { schemaVersion: 2, manifests: [] };
    this.blobsDir = path.join(opts.dir, 'blobs', 'sha256');
    try {
      this.mkdir(opts.dir);
      this.mkdir(path.join(opts.dir, 'blobs'));
    } catch (e) {
      throw outputError(e, opts.dir);
    }
  }

  private mkdir(dir: string): void {
    if (fs.existsSync(dir)) return;
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    this.created.push(dir);
  }

  private blobPath(digest: string): string {
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new StoreError('InvalidArgument', `unexpected digest ${digest}`);
    return path.join(this.blobsDir, digest.slice(7));
  }

  private noteNew(file: string): void {
    if (!fs.existsSync(file)) this.created.push(file);
  }

  async tryReuse(digest: string): Promise<PutResult | undefined> {
    return this.pending.reuse(digest, this.blobPath(digest));
  }

  async putLayer(source: LayerTarSource, known: PutResult | undefined, compress: boolean, onBytes: (n: number) => void): Promise<PutResult> {
    this.mkdir(this.blobsDir);
    const before = new Set<string>();
    const result = await writeBlobFile(
      this.opts.dir,
      (d) => {
        const p = this.blobPath(d);
        if (!fs.existsSync(p)) before.add(p);
        return p;
      },
      source,
      known,
      compress,
      onBytes,
      this.opts.durable ?? true,
      this.pending,
    );
    for (const p of before) this.created.push(p);
    return result;
  }

  async putConfig(config: Buffer, digest: string): Promise<void> {
    this.mkdir(this.blobsDir);
    const file = this.blobPath(digest);
    this.noteNew(file);
    writeSmallFile(file, config);
  }

  async putManifest(manifest: Buffer): Promise<void> {
    this.mkdir(this.blobsDir);
    const digest = manifestDigest(manifest);
    const file = this.blobPath(digest);
    this.noteNew(file);
    writeSmallFile(file, manifest);
    const desc: OciDescriptor = { mediaType: guessManifestType(manifest), digest, size: manifest.length };
    if (this.opts.refName) desc.annotations = { 'org.opencontainers.image.ref.name': this.opts.refName };
    this.addManifest(desc);
  }

  /** oci_dest.go addManifest: the new name moves to the new entry; an unnamed same-digest entry is replaced. */
  private addManifest(desc: OciDescriptor): void {
    const name = desc.annotations?.['org.opencontainers.image.ref.name'];
    if (name) {
      for (const m of this.index.manifests) {
        if (m.annotations?.['org.opencontainers.image.ref.name'] === name) {
          delete m.annotations['org.opencontainers.image.ref.name'];
          break;
        }
      }
    }
    for (let i = 0; i < this.index.manifests.length; i++) {
      const m = this.index.manifests[i]!;
      if (m.digest === desc.digest && !m.annotations?.['org.opencontainers.image.ref.name']) {
        this.index.manifests[i] = desc;
        return;
      }
    }
    this.index.manifests.push(desc);
  }

  /** Writes oci-layout and index.json (Commit), once every blob is in place. */
  async commit(): Promise<void> {
    await this.pending.wait();
    const layout = path.join(this.opts.dir, 'oci-layout');
    this.noteNew(layout);
    writeSmallFile(layout, OCI_LAYOUT_CONTENT);
    const index = path.join(this.opts.dir, 'index.json');
    this.noteNew(index);
    writeSmallFile(index, serializeIndex(this.index));
  }

  /** Waits for every blob still being put in place, failed or not. */
  async settle(): Promise<void> {
    await this.pending.settle();
  }

  /** Removes everything this writer created, newest first (after any blob still being put in place). */
  async rollback(): Promise<void> {
    await this.settle();
    for (const p of [...this.created].reverse()) {
      try {
        fs.rmSync(p, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  }
}
