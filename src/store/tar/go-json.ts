/*
 * Go encoding/json string encoding (HTML-escaping, as json.Marshal and json.Encoder do by
 * default), for files other Go programs read and where we want podman's exact bytes.
 */

const HEX = '0123456789abcdef';

/** A JSON string literal exactly as Go's encoder writes `s`. */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      if (c === 0x0a) esc = '\\n';
      else if (c === 0x0d) esc = '\\r';
      else if (c === 0x09) esc = '\\t';
      else esc = '\\u' + (c >= 0x2000 ? c.toString(16) : '00' + HEX[c >> 4]! + HEX[c & 0xf]!);
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate cannot come from valid UTF-8; Go would write U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}
