/*
 * The human-readable sizes and ages podman prints (archives-and-references.md §12), as pure
 * functions so the webview, the tree and the CLI all show the same figures podman shows.
 */

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'] as const;

/** Go's `%.{p}g` for a finite non-negative number: exponent form when exp < -4 or exp >= p, trailing zeros trimmed. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  const [mantissa = '0', expText = '0'] = value.toExponential(precision - 1).split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('.', '').replace('-', '');
  const sign = value < 0 ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const m = trimZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  let fixed: string;
  if (exp < 0) fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (exp + 1 >= digits.length) fixed = digits + '0'.repeat(exp + 1 - digits.length);
  else fixed = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return sign + trimZeros(fixed);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * go-units `HumanSizeWithPrecision(size, 3)` with the space podman's images/history insert after the
 * last digit: 2048 → "2.05 kB", 0 → "0 B".
 */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < SIZE_UNITS.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${formatG(size, 3)} ${SIZE_UNITS[unit]}`;
}

/** go-units `HumanDuration`: "Less than a second", "About a minute", "3 days", … */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (!(seconds >= 1)) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** Go's zero time, which podman writes when an image has no creation date. */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * "2 days ago" for an RFC 3339 timestamp, or null when it is missing, unparsable or Go's zero time
 * (podman would print "292 years ago" there, which tells the user nothing).
 */
export function humanAge(timestamp: string | null | undefined, now: number): string | null {
  if (!timestamp) return null;
  const t = Date.parse(timestamp);
  if (Number.isNaN(t) || t <= GO_ZERO_TIME_MS) return null;
  return `${humanDuration(now - t)} ago`;
}
