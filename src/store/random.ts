/*
 * node:crypto, loaded on first use, and the randomness writers need (lock tokens, temporary file
 * names). node:crypto takes about 10 ms to load, a tenth of a listing's budget, and a listing
 * served from its cache never needs it.
 */
type Crypto = typeof import('node:crypto');

let crypto: Crypto | undefined;

/** node:crypto, loaded the first time it is asked for. */
export function nodeCrypto(): Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (crypto ??= require('node:crypto') as Crypto);
}

export function randomBytes(size: number): Buffer {
  return nodeCrypto().randomBytes(size);
}

/** A random integer in [min, max). */
export function randomInt(min: number, max: number): number {
  return nodeCrypto().randomInt(min, max);
}
