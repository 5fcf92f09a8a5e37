/*
 * Reading a `dir:` image directory (podman save --format docker-dir) as c/image's directory
 * source does: manifest.json stored as is, every blob in a file named by its digest's hex.
 * podman loads these without a name.
 */
import { StoreError } from '../errors';
import type { BlobProvider } from './blob-provider';
import { MAX_CONFIG_SIZE, MAX_MANIFEST_SIZE, layersFromBlobs, parseManifest, type SourceImage } from './image-source';
import { sha256 } from '../digest';

function blobFile(digest: string): string {
  return digest.split(':')[1]!;
}

export async function readDockerDir(p: BlobProvider): Promise<SourceImage> {
  const manifest = await p.readSmall('manifest.json', MAX_MANIFEST_SIZE);
  const parsed = parseManifest(manifest, p.describe('manifest.json'));
  const config = await p.readSmall(blobFile(parsed.configDigest), MAX_CONFIG_SIZE);
  if (sha256(config) !== parsed.configDigest) {
    throw new StoreError('DigestMismatch', `The image config does not match its digest ${parsed.configDigest}`);
  }
  const layers = layersFromBlobs(p, parsed, config, blobFile, 'directory');
  return { manifest, config, configDigest: parsed.configDigest, layers, names: [], naming: 'normalize' };
}
