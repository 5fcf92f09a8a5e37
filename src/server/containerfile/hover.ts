/*
 * Hover: what an instruction does, and for a FROM image (or COPY --from image) the local image it
 * resolves to — ID, size, age, names — or that it would be pulled.
 */
import { humanSizeWithPrecision } from '../../store/go-format';
import { INSTRUCTION_BY_KEYWORD } from './instructions';
import { fromParts, type ParsedContainerfile, type Position, type Range } from './parser';
import type { LocalImageIndex } from './local-images';

export interface Hover {
  markdown: string;
  range: Range;
}

function within(p: Position, r: Range): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/** Markdown with backticks in store strings neutralised (names cannot carry markup into the hover). */
function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

export function containerfileHover(lineText: string, position: Position, doc: ParsedContainerfile, images: LocalImageIndex): Hover | undefined {
  const inst = doc.instructions.find((i) => within(position, i.range));
  if (!inst) return undefined;
  if (within(position, inst.keywordRange)) {
    const info = INSTRUCTION_BY_KEYWORD.get(inst.keyword);
    if (!info) return undefined;
    return { range: inst.keywordRange, markdown: `**${info.keyword}** — ${info.summary}\n\n${code(info.syntax)}${info.deprecated ? `\n\n_${info.deprecated}_` : ''}` };
  }
  // The word under the cursor.
  let s = position.character;
  let e = position.character;
  while (s > 0 && !/\s/.test(lineText[s - 1]!)) s--;
  while (e < lineText.length && !/\s/.test(lineText[e]!)) e++;
  let word = lineText.slice(s, e);
  if (word.startsWith('--from=')) word = word.slice('--from='.length);
  const image = inst.keyword === 'FROM' ? fromParts(inst).image : (inst.keyword === 'COPY' || inst.keyword === 'ADD') ? inst.flags.from : undefined;
  if (!image || word !== image || image === 'scratch') return undefined;
  const range = { start: { line: position.line, character: s }, end: { line: position.line, character: e } };
  const found = images.find(image);
  if (!found) return { range, markdown: `${code(image)} is not in any local store: the build will pull it.` };
  const lines = [
    `**${code(image)}** → image ${code(found.id.slice(0, 12))} in ${found.storeLabel}`,
    '',
    `Size ${humanSizeWithPrecision(found.size, 4)}${found.created ? ` · created ${found.created}` : ''}`,
  ];
  if (found.names.length) lines.push('', 'Names: ' + found.names.map(code).join(', '));
  return { range, markdown: lines.join('\n') };
}
