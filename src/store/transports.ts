/*
 * `transport:reference` input to a local lookup. podman 4.3.1 (alltransports.ParseImageName) looks
 * up only `containers-storage:` references; another transport is refused when its parser accepts
 * the rest, and otherwise the whole input is treated as a plain name. The storage transport's own
 * reference grammar (ParseStoreReference) and image resolution (GetStoreImage) are here too.
 */
import { StoreError } from './errors';
import { cachedDigests, storeImage, type LookupIndex } from './image-index';
import { familiarName, isValidDigest, parseNormalizedNamed, tagNameOnly, type Reference } from './reference';
import type { ImageEntry } from './snapshot';

/** Transports c/image knows in podman 4.3.1 (alltransports; ostree is a stub that never parses). */
export const KNOWN_TRANSPORTS = new Set([
  'containers-storage', 'dir', 'docker', 'docker-archive', 'docker-daemon', 'oci', 'oci-archive', 'atomic', 'sif', 'tarball', 'ostree',
]);

/**
 * Whether c/image's ParseReference for `transport` accepts `rest` (then podman refuses the
 * transport; otherwise it looks the whole input up as a name). Path transports accept a path
 * that exists or whose parent directory exists (explicitfilepath).
 */
export function transportParses(transport: string, rest: string, pathExists: (p: string) => boolean): boolean {
  const resolvable = (p: string): boolean => {
    if (pathExists(p === '' ? '.' : p)) return true;
    const slash = p.lastIndexOf('/');
    const file = p.slice(slash + 1);
    const parent = p.slice(0, slash + 1);
    return file !== '.' && file !== '..' && pathExists(parent === '' ? '.' : parent);
  };
  const parses = (f: () => unknown): boolean => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  };
  switch (transport) {
    case 'docker':
      return rest.startsWith('//') && parses(() => parseNormalizedNamed(rest.slice(2)));
    case 'docker-archive': {
      if (rest === '') return false;
      const c = rest.indexOf(':');
      if (c < 0) return true;
      const sub = rest.slice(c + 1);
      if (sub.startsWith('@')) return /^@\+?[0-9]+$/.test(sub);
      return parses(() => {
        if (tagNameOnly(parseNormalizedNamed(sub)).tag === undefined) throw new Error('no tag');
      });
    }
    case 'docker-daemon': {
      if (isValidDigest(rest)) return rest.startsWith('sha256:');
      return parses(() => {
        const ref = parseNormalizedNamed(rest);
        if (familiarName(ref) === 'sha256' || ref.isNameOnly || (ref.tag !== undefined && ref.digest !== undefined)) throw new Error('refused');
      });
    }
    case 'dir':
    case 'sif':
      return resolvable(rest);
    case 'oci':
    case 'oci-archive': {
      const c = rest.indexOf(':');
      const dir = c < 0 ? rest : rest.slice(0, c);
      const image = c < 0 ? '' : rest.slice(c + 1);
      return resolvable(dir) && (image === '' || /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(image));
    }
    case 'tarball':
      return rest.split(':').every((p) => p === '' || pathExists(p));
    default:
      // atomic: (OpenShift) and the ostree stub: not modelled / never parse.
      return false;
  }
}

const MINIMUM_TRUNCATED_ID_LENGTH = 3;

/**
 * The storage transport's ParseStoreReference: an optional `@ID` (full or a unique prefix of 3+),
 * a bare ID prefix of 3+, otherwise a Docker-normalized name with `:latest` added. Undefined
 * when it does not parse: podman then treats the whole input as a plain name.
 */
export function parseStorageReference(idx: LookupIndex, refIn: string, input: string): { named?: Reference; id: string } | undefined {
  let ref = refIn;
  if (ref.startsWith('[')) {
    // podman would open the store named in brackets; a Strata snapshot is one store.
    throw new StoreError('InvalidReference', `${input}: a store specifier in a containers-storage: reference is not supported; open that store instead`, { input });
  }
  if (ref === '') return undefined;
  let id = '';
  const split = ref.lastIndexOf('@');
  if (split !== -1) {
    const possibleId = ref.slice(split + 1);
    if (possibleId === '') return undefined;
    if (!isValidDigest(possibleId)) {
      if (isValidDigest(`sha256:${possibleId}`)) {
        id = possibleId;
      } else {
        const img = storeImage(idx, possibleId);
        if (img && possibleId.length >= MINIMUM_TRUNCATED_ID_LENGTH && img.record.id.startsWith(possibleId)) id = img.record.id;
        else return undefined;
      }
      ref = ref.slice(0, split);
    }
  }
  if (id === '' && ref.length >= MINIMUM_TRUNCATED_ID_LENGTH && !/[@:]/.test(ref)) {
    const img = storeImage(idx, ref);
    if (img && img.record.id.startsWith(ref)) {
      id = img.record.id;
      ref = '';
    }
  }
  let named: Reference | undefined;
  if (ref !== '') {
    try {
      named = tagNameOnly(parseNormalizedNamed(ref));
    } catch {
      return undefined;
    }
  }
  if (!named && id === '') return undefined;
  return { named, id };
}

/** The storage transport's GetStoreImage: the name as a stored name, then resolveImage. */
export function storageImage(idx: LookupIndex, parsed: { named?: Reference; id: string }, input: string): ImageEntry {
  const { named, id } = parsed;
  if (named) {
    const byName = storeImage(idx, named.toString());
    if (byName) return byName;
  }
  let loaded: ImageEntry | undefined;
  if (id === '' && named?.digest !== undefined) {
    for (const entry of idx.all) {
      if (cachedDigests(idx, entry).includes(named.digest) && imageMatchesRepo(entry, named)) {
        loaded = entry;
        break;
      }
    }
  }
  if (!loaded && id !== '') loaded = storeImage(idx, id);
  if (!loaded || (named && !imageMatchesRepo(loaded, named))) {
    // podman's own message here is a bare "image not known".
    throw new StoreError('ImageNotKnown', `${input}: image not known`, { input, transport: 'containers-storage' });
  }
  return loaded;
}

function imageMatchesRepo(entry: ImageEntry, ref: Reference): boolean {
  return (entry.record.names ?? []).some((n) => {
    try {
      return parseNormalizedNamed(n).name === ref.name;
    } catch {
      return false;
    }
  });
}
