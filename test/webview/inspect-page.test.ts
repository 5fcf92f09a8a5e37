/*
 * The inspect/history webview in Chromium, outside VS Code: the built bundle and stylesheet under the
 * real CSP, a fake acquireVsCodeApi, and the host's messages delivered as VS Code delivers them.
 * Covers the ready handshake, rendering of hostile store strings as text, search, keyboard, copy,
 * state restore, and screenshots in light, dark and high-contrast themes (test-artifacts/webview/).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostMessage } from '../../src/shared/webview-protocol';
import { HOSTILE, REF, historyFixture, inspectFixture } from './fixtures';
import { CHROMIUM, REPO, THEMES, artifactsDir, openWebview, startPageServer, waitForPosted, type PageServer, type WebviewPage } from './page-harness';

// Functions passed to page.evaluate/addInitScript run in the page, where these globals exist; the
// tests compile against node's lib, so they are declared here, in this module only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare function getComputedStyle(element: unknown): any;

const available = existsSync(CHROMIUM) && existsSync(path.join(REPO, 'dist/webview/inspect.js'));
if (!available && process.env.CI) throw new Error(`webview page tests need ${CHROMIUM} and a built dist/webview/inspect.js`);
const skip = available ? false : `needs ${CHROMIUM} and npm run build`;

let browser: Browser;
let server: PageServer;

before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  server = await startPageServer();
  mkdirSync(artifactsDir(), { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const didLoad: HostMessage = { type: 'inspect/didLoad', ref: REF, inspect: inspectFixture(), history: historyFixture() };

async function loaded(theme: (typeof THEMES)[number] = 'dark', state?: unknown): Promise<WebviewPage> {
  const w = await openWebview(browser, server, theme, state);
  await waitForPosted(w, 'webview/ready');
  await w.send(didLoad);
  await w.page.locator('.json-tree .row').first().waitFor({ state: 'attached' });
  return w;
}

async function assertClean(w: WebviewPage): Promise<void> {
  assert.deepEqual(w.dialogs, [], 'no dialog and no uncaught page error');
  assert.deepEqual(await w.problems(), [], 'no CSP violation and no error event');
  assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
}

test('the page says ready first, and nothing else until the host answers', { skip }, async () => {
  const w = await openWebview(browser, server, 'dark');
  await waitForPosted(w, 'webview/ready');
  assert.deepEqual(await w.posted(), [{ type: 'webview/ready' }]);
  assert.equal(await w.page.locator('.progress').isVisible(), true, 'loading bar shows while waiting');
  await w.page.context().close();
});

test('hostile labels and history lines render as text and run nothing', { skip }, async () => {
  const w = await loaded('dark');
  const page = w.page;
  // Open every node so each hostile string is in the DOM of the tree.
  await page.getByRole('button', { name: 'Expand all' }).click();
  const treeText = await page.locator('.json-tree').innerText();
  const json = (x: string): string => JSON.stringify(x).slice(1, -1);
  assert.ok(treeText.includes(json(HOSTILE.script)), 'script label shown as (JSON-escaped) text');
  assert.ok(treeText.includes(json(HOSTILE.img)), 'img label shown as (JSON-escaped) text');
  assert.ok(treeText.includes(json(HOSTILE.svg)), 'hostile key shown as text');
  assert.ok(treeText.includes('invoice\\u202efdp.exe'), 'bidi override shown as an escape');

  await page.getByRole('tab', { name: 'Raw JSON' }).click();
  const raw = await page.locator('.raw-json').innerText();
  assert.ok(raw.includes(json(HOSTILE.script)));

  await page.getByRole('tab', { name: 'History' }).click();
  const historyText = await page.locator('.history-table').innerText();
  assert.ok(historyText.includes(HOSTILE.img), 'history created_by shown as text');
  assert.ok(historyText.includes(HOSTILE.svg), 'history comment shown as text');

  // The only script is the nonce'd bundle; no element came out of store strings.
  assert.equal(await page.locator('script').count(), 1);
  assert.equal(await page.locator('#app img, #app iframe, #app object, #app embed').count(), 0);
  assert.equal(await page.locator('#app svg[onload], #app [onerror], #app [onload]').count(), 0);
  await assertClean(w);
  await page.context().close();
});

test('screenshots of each tab in light, dark and high contrast', { skip }, async () => {
  for (const theme of THEMES) {
    const w = await loaded(theme);
    await w.page.screenshot({ path: path.join(artifactsDir(), `inspect-${theme}.png`) });
    await w.page.getByRole('tab', { name: 'Raw JSON' }).click();
    await w.page.screenshot({ path: path.join(artifactsDir(), `raw-${theme}.png`) });
    await w.page.getByRole('tab', { name: 'History' }).click();
    await w.page.screenshot({ path: path.join(artifactsDir(), `history-${theme}.png`) });
    // The theme really reaches the page: the background is the theme's editor background.
    const bg = await w.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'high-contrast': 'rgb(0, 0, 0)' }[theme]);
    await assertClean(w);
    await w.page.context().close();
  }
});

test('search filters the tree, counts matches and walks them with Enter', { skip }, async () => {
  const w = await loaded('dark');
  const page = w.page;
  await page.keyboard.press('Control+f');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'search-input');
  await page.keyboard.type('maintainer');
  await page.locator('.match-count', { hasText: '1 of 2' }).waitFor();
  const rows = await page.locator('.json-tree .row').allInnerTexts();
  // Only the matches and their ancestors remain.
  assert.deepEqual(
    rows.map((r) => r.split(':')[0]?.trim()),
    ['Config', 'Labels', 'maintainer', 'Labels', 'maintainer'],
  );
  assert.equal(await page.locator('.json-tree mark').count(), 2);
  await page.keyboard.press('Enter');
  await page.locator('.match-count', { hasText: '2 of 2' }).waitFor();
  assert.equal(await page.locator('.row.current-match').getAttribute('data-id'), '/Labels/maintainer');
  // Highlight-only mode shows the other rows again.
  await page.getByRole('button', { name: 'Show only matching rows' }).click();
  assert.ok((await page.locator('.json-tree .row').count()) > rows.length);
  await page.locator('.search-input').first().press('Escape');
  await page.waitForFunction(() => document.querySelector('.match-count')?.textContent === '');
  const s = await w.state();
  assert.equal(s?.query, '');
  assert.equal(s?.filter, false);
  await page.context().close();
});

test('the tree is keyboard-driven and copies value and jq path', { skip }, async () => {
  const w = await loaded('light');
  const page = w.page;
  await page.locator('.json-tree').focus();
  // First row (Id) gets focus; Down twice to RepoTags (expanded by default), Left collapses it.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-id')), '/Id');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-id')), '/RepoTags');
  assert.equal(await page.locator('[data-id="/RepoTags"]').getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('[data-id="/RepoTags"]').getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-id')), '/RepoTags/0');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Shift+Alt+c');
  const copies = await waitForPosted(w, 'inspect/copy', 2);
  assert.deepEqual(copies, [
    { type: 'inspect/copy', kind: 'value', text: 'localhost/app:v1' },
    { type: 'inspect/copy', kind: 'path', text: '.RepoTags[0]' },
  ]);
  await w.send({ type: 'inspect/didCopy', kind: 'path', ok: true });
  await page.locator('.toast.visible', { hasText: 'Copied jq path' }).waitFor();
  // Copy path of a label whose key needs quoting, through its row button.
  await page.getByRole('tab', { name: 'Inspect' }).click();
  const row = page.locator('[data-id="/Config/Labels/org.opencontainers.image.title"]');
  await row.hover();
  await row.getByRole('button', { name: /Copy jq path/ }).click();
  const all = await waitForPosted(w, 'inspect/copy', 3);
  assert.deepEqual(all[2], { type: 'inspect/copy', kind: 'path', text: '.Config.Labels["org.opencontainers.image.title"]' });
  await assertClean(w);
  await page.context().close();
});

test('state persists and restores tab, query and expansion after a reload', { skip }, async () => {
  const w = await loaded('dark');
  await w.page.getByRole('button', { name: 'Expand all' }).click();
  await w.page.locator('.search-input').first().fill('sha256');
  await w.page.locator('.match-count', { hasText: /of/ }).first().waitFor();
  await w.page.getByRole('tab', { name: 'History' }).click();
  const saved = await w.state();
  assert.equal(saved?.tab, 'history');
  assert.equal(saved?.query, 'sha256');
  assert.deepEqual(saved?.ref, REF);
  await w.page.context().close();

  const again = await loaded('dark', saved);
  assert.equal(await again.page.getByRole('tab', { name: 'History' }).getAttribute('aria-selected'), 'true');
  assert.equal(await again.page.locator('.search-input').first().inputValue(), 'sha256');
  await again.page.getByRole('tab', { name: 'Inspect' }).click();
  assert.equal(await again.page.locator('[data-id="/RootFS/Layers"]').getAttribute('aria-expanded'), 'true');
  await again.page.context().close();
});

test('host errors show one sentence with a retry; malformed messages are ignored', { skip }, async () => {
  const w = await openWebview(browser, server, 'dark');
  await waitForPosted(w, 'webview/ready');
  await w.send({ type: 'inspect/didLoad', ref: REF, inspect: { Id: 5 }, history: [] });
  await w.send({ type: 'inspect/showTab', tab: '<img src=x onerror=alert(1)>' });
  await w.send({ type: 'inspect/didLoad', ref: REF, error: { message: 'No image with ID c13df9476c57 in this store.', code: 'ImageNotKnown' } });
  const alert = w.page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /No image with ID c13df9476c57 in this store\.\s*ImageNotKnown/);
  await alert.getByRole('button', { name: 'Retry' }).click();
  await waitForPosted(w, 'inspect/refresh');
  await w.send({ type: 'inspect/showTab', tab: 'raw' });
  assert.equal(await w.page.getByRole('tab', { name: 'Raw JSON' }).getAttribute('aria-selected'), 'true');
  await assertClean(w);
  await w.page.context().close();
});
