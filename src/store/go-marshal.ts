/*
 * JSON bytes exactly as Go's encoding/json writes them, for the archive metadata podman produces
 * (manifest.json, repositories, legacy layer json, index.json, manifests, converted configs):
 * compact, struct fields in declaration order (the caller builds objects in that order), map keys
 * sorted by byte order, HTML-escaped strings, and raw JSON values (json.RawMessage) compacted and
 * HTML-escaped without being re-parsed, so numbers and nested key order stay verbatim.
 */

/** A value that is written as is (after compaction), like Go's json.RawMessage. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A Go map: keys are written sorted by their UTF-8 bytes. Plain objects keep insertion order (structs). */
export class GoMap {
  constructor(readonly entries: Record<string, GoJsonValue>) {}
}

export type GoJsonValue = null | boolean | number | string | RawJson | GoMap | GoJsonValue[] | { [key: string]: GoJsonValue | undefined };

const HEX = '0123456789abcdef';

/** Go's encodeState.string with escapeHTML = true (Go 1.19: no short forms for \b and \f). */
export function goQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      if (c === 0x22) rep = '\\"';
      else if (c === 0x5c) rep = '\\\\';
      else if (c === 0x0a) rep = '\\n';
      else if (c === 0x0d) rep = '\\r';
      else if (c === 0x09) rep = '\\t';
      else rep = '\\u00' + HEX[c >> 4]! + HEX[c & 0xf]!;
    } else if (c === 0x2028 || c === 0x2029) {
      rep = c === 0x2028 ? '\\u2028' : '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Lone surrogates are invalid UTF-8 for Go, which writes U+FFFD instead.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * Go's json.Compact with HTML escaping (what Marshal does to a RawMessage): drops insignificant
 * whitespace, escapes <, >, & and U+2028/U+2029 inside strings, keeps everything else byte for byte.
 */
export function goCompact(raw: string): string {
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
      } else if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
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

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Serialises like Go's json.Marshal. `undefined` object members are omitted (omitempty is the caller's job). */
export function goMarshal(v: GoJsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`cannot encode ${v} as JSON`);
    if (!Number.isInteger(v)) throw new TypeError('only integers are produced by the archive writers');
    return String(v);
  }
  if (typeof v === 'string') return goQuote(v);
  if (v instanceof RawJson) return goCompact(v.text);
  if (Array.isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  if (v instanceof GoMap) {
    const keys = Object.keys(v.entries).sort(compareUtf8);
    return '{' + keys.map((k) => goQuote(k) + ':' + goMarshal(v.entries[k]!)).join(',') + '}';
  }
  const parts: string[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (val === undefined) continue;
    parts.push(goQuote(k) + ':' + goMarshal(val));
  }
  return '{' + parts.join(',') + '}';
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

/**
 * Re-formats a JSON time string the way Go's time.Time round-trips it (RFC 3339 in, RFC3339Nano
 * out): fraction trimmed of trailing zeros (the dot dropped when nothing is left), "+00:00" → "Z".
 * Returns undefined for text Go would reject.
 */
export function goTimeRoundTrip(s: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  let frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  if (frac) frac = '.' + frac;
  const zone = m[4]!.toUpperCase() === 'Z' || m[4] === '+00:00' || m[4] === '-00:00' ? 'Z' : m[4]!;
  return `${m[1]}T${m[2]}${frac}${zone}`;
}
