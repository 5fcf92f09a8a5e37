/*
 * Go's formatting, reproduced exactly where podman's output depends on it: time.Time's RFC 3339
 * forms and go-units' HumanSizeWithPrecision and HumanDuration (JSON itself is go-json.ts).
 * Pure functions; no I/O.
 */

// ---- time ----

/** A parsed RFC 3339 time that keeps what Go keeps: the instant, nanoseconds and the UTC offset. */
export interface GoTime {
  /** Seconds since the Unix epoch (may be negative). */
  unix: number;
  nanos: number;
  /** Offset from UTC in seconds; null means UTC ("Z"). */
  offsetSeconds: number | null;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses a timestamp as Go's time.Time UnmarshalJSON does; undefined when it is not RFC 3339. */
export function parseGoTime(s: string): GoTime | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  const utcMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  let offset: number | null = null;
  if (!z) {
    const off = (Number(oh) * 3600 + Number(om) * 60) * (sign === '-' ? -1 : 1);
    // Go places a zero offset in the local zone; on the UTC machines podman runs on that prints "Z".
    offset = off === 0 ? null : off;
  }
  let unix = Math.floor(utcMs / 1000) - (offset ?? 0);
  if (Number(y) < 100) {
    // Date.UTC maps years 0–99 to 1900+; redo those by hand.
    const dt = new Date(0);
    dt.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
    dt.setUTCHours(Number(h), Number(mi), Number(sec), 0);
    unix = Math.floor(dt.getTime() / 1000) - (offset ?? 0);
  }
  const nanos = frac ? Number((frac + '000000000').slice(0, 9)) : 0;
  return { unix, nanos, offsetSeconds: offset };
}

/** Go's zero time.Time (0001-01-01T00:00:00Z). */
export const GO_ZERO_TIME: GoTime = { unix: -62135596800, nanos: 0, offsetSeconds: null };

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function wallClock(t: GoTime): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const local = new Date((t.unix + (t.offsetSeconds ?? 0)) * 1000);
  return {
    y: local.getUTCFullYear(),
    mo: local.getUTCMonth() + 1,
    d: local.getUTCDate(),
    h: local.getUTCHours(),
    mi: local.getUTCMinutes(),
    s: local.getUTCSeconds(),
  };
}

function zone(t: GoTime): string {
  if (t.offsetSeconds === null) return 'Z';
  const o = Math.abs(t.offsetSeconds);
  return (t.offsetSeconds < 0 ? '-' : '+') + pad(Math.floor(o / 3600), 2) + ':' + pad(Math.floor((o % 3600) / 60), 2);
}

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: where toISOString writes four-digit years. */
const MIN_ISO_UNIX = -62167219200;
const MAX_ISO_UNIX = 253402300799;

/** time.RFC3339Nano: fraction with trailing zeros trimmed (dot dropped when nothing is left). */
export function formatRFC3339Nano(t: GoTime): string {
  // A non-zero nanos never trims to nothing, so the dot comes only with digits.
  const frac = t.nanos ? '.' + pad(t.nanos, 9).replace(/0+$/, '') : '';
  if (t.offsetSeconds === null && t.unix >= MIN_ISO_UNIX && t.unix <= MAX_ISO_UNIX) {
    // Years 0000–9999 in UTC: the engine's own ISO form has the same date and clock, and is
    // several times faster than assembling it (a listing formats a time per row).
    return new Date(t.unix * 1000).toISOString().slice(0, 19) + frac + 'Z';
  }
  const w = wallClock(t);
  return `${pad(w.y, 4)}-${pad(w.mo, 2)}-${pad(w.d, 2)}T${pad(w.h, 2)}:${pad(w.mi, 2)}:${pad(w.s, 2)}${frac}${zone(t)}`;
}

/** A JSON time string as Go's time.Time round-trips it; undefined for text Go would reject. */
export function goTimeRoundTrip(s: string): string | undefined {
  const t = parseGoTime(s);
  return t ? formatRFC3339Nano(t) : undefined;
}

/** time.RFC3339: whole seconds. */
export function formatRFC3339(t: GoTime): string {
  return formatRFC3339Nano({ ...t, nanos: 0 });
}

