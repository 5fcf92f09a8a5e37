import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, renderHtml } from '../../../../src/extension/webview/html';

const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/inspect.js',
  styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/media/inspect.css'],
  nonce: 'bm9uY2Vub25jZW5vbmNl',
  title: 'Strata image',
};

test('the CSP allows nothing by default and scripts only by nonce', () => {
  const csp = contentSecurityPolicy(parts.cspSource, parts.nonce);
  const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['script-src'], `'nonce-${parts.nonce}'`);
  assert.equal(directives['style-src'], parts.cspSource);
  assert.equal(directives['img-src'], parts.cspSource);
  assert.equal(directives['font-src'], parts.cspSource);
  assert.ok(!csp.includes('unsafe'));
});

test('the page has one nonce-tagged external script, no inline script or style', () => {
  const html = renderHtml(parts);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${parts.nonce}"`));
  assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/inspect\.js"/);
  assert.equal(scripts[0]![2]!.trim(), '');
  assert.ok(!/<style\b/.test(html));
  assert.ok(!/\sstyle=/.test(html));
  assert.ok(!/\son[a-z]+=/i.test(html));
  assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/inspect\.css">/);
});

test('interpolated values cannot break out of their attributes', () => {
  const html = renderHtml({ ...parts, scriptUri: 'x"><script>alert(1)</script>', title: '</title><script>alert(2)</script>' });
  assert.equal([...html.matchAll(/<script\b/g)].length, 1);
  assert.ok(html.includes('x&quot;&gt;&lt;script&gt;'));
});

test('nonces are long and fresh', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.ok(Buffer.from(a, 'base64').length >= 16);
});
