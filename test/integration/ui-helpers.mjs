// Playwright helpers for driving the VS Code workbench in UI checks: open the Strata view, find and
// expand tree rows. Selectors are the workbench's own DOM (list rows carry aria-label / aria-expanded).

/** Waits for the workbench, then opens the Strata view container from the activity bar. */
export async function openStrataView(page, { timeout = 60_000 } = {}) {
  await page.waitForSelector('.monaco-workbench', { timeout });
  const button = page.locator('.activitybar [role="tab"][aria-label^="Strata"], .activitybar a[aria-label^="Strata"]').first();
  await button.waitFor({ timeout });
  const expanded = await button.getAttribute('aria-selected');
  if (expanded !== 'true') await button.click();
  // With one view in the container VS Code hides the pane header; the view's tree is what shows.
  await page.waitForSelector('.part.sidebar [id="workbench.view.extension.strata"] .monaco-list, .part.sidebar .monaco-list', { state: 'visible', timeout });
  await widenSidebar(page, 560);
  return page.locator('.part.sidebar');
}

/** Drags the sidebar's sash so long labels and descriptions are readable in screenshots. */
export async function widenSidebar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Waits for the sidebar tree row whose label is exactly `text` and returns its locator. */
export async function treeRow(page, text, { timeout = 60_000 } = {}) {
  const handle = await page.waitForFunction(
    (t) => {
      const rows = [...document.querySelectorAll('.part.sidebar .monaco-list-row')];
      const row = rows.find((r) => r.querySelector('.label-name')?.textContent === t);
      return row ? row.id : undefined;
    },
    text,
    { timeout },
  );
  const id = await handle.jsonValue();
  return page.locator(`[id="${id}"]`);
}

/** Expands a row (no-op when already expanded) and waits for VS Code to mark it expanded. */
export async function expandRow(page, text, { timeout = 60_000 } = {}) {
  const row = await treeRow(page, text, { timeout });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.click();
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some((r) => r.querySelector('.label-name')?.textContent === t && r.getAttribute('aria-expanded') === 'true'),
      text,
      { timeout },
    );
  }
  return row;
}

/** Labels of the visible rows of the sidebar tree, in order. */
export async function visibleRows(page) {
  return page.$$eval('.part.sidebar .monaco-list-row', (rows) =>
    rows
      .map((r) => ({
        index: Number(r.getAttribute('data-index')),
        label: r.querySelector('.label-name')?.textContent ?? '',
        description: r.querySelector('.label-description')?.textContent ?? '',
        level: Number(r.getAttribute('aria-level') ?? 0),
      }))
      .sort((a, b) => a.index - b.index),
  );
}
