// UI check: the Strata view shows the fixture store; a repository, an image and its layer
// hierarchy expand to what podman reports. Screenshots: tree-*.png.
import assert from 'node:assert/strict';
import { expandRow, treeRow, visibleRows } from '../ui-helpers.mjs';

export default async function ({ page, fixture, openStrataView, screenshot }) {
  await openStrataView();
  await treeRow(page, 'Store');
  await treeRow(page, 'localhost/strata-app');
  await screenshot('tree-1-stores');

  await expandRow(page, 'localhost/strata-app');
  await expandRow(page, 'v1, latest');
  // The Layers section opens by itself; wait for both layer rows.
  await page.waitForFunction(() => [...document.querySelectorAll('.part.sidebar .monaco-list-row .label-name')].some((e) => e.textContent?.startsWith('Layers')), null, { timeout: 30_000 });
  const rows = await visibleRows(page);
  const layersAt = rows.findIndex((r) => r.label.startsWith('Layers'));
  assert.ok(layersAt >= 0, 'a Layers section');
  const layerRows = rows.slice(layersAt + 1).filter((r) => r.level === rows[layersAt].level + 1);
  assert.ok(layerRows.length >= 2, `two layer rows, saw ${JSON.stringify(rows)}`);
  assert.match(layerRows[0].description, /top of localhost\/strata-app:v1/);
  assert.match(layerRows[1].description, /top of localhost\/strata-base:latest/);
  assert.ok(rows.some((r) => r.label === 'Tags'), 'a Tags section');
  assert.ok(rows.some((r) => r.label === 'localhost/strata-app:v1'), 'the v1 tag row');
  assert.ok(rows.some((r) => r.description.startsWith(fixture.app.slice(0, 12))), 'the image row shows its short ID');
  await screenshot('tree-2-image-layers');
}
