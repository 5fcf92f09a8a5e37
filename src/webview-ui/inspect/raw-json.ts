/*
 * The raw JSON view: the text `podman image inspect` prints for the image, and its tokens for
 * colouring. Pure; the view turns tokens into spans with textContent.
 */

/** podman prints inspect as an array indented with five spaces and no HTML escaping (§9, §13.16). */
const PODMAN_INDENT = 5;

/**
 * The inspect object as podman prints it. JSON.stringify matches Go's encoder here except that Go
 * always escapes U+2028/U+2029, so those are escaped too; then `diff` against podman's output is empty.
 */
export function podmanInspectText(inspect: unknown): string {
  return JSON.stringify([inspect], null, PODMAN_INDENT).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offset of the token in the whole text. */
  readonly offset: number;
}

const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /\s+/y;

/**
 * Splits JSON text into tokens. A string directly followed by `:` is a key. Input is produced by
 * JSON.stringify, but anything unexpected becomes a one-character punct token rather than an error.
 */
export function tokenizeJson(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const take = (re: RegExp): string | null => {
    re.lastIndex = i;
    const m = re.exec(text);
    return m ? m[0] : null;
  };
  while (i < text.length) {
    const ch = text[i] as string;
    let kind: TokenKind;
    let t: string | null;
    if (ch === '"' && (t = take(STRING))) {
      let j = i + t.length;
      while (j < text.length && (text[j] === ' ' || text[j] === '\n')) j++;
      kind = text[j] === ':' ? 'key' : 'string';
    } else if ((t = take(SPACE))) kind = 'space';
    else if ((t = take(NUMBER))) kind = 'number';
    else if ((t = take(LITERAL))) kind = 'literal';
    else {
      t = ch;
      kind = 'punct';
    }
    out.push({ kind, text: t, offset: i });
    i += t.length;
  }
  return out;
}
