/*
 * The webview's HTML shell: a strict Content Security Policy, one stylesheet and one nonce'd bundled
 * script, nothing else. No store data is ever put here: the app receives it by message and renders
 * it with DOM APIs. Imports no vscode at run time so it is unit-tested in node.
 */
import { randomBytes } from 'node:crypto';

export interface HtmlParts {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  readonly cspSource: string;
  /** asWebviewUri of dist/webview/<bundle>.js, as a string. */
  readonly scriptUri: string;
  /** asWebviewUri of each stylesheet under media/, as strings. */
  readonly styleUris: readonly string[];
  readonly nonce: string;
  /** Document title (a constant: never an image name). */
  readonly title: string;
}

/** 128 random bits, base64: unguessable, unlike Math.random. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;', "'": '&#39;' };

function escapeAttr(s: string): string {
  return s.replace(/[&"<>']/g, (c) => ATTR_ESCAPES[c] as string);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderHtml(parts: HtmlParts): string {
  const styles = parts.styleUris.map((u) => `  <link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${escapeAttr(parts.title)}</title>
</head>
<body>
  <div id="app" aria-busy="true"></div>
  <script nonce="${escapeAttr(parts.nonce)}" src="${escapeAttr(parts.scriptUri)}"></script>
</body>
</html>
`;
}
