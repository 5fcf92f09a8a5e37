/*
 * The Containerfile language service: one facade over the pure feature modules, so the server
 * wires a single object and tests exercise the same entry points.
 */
import { parseContainerfile, type ParsedContainerfile } from './parser';
import { containerfileDiagnostics, type Diagnostic } from './diagnostics';
import { containerfileCompletions, type CompletionItem } from './completion';
import { containerfileHover, type Hover } from './hover';
import type { Position } from './parser';
import type { LocalImageIndex } from './local-images';

export class ContainerfileService {
  private readonly parsed = new Map<string, { version: number; doc: ParsedContainerfile }>();

  constructor(private readonly images: () => LocalImageIndex) {}

  private parse(uri: string, version: number, text: string): ParsedContainerfile {
    const hit = this.parsed.get(uri);
    if (hit && hit.version === version) return hit.doc;
    const doc = parseContainerfile(text);
    this.parsed.set(uri, { version, doc });
    return doc;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }

  diagnostics(uri: string, version: number, text: string): Diagnostic[] {
    return containerfileDiagnostics(this.parse(uri, version, text), this.images());
  }

  completions(uri: string, version: number, text: string, position: Position): CompletionItem[] {
    const line = text.split(/\r?\n/)[position.line] ?? '';
    return containerfileCompletions(line, position, this.parse(uri, version, text), this.images());
  }

  hover(uri: string, version: number, text: string, position: Position): Hover | undefined {
    const line = text.split(/\r?\n/)[position.line] ?? '';
    return containerfileHover(line, position, this.parse(uri, version, text), this.images());
  }
}
