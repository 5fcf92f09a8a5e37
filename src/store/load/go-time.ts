/*
 * Timestamps as Go's time.Time marshals them (RFC 3339 with nanoseconds, trailing zeros of the
 * fraction trimmed, "Z" for UTC, the original offset otherwise).
 */

/** Go's RFC3339Nano form of `ns` nanoseconds since the epoch, in UTC. */
export function goTimeUtc(ns: bigint): string {
  return goTimeWithOffset(ns, 0);
}

/** Go's RFC3339Nano form in the process's local time zone (Go's time.Local), as os.FileInfo.ModTime gives. */
export function goTimeLocal(ns: bigint): string {
  const offsetMin = -new Date(Number(ns / 1_000_000n)).getTimezoneOffset();
  return goTimeWithOffset(ns, offsetMin);
}

function goTimeWithOffset(ns: bigint, offsetMin: number): string {
  const shifted = ns + BigInt(offsetMin) * 60_000_000_000n;
  let secs = shifted / 1_000_000_000n;
  let frac = shifted % 1_000_000_000n;
  if (frac < 0n) {
    frac += 1_000_000_000n;
    secs -= 1n;
  }
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const fraction = frac === 0n ? '' : '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  let zone = 'Z';
  if (offsetMin !== 0) {
    const a = Math.abs(offsetMin);
    zone = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  }
  return base + fraction + zone;
}

/** time.Now().UTC() as c/storage writes it. */
export function goNow(): string {
  return goTimeUtc(BigInt(Date.now()) * 1_000_000n);
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;

/**
 * A config's "created" value re-marshalled the way c/storage stores the image's creation date,
 * or undefined when Go would not have parsed it or it is the zero time.
 */
export function goTimeFromConfig(s: string): string | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  if (m[1] === '0001' && m[2] === '01' && m[3] === '01' && m[4] === '00' && m[5] === '00' && m[6] === '00' && !/[1-9]/.test(m[7] ?? '')) {
    return undefined;
  }
  const fraction = m[7] ? m[7].slice(0, 10).replace(/0+$/, '').replace(/\.$/, '') : '';
  let zone = m[8]!.toUpperCase();
  if (zone === '+00:00' || zone === '-00:00') zone = 'Z';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}${zone}`;
}
