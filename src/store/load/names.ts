/*
 * The names podman gives loaded images, through the shared reference code (libimage
 * NormalizeName for archive tags and annotations; plain docker parsing + ":latest" for OCI
 * directories, whose name comes from the path).
 */
import { normalizeName, parseDockerRef } from '../reference';
import type { SourceImage } from './image-source';

export function storageNames(img: SourceImage): string[] {
  return img.names.map((n) => (img.naming === 'normalize' ? normalizeName(n) : parseDockerRef(n)).toString());
}
