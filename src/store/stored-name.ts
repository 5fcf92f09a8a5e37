/*
 * Splitting the names c/storage records (already normalized references such as
 * "localhost/app:v1" or "quay.io/ns/app@sha256:…") into repository, tag and digest.
 */

export interface StoredName {
  /** Repository with domain, e.g. "quay.io/example/app". */
  repository: string;
  tag?: string;
  digest?: string;
}

export function splitStoredName(name: string): StoredName {
  let rest = name;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag, digest };
}
