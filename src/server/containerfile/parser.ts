/*
 * A tolerant Containerfile/Dockerfile parser for editor features: splits a document into
 * instructions (keyword + arguments with their ranges), honouring the escape parser directive,
 * line continuations, comments inside continuations and heredocs (<<EOF … EOF). Never throws:
 * anything odd is kept as an instruction the diagnostics can report on.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Instruction {
  /** Upper-cased keyword as written (FROM, RUN, …). */
  keyword: string;
  keywordRange: Range;
  /** Arguments with continuations joined (backslash-newline removed), comments dropped. */
  args: string;
  /** Where the arguments start, for positioning diagnostics on them. */
  argsRange: Range;
  /** Whole instruction, first to last line. */
  range: Range;
  /** Flags such as --from=stage (name → value); values are raw text. */
  flags: Record<string, string>;
}

export interface ParsedContainerfile {
  escapeChar: string;
  instructions: Instruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;
const HEREDOC = /<<-?\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/g;

export function parseContainerfile(text: string): ParsedContainerfile {
  const lines = text.split(/\r?\n/);
  let escapeChar = '\\';
  let i = 0;
  // Parser directives: only leading comment lines of the form "# key=value".
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escapeChar = m[2]!;
  }
  const instructions: Instruction[] = [];
  for (i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    const kw = /^\S+/.exec(trimmed)![0];
    const startLine = i;
    let argsStartChar = indent + kw.length;
    while (argsStartChar < line.length && /\s/.test(line[argsStartChar]!)) argsStartChar++;
    let args = line.slice(argsStartChar);
    let endLine = i;
    // Continuation: a line ending in the escape char continues on the next non-comment line.
    while (endsWithEscape(args, escapeChar) && endLine + 1 < lines.length) {
      args = args.replace(/\s*$/, '').slice(0, -1);
      endLine++;
      while (endLine < lines.length && /^\s*#/.test(lines[endLine]!)) endLine++;
      if (endLine >= lines.length) break;
      args += lines[endLine]!;
    }
    // Heredocs: the body runs until a line equal to the delimiter.
    const delimiters = [...args.matchAll(HEREDOC)].map((m) => m[2]!);
    for (const delim of delimiters) {
      let j = endLine + 1;
      while (j < lines.length && lines[j]!.trim() !== delim) j++;
      if (j < lines.length) endLine = j;
      else endLine = lines.length - 1;
    }
    const flags: Record<string, string> = {};
    for (const m of args.matchAll(/(?:^|\s)--([a-z-]+)(?:=(\S*))?/g)) flags[m[1]!] = m[2] ?? '';
    instructions.push({
      keyword: kw.toUpperCase(),
      keywordRange: { start: { line: startLine, character: indent }, end: { line: startLine, character: indent + kw.length } },
      args: args.trim(),
      argsRange: { start: { line: startLine, character: argsStartChar }, end: { line: endLine, character: lines[endLine]!.length } },
      range: { start: { line: startLine, character: indent }, end: { line: endLine, character: lines[endLine]!.length } },
      flags,
    });
    i = endLine;
  }
  return { escapeChar, instructions };
}

function endsWithEscape(s: string, esc: string): boolean {
  const t = s.replace(/\s*$/, '');
  return t.endsWith(esc);
}

/** Splits arguments on whitespace, leaving flags (--x=y) out. */
export function positionalArgs(args: string): string[] {
  return args.split(/\s+/).filter((a) => a !== '' && !a.startsWith('--'));
}

/** FROM's image reference and optional stage name ("FROM img AS name"). */
export function fromParts(inst: Instruction): { image?: string; stage?: string } {
  const parts = positionalArgs(inst.args);
  const image = parts[0];
  const stage = parts[1]?.toLowerCase() === 'as' ? parts[2] : undefined;
  return { image, stage };
}
