/*
 * Image reference grammar and normalization exactly as podman 4.3.1 applies them: the fork of
 * docker/distribution's `reference` package in containers/image v5.23.1 (regexp.go, reference.go,
 * normalize.go, helpers.go), go-digest's validation, and libimage's NormalizeName.
 *
 * The 4.3.1 grammar differs from today's distribution/reference: the separator is `[-]*` (any run of
 * dashes, or none), domains may hold uppercase letters, there is no IPv6 domain form, and
 * `localhost:5000` alone is the name `localhost` with the tag `5000`.
 *
 * Go's RE2 runs in linear time; the same patterns in a backtracking engine would blow up on long
 * non-matching inputs (`[a-z0-9]+(?:[-]*[a-z0-9]+)*`). So the reference is split by hand at the
 * only places the grammar allows (`@` before a digest, the last `:` not followed by `/` before a
 * tag, the first `/` after a domain) and each piece is checked with an unambiguous pattern. The
 * accepted language and the resulting pieces are the same as Go's.
 */
import { StoreError } from './errors';

export const NAME_TOTAL_LENGTH_MAX = 255;
const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_NAME = 'library';
const DEFAULT_TAG = 'latest';

/** One path component: alphanumerics joined by `.`, `_`, `__` or any run of `-`. */
const NAME_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const PORT = /^[0-9]+$/;
const TAG = /^\w[\w.-]{0,127}$/;
/** The reference grammar's digest (go-digest validates it further). */
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** go-digest's own, looser, shape check used to tell "unsupported" from "malformed". */
const GO_DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const FULL_IDENTIFIER = /^[a-f0-9]{64}$/;
/** Hex length of each digest algorithm podman knows. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * A parsed reference: a repository (optional domain + path), optionally a tag and/or a digest.
 * Mirrors the Go types: Named (no tag, no digest), NamedTagged, Canonical, and tagged+digested.
 */
export class Reference {
  constructor(
    /** Registry part, '' when the string had none (only after `parseReference`). */
    readonly domain: string,
    /** Repository path within the registry, e.g. `library/alpine`. */
    readonly path: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** Go `Name()`: domain + '/' + path, or the path alone when there is no domain. */
  get name(): string {
    return this.domain === '' ? this.path : `${this.domain}/${this.path}`;
  }

  /** Go `String()`: `name`, `name:tag`, `name@digest` or `name:tag@digest`. */
  toString(): string {
    let s = this.name;
    if (this.tag !== undefined) s += `:${this.tag}`;
    if (this.digest !== undefined) s += `@${this.digest}`;
    return s;
  }

  /** Go `IsNameOnly`: neither tagged nor digested. */
  get isNameOnly(): boolean {
    return this.tag === undefined && this.digest === undefined;
  }
}

function invalid(message: string, input: string): StoreError {
  return new StoreError('InvalidReference', message, { input });
}

/** True for a string that splits as a `name` of the grammar; returns the domain/path split. */
function splitName(name: string): { domain: string; path: string } | undefined {
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const first = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (isDomain(first) && isPath(rest)) return { domain: first, path: rest };
  }
  // Without a domain the whole name must be a path; a valid domain with an invalid rest cannot
  // become valid here because the rest is checked the same way.
  return isPath(name) ? { domain: '', path: name } : undefined;
}

function isPath(p: string): boolean {
  return p.split('/').every((c) => NAME_COMPONENT.test(c));
}

