/*
 * Case-insensitive substring ranges and the splitting of text into highlighted segments. Pure (no
 * DOM), shared by the tree search and the raw JSON search.
 */

/** Half-open [start, end) offsets in UTF-16 code units of the original text. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * Lower-cases `text` one code point at a time and records, for each code unit of the result, the
 * offset in `text` it came from. Lower-casing can change length ('İ' → 'i̇'), so offsets found in the
 * lowered text must be mapped back before they are used on the original.
 */
function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  for (const ch of text) {
    const lower = ch.toLowerCase();
    folded += lower;
    for (let k = 0; k < lower.length; k++) origin.push(i);
    i += ch.length;
  }
  origin.push(i);
  return { folded, origin };
}

/** Every non-overlapping case-insensitive occurrence of `query` in `text`, left to right. */
export function findRanges(text: string, query: string): Range[] {
  if (!query || !text) return [];
  const q = foldWithMap(query).folded;
  const { folded, origin } = foldWithMap(text);
  const out: Range[] = [];
  let from = 0;
  for (;;) {
    const at = folded.indexOf(q, from);
    if (at < 0) break;
    const start = origin[at] ?? text.length;
    // The end maps to the first original code unit after the match; a match ending inside an
    // expansion extends to the end of that original character.
    let end = origin[at + q.length] ?? text.length;
    if (end <= start) end = Math.min(text.length, start + 1);
    out.push({ start, end });
    from = at + Math.max(q.length, 1);
  }
  return out;
}

export interface Segment {
  readonly text: string;
  /** Index into the ranges that produced this segment, or -1 for unmarked text. */
  readonly mark: number;
}

/**
 * Cuts `text` (which sits at `offset` inside a larger text) into marked and unmarked segments by
 * `ranges` (offsets in the larger text, sorted, non-overlapping). Used to highlight matches that may
 * straddle several tokens.
 */
export function segment(text: string, offset: number, ranges: readonly Range[]): Segment[] {
  const end = offset + text.length;
  const out: Segment[] = [];
  let pos = offset;
  let lo = 0;
  let hi = ranges.length;
  // First range that ends after `offset` (binary search: raw JSON can hold thousands of matches).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ranges[mid]?.end ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let r = lo; r < ranges.length; r++) {
    const range = ranges[r];
    if (!range || range.start >= end) break;
    const s = Math.max(range.start, offset);
    const e = Math.min(range.end, end);
    if (s > pos) out.push({ text: text.slice(pos - offset, s - offset), mark: -1 });
    if (e > s) out.push({ text: text.slice(s - offset, e - offset), mark: r });
    pos = Math.max(pos, e);
  }
  if (pos < end) out.push({ text: text.slice(pos - offset), mark: -1 });
  return out;
}
