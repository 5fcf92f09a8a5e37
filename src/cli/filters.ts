/*
 * The positional REFERENCE of `images` (podman turns it into a reference= filter).
 */
import type { ImageSummary } from '../store/images-list';

// FIXME(issue 2): use src/store/reference-filter.ts (podman's path.Match semantics) once it lands.
export function selectByReference(summaries: ImageSummary[], pattern: string): ImageSummary[] {
  return summaries.filter((s) => s.names.some((n) => n === pattern || n.endsWith('/' + pattern) || n.startsWith(pattern + ':') || n.includes('/' + pattern + ':')));
}
