// UI check: the inspect/history webview in real VS Code. Builds an image whose labels, history line
// and history comment are HTML/script payloads, opens it from the tree's inline Inspect action, and
// checks that every payload shows as text, nothing ran (no dialog, no global set, no element made
// from store data), copy goes through the host to the clipboard, the panel follows the colour theme,
// and a window reload brings the panel back on the same tab. Screenshots: webview-*.png.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandRow } from '../ui-helpers.mjs';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { buildah } = require(path.join(repo, 'out', 'test', 'helpers', 'podman.js'));

const HOSTILE_NAME = 'localhost/strata-hostile';
const PAYLOADS = {
  label: '<script>window.__strataPwned = "label"; alert("label")</script>',
  createdBy: '<img src=x onerror="window.__strataPwned = \'history\'; alert(\'history\')">',
  comment: '<svg onload="window.__strataPwned = \'comment\'">',
};
/** How the tree and raw views write a string: JSON-escaped, without the quotes. */
const json = (s) => JSON.stringify(s).slice(1, -1);

/** An image built on the fixture's base whose store strings are all attacker-style markup. */
function buildHostileImage(store) {
  const ctr = buildah(store, ['from', '--pull-never', 'localhost/strata-base:latest']).trim();
  buildah(store, ['config', '--label', `org.example.payload=${PAYLOADS.label}`, '--created-by', PAYLOADS.createdBy, '--history-comment', PAYLOADS.comment, ctr]);
  const id = buildah(store, ['commit', '--quiet', ctr, `${HOSTILE_NAME}:1`]).trim().replace(/^sha256:/, '');
  buildah(store, ['rm', ctr]);
  return id;
}

/** The webview's inner document (VS Code nests it: iframe.webview > iframe#active-frame). */
async function webviewFrame(page, timeout = 30_000) {
  const outer = page.locator('iframe.webview.ready').last();
  await outer.waitFor({ state: 'attached', timeout });
  const outerFrame = await (await outer.elementHandle()).contentFrame();
  const inner = await outerFrame.waitForSelector('iframe#active-frame', { state: 'attached', timeout });
  const frame = await inner.contentFrame();
  await frame.waitForSelector('#app .tabs', { timeout });
  return frame;
}

/**
 * The image row under a repository row (other repositories also have a tag "1", so it is found by
 * position). The repository appeared because the store changed; a refresh landing right after the
 * click may redraw it collapsed, so expanding is retried a few times.
 */
