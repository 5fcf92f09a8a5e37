/*
 * Manifest lists in local storage, as libimage resolves them on lookup: c/image's GuessMIMEType
 * tells a Docker manifest list or OCI index from an image manifest, and ChooseInstance picks the
 * instance for the platform (WantedPlatforms order: exact variant first, then the compatible ones).
 */
import * as fs from 'node:fs';
import { StoreError } from './errors';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Go's runtime.GOOS/GOARCH for this machine (the variant is only detected on ARM). */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' };
  const architecture = arch[process.arch] ?? process.arch;
  let variant = '';
  if (architecture === 'arm' || architecture === 'arm64') variant = armVariant();
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture, variant };
}

function armVariant(): string {
  let text: string;
  try {
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length > 1 && parts[0]!.trim().toLowerCase() === 'cpu architecture') {
      const v = parts[1]!.trim().toLowerCase();
      if (v === '8' || v === 'aarch64') return 'v8';
      if (['7', '7m', '?(12)', '?(13)', '?(14)', '?(15)', '?(16)', '?(17)'].includes(v)) return 'v7';
      if (v === '6' || v === '6tej') return 'v6';
      if (['5', '5t', '5te', '5tej'].includes(v)) return 'v5';
      if (v === '4' || v === '4t') return 'v4';
      if (v === '3') return 'v3';
      return '';
    }
  }
  return '';
}

export interface ManifestListJson {
  mediaType: string;
  manifests: { digest?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } | null }[];
}

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The parsed list when a manifest is a Docker manifest list or an OCI index (c/image GuessMIMEType); else undefined. */
export function parseManifestList(raw: Buffer): ManifestListJson | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  let type = '';
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : '';
  if (mediaType === DOCKER_LIST || mediaType === OCI_INDEX) type = mediaType;
  else if (mediaType === '' && doc.schemaVersion === 2) {
    const config = doc.config as { mediaType?: unknown } | undefined;
    const manifests = doc.manifests;
    if (!(config && typeof config.mediaType === 'string' && config.mediaType !== '') && Array.isArray(manifests) && manifests.length > 0) type = OCI_INDEX;
  }
  if (!type) return undefined;
  const manifests = Array.isArray(doc.manifests) ? (doc.manifests as ManifestListJson['manifests']) : [];
  return { mediaType: type, manifests };
}

/** c/image ChooseInstance: the first instance for the most compatible platform, variants in WantedPlatforms order. */
export function chooseInstance(list: ManifestListJson, platform: Platform): string {
  const compatibility: Record<string, string[]> = { arm: ['v8', 'v7', 'v6', 'v5'], arm64: ['v8'] };
  const wantedVariant = platform.variant ?? '';
  let variants: string[];
  const order = compatibility[platform.architecture];
  if (wantedVariant !== '') {
    const i = order ? order.indexOf(wantedVariant) : -1;
    variants = [...(i >= 0 ? order!.slice(i) : [wantedVariant]), ''];
  } else {
    variants = ['', ...(order ?? [])];
  }
  for (const variant of variants) {
    for (const m of list.manifests) {
      const p = m.platform;
      if (!p) continue;
      if ((p.architecture ?? '') === platform.architecture && (p.os ?? '') === platform.os && (p.variant ?? '') === variant && typeof m.digest === 'string') {
        return m.digest;
      }
    }
  }
  if (list.mediaType === OCI_INDEX) {
    const noPlatform = list.manifests.find((m) => !m.platform);
    if (noPlatform && typeof noPlatform.digest === 'string') return noPlatform.digest;
  }
  const what = list.mediaType === OCI_INDEX ? 'image index' : 'manifest list';
  throw new StoreError(
    'ImageNotKnown',
    `no image found in ${what} for architecture ${platform.architecture}, variant ${JSON.stringify(variants[0] ?? '')}, OS ${platform.os}: image not known`,
    { platform },
  );
}
