/*
 * The Containerfile language service: one facade over the pure feature modules, so the server
 * wires a single object and tests exercise the same entry points. The caller passes the local
 * image index each time (the server builds it from its stores' current snapshots).
 */
import { parseContainerfile, type ParsedContainerfile } from './parser';
import { containerfileDiagnostics, type Diagnostic } from './diagnostics';
import { containerfileCompletions, type CompletionItem } from './completion';
import { containerfileHover, type Hover } from './hover';
import type { Position } from './parser';
import type { LocalImageIndex } from './local-images';

export class ContainerfileService {
  private readonly parsed = new Map<string, { version: number; doc: ParsedContainerfile }>();

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

  diagnostics(uri: string, version: number, text: string, images: LocalImageIndex): Diagnostic[] {
    return containerfileDiagnostics(this.parse(uri, version, text), images);
  }

  completions(uri: string, version: number, text: string, position: Position, images: LocalImageIndex): CompletionItem[] {
    const line = text.split(/\r?\n/)[position.line] ?? '';
    return containerfileCompletions(line, position, this.parse(uri, version, text), images);
  }

  hover(uri: string, version: number, text: string, position: Position, images: LocalImageIndex): Hover | undefined {
    const line = text.split(/\r?\n/)[position.line] ?? '';
    return containerfileHover(line, position, this.parse(uri, version, text), images);
  }
}