async function imageRowUnder(page, repository) {
  for (let attempt = 0; ; attempt++) {
    const repoRow = await expandRow(page, repository);
    const index = Number(await repoRow.getAttribute('data-index'));
    const level = Number(await repoRow.getAttribute('aria-level'));
    const child = page.locator(`.part.sidebar .monaco-list-row[data-index="${index + 1}"][aria-level="${level + 1}"]`);
    try {
      await child.waitFor({ timeout: 5_000 });
      return child;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

/** Workbench classes per theme, to know the switch really happened. */
const THEME_CLASS = { 'Dark Modern': 'vs-dark', 'Light Modern': 'vs', 'Dark High Contrast': 'hc-black' };

/** Runs a command from the palette by its title. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${title}"]`).first().click();
}

/** Picks a colour theme through the palette's theme picker, as a user does, and waits until it applies. */
async function setColorTheme(page, name) {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(name);
  // Click the theme's own row: Enter could still hit the row focused before the filter applied.
  await page.locator(`.quick-input-list .monaco-list-row[aria-label^="${name}"]`).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls), THEME_CLASS[name]);
}

export default async function ({ page, fixture, openStrataView, screenshot, log }) {
  const dialogs = [];
  page.on('dialog', (d) => {
    // The workbench's own "leave page?" prompt on reload is not from the webview: let it through.
    if (d.type() === 'beforeunload') {
      void d.accept();
      return;
    }
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });

  const hostileId = buildHostileImage(fixture.store);
  await openStrataView();
  // The store watcher reports the new image; no manual refresh.
  await setColorTheme(page, 'Dark Modern');
  const row = await imageRowUnder(page, HOSTILE_NAME);
  await row.hover();
  await row.locator('.action-label[aria-label^="Inspect"]').click();

  let frame = await webviewFrame(page);
  await frame.waitForSelector('.json-tree .row');
  const title = await frame.textContent('.title');
  assert.equal(title, `${HOSTILE_NAME}:1`);
  assert.equal(await frame.textContent('.fact-value[title="' + hostileId + '"]'), hostileId.slice(0, 12));

  // Inspect tree: the label payload is a plain string value.
  await frame.click('button[aria-label="Expand all"]');
  const treeText = await frame.innerText('.json-tree');
  assert.ok(treeText.includes(json(PAYLOADS.label)), 'label payload shown as text in the tree');
  await screenshot('webview-1-inspect-dark');

  // Search: Ctrl+F reaches the webview's own search box, and finds the payload.
  await frame.click('.json-tree .row');
  await page.keyboard.press('Control+f');
  assert.equal(await frame.evaluate(() => document.activeElement?.className), 'search-input');
  await page.keyboard.type('strataPwned');
  await frame.waitForFunction(() => /of \d+/.test(document.querySelector('.match-count')?.textContent ?? ''));
  assert.ok((await frame.locator('.json-tree mark').count()) >= 2, 'matches highlighted');
  await screenshot('webview-2-search-dark');

  // Copy through the host: the jq path lands on the system clipboard and the webview confirms.
  const labelRow = frame.locator('.row[data-id="/Labels/org.example.payload"]');
  await labelRow.hover();
  await labelRow.locator('button[aria-label^="Copy jq path"]').click();
  await frame.waitForSelector('.toast.visible');
  assert.equal(await frame.textContent('.toast'), 'Copied jq path');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '.Labels["org.example.payload"]');
  // Keyboard: Ctrl+C on the selected row copies its value (VS Code turns the key into a copy event
  // in the webview), Shift+Alt+C its path.
  await labelRow.click();
  await page.keyboard.press('Control+c');
  await frame.waitForFunction(() => document.querySelector('.toast.visible')?.textContent === 'Copied value');
  await page.waitForFunction((want) => navigator.clipboard.readText().then((t) => t === want), PAYLOADS.label);
  await page.keyboard.press('Shift+Alt+c');
  await frame.waitForFunction(() => document.querySelector('.toast.visible')?.textContent === 'Copied jq path');
  await page.waitForFunction((want) => navigator.clipboard.readText().then((t) => t === want), '.Labels["org.example.payload"]');

  // Raw JSON: the same text podman prints.
  await frame.click('[role="tab"]:has-text("Raw JSON")');
  assert.ok((await frame.innerText('.raw-json')).includes(json(PAYLOADS.label)));
  await screenshot('webview-3-raw-dark');

  // History: the payload line and comment are table text.
  await frame.click('[role="tab"]:has-text("History")');
  const history = await frame.innerText('.history-table');
  assert.ok(history.includes(PAYLOADS.createdBy), 'created-by payload shown as text');
  assert.ok(history.includes(PAYLOADS.comment), 'history comment payload shown as text');
  assert.ok((await frame.locator('.size-bar-fill.nonzero').count()) >= 1, 'a size bar per layer with content');
  await screenshot('webview-4-history-dark');

  // Nothing ran and nothing was made from store strings.
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.equal(await frame.evaluate(() => window.__strataPwned), undefined);
  assert.equal(await frame.locator('#app img, #app iframe, #app script, #app [onerror], #app [onload]').count(), 0);
  // VS Code adds its own script to the webview document; ours is the one nonce-tagged bundle.
  assert.equal(await frame.locator('script[nonce][src$="/dist/webview/inspect.js"]').count(), 1, 'the nonce-tagged bundle');

  // Theme: light and high contrast reach the webview through VS Code's variables.
  const background = () => frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await background();
  await setColorTheme(page, 'Light Modern');
  await frame.waitForFunction((before) => getComputedStyle(document.body).backgroundColor !== before, dark);
  assert.equal(await background(), 'rgb(255, 255, 255)');
  await screenshot('webview-5-history-light');
  await frame.click('[role="tab"]:has-text("Inspect")');
  await screenshot('webview-6-inspect-light');
  await setColorTheme(page, 'Dark High Contrast');
  await frame.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(0, 0, 0)');
  await screenshot('webview-7-inspect-high-contrast');
  await setColorTheme(page, 'Dark Modern');

  // History from the tree's context menu on the same image reveals this panel on its History tab:
  // one panel per image, never a second one.
  await row.click({ button: 'right' });
  await page.locator('.context-view .monaco-menu .action-item:has(.action-label[aria-label="History"])').first().click();
  await frame.waitForSelector('.history-table tbody tr');
  assert.equal(await frame.getAttribute('[role="tab"]:has-text("History")', 'aria-selected'), 'true');
  assert.equal(await page.locator('.tabs-container .tab', { hasText: `${HOSTILE_NAME}:1` }).count(), 1, 'one panel per image');

  // Reload the window: the serializer reopens the panel on the same image and tab, with the query.
  // "Developer: Reload Window" shuts the workbench down properly (state saved), as a user's reload does.
  const navigated = page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 60_000 }).then(() => null, (e) => e);
  await runCommand(page, 'Developer: Reload Window');
  const failed = await navigated;
  if (failed) throw failed;
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  frame = await webviewFrame(page, 60_000);
  // After a reload the extension activates and its server starts before the panel can fill.
  await frame.waitForSelector('.history-table tbody tr', { timeout: 90_000 });
  assert.equal(await frame.getAttribute('[role="tab"]:has-text("History")', 'aria-selected'), 'true');
  assert.equal(await frame.textContent('.title'), `${HOSTILE_NAME}:1`);
  assert.equal(await frame.inputValue('.tree-view .search-input'), 'strataPwned');
  await screenshot('webview-8-restored-after-reload');
  assert.deepEqual(dialogs, [], 'no dialog after reload either');
  log(`[ui] webview checked for ${HOSTILE_NAME}:1 (${hostileId.slice(0, 12)})`);
}