function isDomain(d: string): boolean {
  const colon = d.indexOf(':');
  const host = colon >= 0 ? d.slice(0, colon) : d;
  if (colon >= 0 && !PORT.test(d.slice(colon + 1))) return false;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

interface Pieces {
  name: string;
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** Go's `ReferenceRegexp.FindStringSubmatch` on the whole string; undefined when it does not match. */
function matchReference(s: string): Pieces | undefined {
  let rest = s;
  let digest: string | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    if (!DIGEST.test(digest)) return undefined;
    rest = s.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  // A `:` followed by a `/` can only be a domain's port, never a tag separator.
  if (colon >= 0 && !rest.includes('/', colon + 1)) {
    tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) return undefined;
    rest = rest.slice(0, colon);
  }
  const split = splitName(rest);
  if (!split) return undefined;
  return { name: rest, ...split, tag, digest };
}

/** Go's strings.ToLower for the purpose of the "must be lowercase" check (rune-wise, not locale). */
function goToLower(s: string): string {
  // JavaScript lowercases U+0130 to two code points; Go maps it to a plain `i`.
  return s.replace(/\u0130/g, 'i').toLowerCase();
}

/**
 * go-digest `Parse`: the algorithm must be one podman knows, the hex part lowercase and of the
 * algorithm's exact length. Returns the error text or undefined when the digest is valid.
 */
export function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return 'invalid checksum digest format';
  const algorithm = d.slice(0, i);
  const encoded = d.slice(i + 1);
  const want = Object.hasOwn(DIGEST_HEX_LENGTH, algorithm) ? DIGEST_HEX_LENGTH[algorithm] : undefined;
  if (want === undefined) {
    return GO_DIGEST.test(d) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  }
  if (encoded.length !== want) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(encoded) ? undefined : 'invalid checksum digest format';
}

/** True when `d` is a digest go-digest accepts (`sha256:<64 lowercase hex>` and friends). */
export function isValidDigest(d: string): boolean {
  return digestError(d) === undefined;
}

/**
 * `reference.Parse`: the grammar only, no normalization (`alpine` stays `alpine`, no domain).
 * Throws StoreError('InvalidReference') with the Go error text.
 */
export function parseReference(s: string): Reference {
  // Listing parses each stored name several times (tags, digests, rows); references are
  // immutable, so a parsed one is shared. Errors are not cached: they are rare and carry a stack.
  const known = parsedReferences.get(s);
  if (known) return known;
  const ref = parseReferenceUncached(s);
  if (parsedReferences.size >= MAX_PARSED_REFERENCES) parsedReferences.clear();
  parsedReferences.set(s, ref);
  return ref;
}

const MAX_PARSED_REFERENCES = 10_000;
const parsedReferences = new Map<string, Reference>();

function parseReferenceUncached(s: string): Reference {
  const m = matchReference(s);
  if (!m) {
    if (s === '') throw invalid('repository name must have at least one component', s);
    if (matchReference(goToLower(s))) throw invalid('repository name must be lowercase', s);
    throw invalid('invalid reference format', s);
  }
  if (m.name.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`, s);
  }
  if (m.digest !== undefined) {
    const err = digestError(m.digest);
    if (err) throw invalid(err, s);
  }
  return new Reference(m.domain, m.path, m.tag, m.digest);
}

/** True for a full 64-hex image ID (`reference.IsFullIdentifier`). */
export function isFullIdentifier(s: string): boolean {
  return FULL_IDENTIFIER.test(s);
}

/** `splitDockerDomain`: the docker.io default domain and `library/` for official images. */
export function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  if (i === -1 || (!/[.:]/.test(name.slice(0, i)) && name.slice(0, i) !== 'localhost')) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = name.slice(0, i);
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `${OFFICIAL_REPO_NAME}/${remainder}`;
  return { domain, remainder };
}

/**
 * `reference.ParseNormalizedNamed`: fully qualifies the name the Docker way (`alpine` →
 * `docker.io/library/alpine`). Tag and digest are kept; no `:latest` is added.
 */
export function parseNormalizedNamed(s: string): Reference {
  if (FULL_IDENTIFIER.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`, s);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (goToLower(remoteName) !== remoteName) {
    throw invalid('invalid reference format: repository name must be lowercase', s);
  }
  return parseReference(`${domain}/${remainder}`);
}

