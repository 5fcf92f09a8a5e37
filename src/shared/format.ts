/*
 * Human-readable sizes, ages and short IDs, the way podman prints them (go-units: decimal units,
 * three significant digits), so the tree, the webview and the CLI agree. Pure.
 */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** `HumanSizeWithPrecision(size, 3)` with podman's space before the unit: `17.5 kB`, `0 B`. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(3))} ${UNITS[i]}`;
}

/** go-units HumanDuration + " ago"; '' for an unknown time. */
export function humanAge(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t)) return '';
  const secs = Math.max(0, Math.floor((now - t) / 1000));
  return `${humanDuration(secs)} ago`;
}

function humanDuration(seconds: number): string {
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
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
