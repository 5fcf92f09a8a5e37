/*
 * Hooks the Containerfile language service into the server connection: open documents, completion,
 * hover and pushed diagnostics (re-published when a store changes, so "will pull it" disappears as
 * soon as the image is there). Wiring only; the features are pure modules beside this file.
 */
import { TextDocuments, type Connection, type ServerCapabilities } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ContainerfileService } from './service';
import { localImageIndex, type LabelledStore } from './store-images';
import type { LocalImageIndex } from './local-images';

export const CONTAINERFILE_CAPABILITIES: ServerCapabilities = {
  textDocumentSync: 2, // incremental
  completionProvider: { triggerCharacters: [' ', '='] },
  hoverProvider: true,
};

export interface ContainerfileFeatures {
  /** Re-validates every open Containerfile (after a store changed). */
  refresh(): void;
}

export function registerContainerfileFeatures(
  connection: Connection,
  stores: () => LabelledStore[],
  log: (msg: string) => void,
): ContainerfileFeatures {
  const documents = new TextDocuments(TextDocument);
  const service = new ContainerfileService();
  const images = (): Promise<LocalImageIndex> => localImageIndex(stores(), log);

  const validate = async (doc: TextDocument): Promise<void> => {
    try {
      const diagnostics = service.diagnostics(doc.uri, doc.version, doc.getText(), await images());
      await connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: diagnostics.map((d) => ({
          range: d.range,
          severity: d.severity,
          code: d.code,
          source: 'strata',
          message: d.message,
          ...(d.deprecated ? { tags: [2] } : {}),
        })),
      });
    } catch (e) {
      log(`[containerfile] diagnostics failed for ${doc.uri}: ${(e as Error).message}`);
    }
  };

  documents.onDidChangeContent((e) => void validate(e.document));
  documents.onDidClose((e) => {
    service.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  connection.onCompletion(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    return service.completions(doc.uri, doc.version, doc.getText(), p.position, await images()).map((c) => ({
      label: c.label,
      kind: c.kind,
      detail: c.detail,
      documentation: c.documentation,
      insertText: c.insertText,
    }));
  });
  connection.onHover(async (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return null;
    const h = service.hover(doc.uri, doc.version, doc.getText(), p.position, await images());
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: h.range } : null;
  });
  documents.listen(connection);
  return {
    refresh: () => {
      for (const doc of documents.all()) void validate(doc);
    },
  };
}
