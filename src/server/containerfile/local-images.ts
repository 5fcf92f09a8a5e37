/*
 * What the Containerfile features need to know about local images, independent of how the
 * server finds them (tests pass a fixed list; the server looks them up in its stores).
 */

export interface LocalImageInfo {
  id: string;
  names: string[];
  size: number;
  /** RFC 3339 creation time from the store, when known. */
  created?: string;
  /** Which store holds it, for the hover ("rootless store at …"). */
  storeLabel: string;
}

export interface LocalImageIndex {
  /** Every name of every local image, for FROM completion. */
  names(): string[];
  /** The local image a reference resolves to (podman's lookup rules), undefined when none. */
  find(reference: string): LocalImageInfo | undefined;
}

export const NO_LOCAL_IMAGES: LocalImageIndex = { names: () => [], find: () => undefined };
