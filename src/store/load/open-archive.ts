/*
 * Finds out what `podman load -i PATH` would take PATH for, in podman's order: an OCI layout
 * directory, an oci-archive, a docker-archive, a `dir:` directory. The first that reads wins; if
 * none does, the error lists why each failed, as podman's does.
 */
import * as fs from 'node:fs';
import { StoreError, fsError, isStoreError } from '../errors';
import { DirProvider, TarProvider } from './blob-provider';
import { readDockerArchive } from './docker-archive';
import { readDockerDir } from './docker-dir';
import type { ImageArchive } from './image-source';
import { ociDirName, readOciLayout } from './oci-layout';
import { TarIndex } from './tar-index';

export async function openArchive(input: string, signal?: AbortSignal): Promise<ImageArchive> {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    throw fsError(e, input, 'the archive');
  }
  const errors: string[] = [];
  const attempt = async <T>(transport: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      // Content that contradicts its own digests is not "some other format": say so directly.
      if (isStoreError(e, 'Cancelled') || isStoreError(e, 'PermissionDenied') || isStoreError(e, 'IoError') || isStoreError(e, 'DigestMismatch')) throw e;
      errors.push(`${transport}: ${(e as Error).message}`);
      return undefined;
    }
  };

  if (st.isDirectory()) {
    const dir = new DirProvider(input);
    const oci = await attempt('oci', async () => {
      if (dir.size('index.json') === undefined) throw new StoreError('InvalidArchive', `open ${input}/index.json: no such file or directory`);
      return readOciLayout(dir, ociDirName(input));
    });
    if (oci) return { format: 'oci-dir', images: [oci], close: () => undefined };
    errors.push('oci-archive: the input is a directory', 'docker-archive: the input is a directory');
    const d = await attempt('dir', () => readDockerDir(dir));
    if (d) return { format: 'docker-dir', images: [d], close: () => undefined };
    throw noFormat(errors);
  }

  errors.push(`oci: open ${input}/index.json: not a directory`);
  let index: TarIndex | undefined;
  try {
    index = await TarIndex.open(input, signal);
  } catch (e) {
    if (isStoreError(e, 'Cancelled') || isStoreError(e, 'PermissionDenied')) throw e;
    const msg = (e as Error).message;
    errors.push(`oci-archive: ${msg}`, `docker-archive: ${msg}`, `dir: ${input} is not a directory`);
    throw noFormat(errors);
  }
  try {
    const provider = new TarProvider(index, input);
    if (index.has('index.json')) {
      const oci = await attempt('oci-archive', () => readOciLayout(provider, undefined));
      const idx = index;
      if (oci) return { format: 'oci-archive', images: [oci], close: () => idx.close() };
    } else {
      errors.push('oci-archive: the archive has no index.json');
    }
    const docker = await attempt('docker-archive', () => readDockerArchive(index!));
    const idx = index;
    if (docker) return { format: 'docker-archive', images: docker, close: () => idx.close() };
    errors.push(`dir: ${input} is not a directory`);
    index.close();
    throw noFormat(errors);
  } catch (e) {
    index.close();
    throw e;
  }
}

function noFormat(errors: string[]): StoreError {
  return new StoreError('InvalidArchive', `payload does not match any of the supported image formats:\n * ${errors.join('\n * ')}`, { attempts: errors });
}
