/*
 * docker-dir output (containers/image 5.23 directory/directory_dest.go, the `dir:` transport):
 * `version`, one file per blob named by its digest hex, manifest.json (Docker schema 2, forced by
 * podman). Layers stay uncompressed unless --compress. Built in a staging directory beside the
 * target and moved into place at the end; an existing target is replaced only when it is itself a
 * dir-transport image (its `version` file matches), as podman does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerTarSource } from '../layer-stream';
import { StoreError } from '../errors';
import type { ImageDestination, LayerCompression, PutResult } from './copy';
import { MT } from './manifest';
import { PendingBlobs, writeBlobFile, writeSmallFile } from './blob-file';
import { outputError, removeQuietly, siblingTemp } from './sink';

export const DIR_VERSION = 'Directory Transport Version: 1.1\n';

/**
 * podman's check on an existing target: absent or empty is fine, a dir-transport image is
 * replaced, anything else is refused. Returns whether the target exists.
 */
export function checkDockerDirTarget(target: string): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') {
      throw new StoreError('OutputExists', `${target} exists and is not a directory`, { path: target });
    }
    throw outputError(e, target);
  }
  if (entries.length === 0) return true;
  let version: string | undefined;
  try {
    version = fs.readFileSync(path.join(target, 'version'), 'utf8');
  } catch {
    version = undefined;
  }
  if (version !== DIR_VERSION) {
    throw new StoreError('OutputExists', `${target}: not a containers image directory, don't want to overwrite important data`, { path: target });
  }
  return true;
}

export class DockerDirWriter implements ImageDestination {
  readonly forcedManifestType = MT.s2Manifest;
  readonly compression: LayerCompression;
  readonly staging: string;
  private readonly pending = new PendingBlobs();

  constructor(
    readonly target: string,
    compress: boolean,
  ) {
    checkDockerDirTarget(target);
    this.compression = compress ? 'compress' : 'preserve';
    this.staging = siblingTemp(target, 'strata-save');
    try {
      fs.mkdirSync(this.staging, { mode: 0o755 });
      fs.chmodSync(this.staging, 0o755);
      writeSmallFile(path.join(this.staging, 'version'), DIR_VERSION);
    } catch (e) {
      removeQuietly(this.staging);
      throw outputError(e, target);
    }
  }

  private blobPath(digest: string): string {
    return path.join(this.staging, digest.slice(digest.indexOf(':') + 1));
  }

  async tryReuse(digest: string): Promise<PutResult | undefined> {
    return this.pending.reuse(digest, this.blobPath(digest));
  }

  putLayer(source: LayerTarSource, known: PutResult | undefined, compress: boolean, onBytes: (n: number) => void): Promise<PutResult> {
    return writeBlobFile(this.staging, (d) => this.blobPath(d), source, known, compress, onBytes, true, this.pending);
  }

  async putConfig(config: Buffer, digest: string): Promise<void> {
    writeSmallFile(this.blobPath(digest), config);
  }

  async putManifest(manifest: Buffer): Promise<void> {
    writeSmallFile(path.join(this.staging, 'manifest.json'), manifest);
  }

  /** Moves the finished image into place (once every blob is), replacing a previous dir-transport image. */
  async commit(): Promise<void> {
    await this.pending.wait();
    try {
      if (checkDockerDirTarget(this.target)) fs.rmSync(this.target, { recursive: true, force: true });
      fs.renameSync(this.staging, this.target);
    } catch (e) {
      throw outputError(e, this.target);
    }
  }

  async rollback(): Promise<void> {
    await this.pending.settle();
    removeQuietly(this.staging);
  }
}
