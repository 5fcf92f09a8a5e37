/*
 * JSON exactly as containers/storage writes it: Go's encoding/json (through jsoniter's
 * standard-library-compatible config), compact, no trailing newline, "<", ">" and "&" escaped as
 * \u003c/\u003e/\u0026, U+2028/U+2029 escaped, control characters other than \n \r \t as \u00XX.
 * Object keys are written in the order the value holds them: records read from disk keep the
 * order c/storage wrote (struct declaration order, sorted map keys), and writers insert new keys
 * where Go would put them (see record-fields.ts). So a file podman wrote re-encodes byte for byte.
 */
import { StoreError } from './errors';

const HEX = '0123456789abcdef';

function escapeChar(c: number): string {
  return '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
}

/** A Go-encoded JSON string literal. */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : escapeChar(c);
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x3c || c === 0x3e || c === 0x26) rep = escapeChar(c);
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is not valid UTF-8; Go writes the replacement character instead.
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
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
  if (!Number.isFinite(n)) throw new StoreError('InvalidArgument', `Cannot encode ${n} as JSON`);
  // Go switches to exponent notation at the same thresholds as JavaScript (1e21, 1e-6) and
  // writes the exponent without leading zeros, so String() matches for every float64.
  return String(n);
}

/** Encodes `value` like Go's json.Marshal of the structure it was decoded from. */
export function encodeGoJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goJsonString(value);
    case 'number':
      return goNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(encodeGoJson).join(',') + ']';
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        parts.push(goJsonString(k) + ':' + encodeGoJson(v));
      }
      return '{' + parts.join(',') + '}';
    }
    default:
      throw new StoreError('InvalidArgument', `Cannot encode a ${typeof value} as JSON`);
  }
}