/** `reference.TagNameOnly`: adds `:latest` when the reference has neither tag nor digest. */
export function tagNameOnly(ref: Reference): Reference {
  return ref.isNameOnly ? new Reference(ref.domain, ref.path, DEFAULT_TAG) : ref;
}

/** `reference.TrimNamed`: the repository alone. */
export function trimNamed(ref: Reference): Reference {
  return new Reference(ref.domain, ref.path);
}

/** `reference.WithTag`: keeps a digest that is already there. */
export function withTag(ref: Reference, tag: string): Reference {
  if (!TAG.test(tag)) throw invalid('invalid tag format', tag);
  return new Reference(ref.domain, ref.path, tag, ref.digest);
}

/** `reference.WithDigest`: keeps a tag that is already there. Checks the grammar only, like Go. */
export function withDigest(ref: Reference, digest: string): Reference {
  if (!DIGEST.test(digest)) throw invalid('invalid digest format', digest);
  return new Reference(ref.domain, ref.path, ref.tag, digest);
}

/** `reference.ParseDockerRef`: normalized, tag dropped when a digest is present, else `:latest` added. */
export function parseDockerRef(s: string): Reference {
  const named = parseNormalizedNamed(s);
  if (named.tag !== undefined && named.digest !== undefined) return new Reference(named.domain, named.path, undefined, named.digest);
  return tagNameOnly(named);
}

/** libimage `normalizeTaggedDigestedNamed`: a tagged and digested reference loses its tag. */
export function dropTagIfDigested(ref: Reference): Reference {
  return ref.tag !== undefined && ref.digest !== undefined ? new Reference(ref.domain, ref.path, undefined, ref.digest) : ref;
}

/** True when a registry part counts as one for podman: it holds `.` or `:`, or is `localhost`. */
export function isRegistryDomain(domain: string): boolean {
  return /[.:]/.test(domain) || domain === 'localhost';
}

/**
 * libimage `NormalizeName`: the name `podman tag`, `podman load` and save's extra tags store.
 * A name without a registry goes under `localhost/`, docker.io names get `library/`, a tag and
 * digest together keep only the digest, and a bare name gets `:latest`.
 */
export function normalizeName(name: string): Reference {
  let ref: Reference;
  try {
    ref = parseReference(name);
  } catch (e) {
    throw invalid(`normalizing name ${goQuote(name)}: ${(e as Error).message}`, name);
  }
  let qualified = name;
  if (!isRegistryDomain(ref.domain)) qualified = `localhost/${ref.toString().replace(/^\/+/, '')}`;
  const named = parseNormalizedNamed(qualified);
  if (named.tag !== undefined) return dropTagIfDigested(named);
  if (named.digest !== undefined) return named;
  return tagNameOnly(named);
}

/**
 * shortnames `IsShortName`: the input parses and its registry part is not a registry
 * (`alpine`, `library/alpine`, `foo/bar:1`); `quay.io/x`, `localhost/x`, `host:5000/x` are not short.
 */
export function isShortName(input: string): boolean {
  let ref: Reference;
  try {
    ref = parseReference(input);
  } catch {
    return false;
  }
  return !isRegistryDomain(ref.domain);
}

/** The Docker "familiar" form: `docker.io/` and then `library/` stripped (`FamiliarName`'s reference). */
export function familiar(ref: Reference): Reference {
  if (ref.domain !== DEFAULT_DOMAIN) return ref;
  const parts = ref.path.split('/');
  const path = parts.length === 2 && parts[0] === OFFICIAL_REPO_NAME ? parts[1]! : ref.path;
  return new Reference('', path, ref.tag, ref.digest);
}

/** `reference.FamiliarName`. */
export function familiarName(ref: Reference): string {
  return familiar(ref).name;
}

/** `reference.FamiliarString`. */
export function familiarString(ref: Reference): string {
  return familiar(ref).toString();
}

/**
 * Go's `%q` (strconv.Quote) for error messages: double quotes, Go escapes, printable Unicode kept.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u.test(ch)) out += ch;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