/** time.Time.String() of a UTC time: "2006-01-02 15:04:05 +0000 UTC". */
export function formatGoUTCString(unix: number): string {
  const w = wallClock({ unix, nanos: 0, offsetSeconds: null });
  return `${pad(w.y, 4)}-${pad(w.mo, 2)}-${pad(w.d, 2)} ${pad(w.h, 2)}:${pad(w.mi, 2)}:${pad(w.s, 2)} +0000 UTC`;
}

// ---- go-units ----

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/**
 * Go's %.{p}g of a float64: shortest of %e/%f by the exponent rule, trailing zeros removed,
 * rounding half to even on the exact binary value (as strconv does).
 */
export function formatGoG(v: number, p: number): string {
  if (v === 0) return '0';
  const neg = v < 0;
  const abs = Math.abs(v);
  // Exact decimal expansion of the double, then round to p significant digits, half to even.
  const exact = exactDecimal(abs);
  let digits = exact.digits;
  let exp10 = exact.exp10; // value = 0.d1d2d3… × 10^exp10
  if (digits.length > p) {
    const keep = digits.slice(0, p);
    const rest = digits.slice(p);
    const first = rest.charCodeAt(0) - 48;
    const tail = /[1-9]/.test(rest.slice(1));
    let up = first > 5 || (first === 5 && (tail || (keep.charCodeAt(p - 1) - 48) % 2 === 1));
    let arr = keep.split('').map(Number);
    if (up) {
      let i = p - 1;
      while (i >= 0) {
        arr[i]!++;
        if (arr[i]! < 10) break;
        arr[i] = 0;
        i--;
      }
      if (i < 0) {
        arr = [1, ...arr.slice(0, p - 1)];
        exp10++;
      }
    }
    digits = arr.join('');
    up = false;
  }
  digits = digits.replace(/0+$/, '') || '0';
  const x = exp10 - 1; // exponent in d.ddd × 10^x form
  let out: string;
  if (x < -4 || x >= p) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    out = mant + 'e' + (x < 0 ? '-' : '+') + pad(Math.abs(x), 2);
  } else if (x >= 0) {
    const intPart = digits.slice(0, x + 1).padEnd(x + 1, '0');
    const fracPart = digits.slice(x + 1);
    out = fracPart ? intPart + '.' + fracPart : intPart;
  } else {
    out = '0.' + '0'.repeat(-x - 1) + digits;
  }
  return neg ? '-' + out : out;
}

/** Digits (no leading zeros) and exponent such that value = 0.digits × 10^exp10, exactly. */
function exactDecimal(v: number): { digits: string; exp10: number } {
  // toFixed is exact for up to 100 fraction digits; sizes here have far fewer significant bits.
  let s = v >= 1e21 ? BigInt(v).toString() : v.toFixed(100);
  let intPart = s;
  let frac = '';
  const dot = s.indexOf('.');
  if (dot >= 0) {
    intPart = s.slice(0, dot);
    frac = s.slice(dot + 1);
  }
  intPart = intPart.replace(/^0+/, '');
  if (intPart) {
    s = (intPart + frac).replace(/0+$/, '');
    return { digits: s, exp10: intPart.length };
  }
  const lead = frac.match(/^0*/)![0].length;
  return { digits: frac.slice(lead).replace(/0+$/, ''), exp10: -lead };
}

/** go-units HumanSizeWithPrecision: decimal units, %.{p}g, no space ("17.53kB"). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size = size / 1000;
    i++;
  }
  return formatGoG(size, precision) + DECIMAL_UNITS[i]!;
}

/** podman's table size: precision 3 with a space after the last digit ("17.5 kB"). */
export function podmanTableSize(size: number): string {
  const s = humanSizeWithPrecision(size, 3);
  let j = -1;
  for (let k = s.length - 1; k >= 0; k--) {
    if (s[k]! >= '0' && s[k]! <= '9') {
      j = k;
      break;
    }
  }
  return s.slice(0, j + 1) + ' ' + s.slice(j + 1);
}

/** go-units HumanDuration of a duration in nanoseconds (as a number of seconds here). */
export function humanDuration(seconds: number): string {
  if (seconds < 1) return 'Less than a second';
  const s = Math.floor(seconds);
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hoursF = seconds / 3600;
  const hours = Math.floor(hoursF + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(Math.floor(hoursF) / 24 / 365)} years`;
}

/** Go's time.Since saturates at about 292 years; zero times print as that. */
export const MAX_GO_DURATION_SECONDS = 9223372036.854775807;
