/*
 * Human-readable sizes, ages and short IDs for the tree and commands: the figures are
 * human-format.ts's (podman's own), so the tree, the webview and the CLI agree. Pure.
 */

import { humanDuration, humanSize as goHumanSize } from './human-format';

/** podman's size text (`17.5 kB`, `0 B`, go-units' `1e+03 kB` included); '?' when unknown. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  return goHumanSize(bytes);
}

/** go-units HumanDuration + " ago"; '' for an unknown time. */
export function humanAge(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t)) return '';
  return `${humanDuration(Math.max(0, now - t))} ago`;
}

export function shortId(id: string): string {
  return (id.startsWith('sha256:') ? id.slice(7) : id).slice(0, 12);
}

export interface ParsedName {
  /** `localhost/app` */
  repository: string;
  /** `v1`, or '' for a digest-only or untagged name */
  tag: string;
  /** `sha256:…` when the name is a digest reference */
  digest: string;
}

/** Splits a stored (normalised) image name into repository, tag and digest. */
export function parseName(name: string): ParsedName {
  let rest = name;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}
