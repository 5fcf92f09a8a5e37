/*
 * The `reference=PATTERN` image filter (what `podman images PATTERN` applies), as containers/common
 * v0.50.1 libimage filterReferences does it: an image is selected when Go's path.Match of the
 * pattern matches, for any of its names, one of six forms of that name:
 *   the full name, its path, the last path element with tag/digest, and, when the name has a tag
 *   or digest, the name without it, the path with it, and the last element without it.
 * The filter selects whole images: every name of a selected image is listed.
 * A malformed pattern matches nothing (podman ignores path.Match's error).
 */
import { StoreError } from './errors';
import { parseReference, trimNamed } from './reference';
import type { ImageEntry, StoreSnapshot } from './snapshot';

/** The strings podman matches the pattern against for one stored name. */
export function referenceFilterCandidates(name: string): string[] {
  let ref;
  try {
    ref = parseReference(name);
  } catch (e) {
    // podman fails the whole listing on such a name; say which one.
    throw new StoreError('InvalidReference', `An image has a name that is not a valid reference, ${JSON.stringify(name)}: ${(e as Error).message}`, { name });
  }
  const refString = ref.toString();
  const candidates = [refString, ref.path, refString.slice(refString.lastIndexOf('/') + 1)];
  const trimmed = trimNamed(ref).toString();
  if (refString !== trimmed) {
    const tagOrDigest = refString.slice(trimmed.length);
    candidates.push(trimmed, ref.path + tagOrDigest, trimmed.slice(trimmed.lastIndexOf('/') + 1));
  }
  return candidates;
}

/** True when the reference filter `pattern` selects the image. */
export function matchesReferenceFilter(image: ImageEntry, pattern: string): boolean {
  for (const name of image.record.names ?? []) {
    for (const candidate of referenceFilterCandidates(name)) {
      if (pathMatch(pattern, candidate)) return true;
    }
  }
  return false;
}

/**
 * The images (snapshot.images order) that `podman images PATTERN` would consider, before its
 * other filters (intermediate, dangling, …). Several patterns are ORed, as repeated
 * `--filter reference=` values are.
 */
export function filterImagesByReference(snapshot: StoreSnapshot, patterns: string | readonly string[]): ImageEntry[] {
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  return snapshot.images.filter((img) => list.some((p) => matchesReferenceFilter(img, p)));
}

// ---------------------------------------------------------------------------------------------
// Go's path.Match (Go 1.19): `*` any run of non-'/' characters, `?` one non-'/' character,
// `[...]` a class (`^` negates, ranges, `\` escapes), `\x` a literal x. Malformed → false.

class BadPattern extends Error {}

export function pathMatch(pattern: string, name: string): boolean {
  try {
    return match([...pattern], [...name]);
  } catch (e) {
    if (e instanceof BadPattern) return false;
    throw e;
  }
}

function match(patternIn: string[], nameIn: string[]): boolean {
  let pattern = patternIn;
  let name = nameIn;
  pattern: while (pattern.length > 0) {
    const [star, chunk, rest] = scanChunk(pattern);
    pattern = rest;
    if (star && chunk.length === 0) return !name.includes('/');
    const t = matchChunk(chunk, name);
    if (t !== undefined && (t.length === 0 || pattern.length > 0)) {
      name = t;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== '/'; i++) {
        const t2 = matchChunk(chunk, name.slice(i + 1));
        if (t2 !== undefined) {
          if (pattern.length === 0 && t2.length > 0) continue;
          name = t2;
          continue pattern;
        }
      }
    }
    // Before answering false, the rest of the pattern must be well-formed.
    while (pattern.length > 0) {
      const [, c, r] = scanChunk(pattern);
      pattern = r;
      matchChunk(c, []);
    }
    return false;
  }
  return name.length === 0;
}

function scanChunk(patternIn: string[]): [boolean, string[], string[]] {
  let pattern = patternIn;
  let star = false;
  while (pattern.length > 0 && pattern[0] === '*') {
    pattern = pattern.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return [star, pattern.slice(0, i), pattern.slice(i)];
}

/** The rest of `s` after matching `chunk`, or undefined; throws BadPattern for a malformed chunk. */
function matchChunk(chunkIn: string[], sIn: string[]): string[] | undefined {
  let chunk = chunkIn;
  let s = sIn;
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0]!;
    if (c === '[') {
      let r = '';
      if (!failed) {
        r = s[0]!;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === '^') {
        negated = true;
        chunk = chunk.slice(1);
      }
      let matched = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        let lo: string;
        [lo, chunk] = getEsc(chunk);
        let hi = lo;
        if (chunk[0] === '-') [hi, chunk] = getEsc(chunk.slice(1));
        if (!failed && lo.codePointAt(0)! <= r.codePointAt(0)! && r.codePointAt(0)! <= hi.codePointAt(0)!) matched = true;
        nrange++;
      }
      if (matched === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[0] === '/') failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPattern();
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? undefined : s;
}

function getEsc(chunkIn: string[]): [string, string[]] {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') throw new BadPattern();
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPattern();
  }
  const r = chunk[0]!;
  const next = chunk.slice(1);
  if (next.length === 0) throw new BadPattern();
  return [r, next];
}
