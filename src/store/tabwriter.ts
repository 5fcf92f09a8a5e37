/*
 * Go's text/tabwriter as podman's report package configures it (minwidth 12, tabwidth 2,
 * padding 2, padchar ' '): every cell but the last of a line is padded to its column's width,
 * the width being max(12, widest cell + 2), measured in runes.
 */
const MIN_WIDTH = 12;
const PADDING = 2;

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Lays out rows of cells; the last cell of each row is written as is. */
export function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (let j = 0; j < row.length - 1; j++) {
      widths[j] = Math.max(widths[j] ?? MIN_WIDTH, runeLength(row[j]!) + PADDING);
    }
  }
  let out = '';
  for (const row of rows) {
    for (let j = 0; j < row.length - 1; j++) out += row[j]! + ' '.repeat(widths[j]! - runeLength(row[j]!));
    out += (row[row.length - 1] ?? '') + '\n';
  }
  return out;
}
