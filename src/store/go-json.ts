/*
 * Go's encoding/json, reproduced byte for byte: the one encoder behind every JSON Strata writes
 * or prints the way podman does — c/storage's records (compact, HTML-escaped, no newline), archive
 * metadata (sorted maps, raw messages compacted), and CLI output (MarshalIndent / json.Encoder
 * with or without HTML escaping). Plain objects are Go structs: their key order is the field
 * order and undefined members are omitted (omitempty is the caller's decision); GoMap is a Go map
 * (keys sorted by UTF-8 bytes); RawJson is a json.RawMessage (compacted, never re-parsed).
 */

/** A value written as is after compaction, like Go's json.RawMessage. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A Go map: keys are written sorted by their UTF-8 bytes. */
export class GoMap {
  constructor(readonly entries: Record<string, GoJsonValue>) {}
}

export type GoJsonValue =
  | null
  | undefined
  | boolean
  | number
  | string
  | RawJson
  | GoMap
  | readonly GoJsonValue[]
  | { readonly [key: string]: GoJsonValue };

export interface GoJsonOptions {
  /** Per-level indent as MarshalIndent/SetIndent take it; compact when absent. */
  indent?: string;
  /** json.Marshal escapes <, > and & (the default); json.Encoder with SetEscapeHTML(false) does not. */
  escapeHTML?: boolean;
}

/** Byte-wise (UTF-8) string order, which is Go's string order. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 code units sort like UTF-8 bytes below the surrogates; past them, ask the bytes.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i), 'utf8'), Buffer.from(b.slice(i), 'utf8'));
  }
  return a.length - b.length;
}

/**
 * A Go map[string]T as a plain object whose keys are in Go's sorted order, for values that must
 * also travel as ordinary JSON (DTOs). Keys that look like array indexes are the exception:
 * JavaScript puts them first; goMarshal of a GoMap has no such limit.
 */
export function goMap<T>(m: Record<string, T> | undefined | null): { [key: string]: T } | null {
  if (!m) return null;
  const keys = Object.keys(m);
  const out: { [key: string]: T } = {};
  // Most maps are small and already in order: sort only when they are not.
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = compareBytes(keys[i - 1]!, keys[i]!) < 0;
  for (const k of sorted ? keys : keys.sort(compareBytes)) out[k] = m[k]!;
  return out;
}

const HEX = '0123456789abcdef';

/** Go's encodeState.string (Go 1.19: no short forms for \b and \f). */
export function goQuote(s: string, escapeHTML = true): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) rep = '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8, which Go writes as the escape \ufffd.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`Go JSON cannot encode ${n}`);
  // Go switches to exponent notation at the same thresholds as JavaScript (1e21, 1e-6) and
  // writes the exponent without leading zeros, so String() matches for every float64.
  return String(n);
}

/** Serialises like Go's json.Marshal / MarshalIndent / Encoder (without the Encoder's newline). */
export function goMarshal(value: GoJsonValue | unknown, opts: GoJsonOptions = {}): string {
  const indent = opts.indent ?? '';
  const escapeHTML = opts.escapeHTML ?? true;
  // Listing a large store prints hundreds of kilobytes: V8's JSON.stringify writes the same text
  // as Go's encoder for plain values once its few differences are patched, several times faster.
  if (indent.length <= 10 && isPlainJson(value, 0)) return fromStringify(JSON.stringify(value ?? null, undefined, indent), escapeHTML);
  return goMarshalByHand(value, opts);
}

const MAX_PLAIN_DEPTH = 200;

