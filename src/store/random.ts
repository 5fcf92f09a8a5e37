/*
 * Randomness for writers (lock tokens, temporary file names). node:crypto takes about 10 ms to
 * load, a tenth of a listing's budget, and only writers need it: it is loaded on first use.
 */
type Crypto = typeof import('node:crypto');

let crypto: Crypto | undefined;

function load(): Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (crypto ??= require('node:crypto') as Crypto);
}

export function randomBytes(size: number): Buffer {
  return load().randomBytes(size);
}

/** A random integer in [min, max). */
export function randomInt(min: number, max: number): number {
  return load().randomInt(min, max);
}
