/*
 * Completion: instruction keywords at the start of a line, local image names after FROM, and
 * stage names plus local images after COPY --from=.
 */
import { INSTRUCTIONS } from './instructions';
import { fromParts, type ParsedContainerfile, type Position } from './parser';
import type { LocalImageIndex } from './local-images';

export const enum CompletionKind {
  Keyword = 14,
  Module = 9,
  Reference = 18,
}

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
}

export function containerfileCompletions(lineText: string, position: Position, doc: ParsedContainerfile, images: LocalImageIndex): CompletionItem[] {
  const before = lineText.slice(0, position.character);
  if (/^\s*[A-Za-z]*$/.test(before)) {
    return INSTRUCTIONS.filter((i) => !i.deprecated).map((i) => ({
      label: i.keyword,
      kind: CompletionKind.Keyword,
      detail: i.syntax,
      documentation: i.summary,
      insertText: i.keyword + ' ',
    }));
  }
  const stagesBefore = doc.instructions
    .filter((i) => i.keyword === 'FROM' && i.range.start.line < position.line)
    .map((i) => fromParts(i).stage)
    .filter((s): s is string => Boolean(s));
  const imageItems = (): CompletionItem[] =>
    [...new Set(images.names())].sort().map((n) => ({ label: n, kind: CompletionKind.Module, detail: 'local image' }));
  if (/^\s*FROM\s+(--\S+\s+)*\S*$/i.test(before)) {
    return [{ label: 'scratch', kind: CompletionKind.Keyword, detail: 'empty base image' }, ...imageItems()];
  }
  if (/^\s*(COPY|ADD)\s.*--from=\S*$/i.test(before)) {
    return [...stagesBefore.map((s) => ({ label: s, kind: CompletionKind.Reference, detail: 'build stage' })), ...imageItems()];
  }
  return [];
}