/** True when JSON.stringify can write `v`: no GoMap, RawJson, non-finite number or other kind. */
function isPlainJson(v: unknown, depth: number): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > MAX_PLAIN_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!isPlainJson(x, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) {
    if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

// An escape sequence (matched whole, so an escaped backslash never starts a false match) or a
// character Go escapes and JSON.stringify does not.
const STRINGIFY_DIFFERENCES = /\\(u[0-9a-f]{4}|.)|[<>&\u2028\u2029]/g;
const MAY_DIFFER = /[<>&\u2028\u2029]|\\[bfu]/;

/**
 * JSON.stringify output turned into Go's: \b and \f as \u0008 and \u000c (Go 1.19 has no short
 * forms), a lone surrogate (written \udXXX) as \ufffd, U+2028/U+2029 escaped, and with
 * escapeHTML <, > and & as \u003c, \u003e, \u0026. They occur only inside strings.
 */
function fromStringify(text: string, escapeHTML: boolean): string {
  if (!MAY_DIFFER.test(text)) return text;
  return text.replace(STRINGIFY_DIFFERENCES, (m: string, esc: string | undefined) => {
    if (esc === undefined) {
      if (m === '\u2028') return '\\u2028';
      if (m === '\u2029') return '\\u2029';
      if (!escapeHTML) return m;
      return m === '<' ? '\\u003c' : m === '>' ? '\\u003e' : '\\u0026';
    }
    if (esc === 'b') return '\\u0008';
    if (esc === 'f') return '\\u000c';
    if (esc.length === 5 && esc[1] === 'd' && esc[2]! >= '8') return '\\ufffd';
    return m;
  });
}

/** The encoder written out in full: handles GoMap and RawJson, and is the reference in tests. */
export function goMarshalByHand(value: GoJsonValue | unknown, opts: GoJsonOptions = {}): string {
  const indent = opts.indent ?? '';
  const escapeHTML = opts.escapeHTML ?? true;
  const write = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return goQuote(v, escapeHTML);
      case 'number':
        return goNumber(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        break;
      default:
        throw new TypeError(`Go JSON cannot encode a ${typeof v}`);
    }
    if (v instanceof RawJson) return goCompact(v.text, escapeHTML);
    const pad = indent ? '\n' + indent.repeat(depth + 1) : '';
    const end = indent ? '\n' + indent.repeat(depth) : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return '[' + v.map((x) => pad + write(x, depth + 1)).join(',') + end + ']';
    }
    const entries: Array<[string, unknown]> =
      v instanceof GoMap
        ? Object.keys(v.entries)
            .sort(compareBytes)
            .map((k) => [k, v.entries[k]])
        : Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const sep = indent ? ': ' : ':';
    return '{' + entries.map(([k, x]) => pad + goQuote(k, escapeHTML) + sep + write(x, depth + 1)).join(',') + end + '}';
  };
  return write(value, 0);
}

/**
 * Go's json.Compact with HTML escaping (what Marshal does to a RawMessage): drops insignificant
 * whitespace, escapes <, >, & and U+2028/U+2029 inside strings, keeps everything else byte for byte.
 */
export function goCompact(raw: string, escapeHTML = true): string {
  let out = '';
  let inString = false;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++; // the escaped character is copied as is
      } else if (c === 0x22) {
        inString = false;
      } else if ((escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) || c === 0x2028 || c === 0x2029) {
        out += raw.slice(start, i) + '\\u' + c.toString(16).padStart(4, '0');
        start = i + 1;
      }
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      out += raw.slice(start, i);
      start = i + 1;
    }
  }
  return out + raw.slice(start);
}

/**
 * The raw text of each top-level member of a JSON object, like unmarshalling into
 * map[string]*json.RawMessage (later duplicates win). Throws on text that is not an object.
 */
export function rawMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let i = skipWs(text, 0);
  if (text[i] !== '{') throw new SyntaxError('expected a JSON object');
  i = skipWs(text, i + 1);
  if (text[i] === '}') return members;
  for (;;) {
    const keyEnd = scanValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as unknown;
    if (typeof key !== 'string') throw new SyntaxError('expected a string key');
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') throw new SyntaxError('expected ":"');
    i = skipWs(text, i + 1);
    const end = scanValue(text, i);
    members.set(key, text.slice(i, end));
    i = skipWs(text, end);
    if (text[i] === ',') {
      i = skipWs(text, i + 1);
      continue;
    }
    if (text[i] === '}') break;
    throw new SyntaxError('expected "," or "}"');
  }
  if (skipWs(text, i + 1) !== text.length) throw new SyntaxError('unexpected data after the JSON object');
  return members;
}

function skipWs(t: string, i: number): number {
  while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++;
  return i;
}

/** Returns the index just past the JSON value starting at i (validated with JSON.parse). */
function scanValue(t: string, i: number): number {
  const start = i;
  const c = t[i];
  if (c === '"') {
    i++;
    while (i < t.length && t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
    if (i >= t.length) throw new SyntaxError('unterminated string');
    i++;
  } else if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < t.length; i++) {
      const ch = t[i];
      if (ch === '"') {
        i++;
        while (i < t.length && t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    if (depth !== 0) throw new SyntaxError('unterminated JSON value');
  } else {
    while (i < t.length && !/[\s,}\]]/.test(t[i]!)) i++;
  }
  JSON.parse(t.slice(start, i)); // validates the value (throws SyntaxError)
  return i;
}

