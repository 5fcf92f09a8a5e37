// Benchmark of the inspect/history webview in Chromium (not a test: figures only).
// Loads the built bundle under its real CSP through the page harness of test/webview, then times,
// inside the page, from posting `inspect/didLoad` to the next painted frame, and the main
// interactions (expand all, a search keystroke, switching to Raw JSON and History), for a typical
// image and for a large synthetic one (LABELS labels, HISTORY history rows).
//
// Usage: npm run build && npm run compile-tests && node scripts/bench-webview.mjs [--runs N]
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { openWebview, startPageServer, waitForPosted, CHROMIUM } = require(path.join(REPO, 'out/test/webview/page-harness.js'));
const { inspectFixture, historyFixture, REF } = require(path.join(REPO, 'out/test/webview/fixtures.js'));

const LABELS = 2000; // far more than real images carry: the worst case a hostile image could ship
const HISTORY = 500; // a long multi-stage build
const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 7;

function largeImage() {
  const inspect = inspectFixture();
  const labels = {};
  for (let i = 0; i < LABELS; i++) labels[`org.example.label-${i}`] = `value ${i} `.repeat(4);
  const hist = [];
  for (let i = 0; i < HISTORY; i++) hist.push({ created: '2026-11-26T06:49:51Z', created_by: `/bin/sh -c #(nop) RUN step ${i} && make -j8 target-${i}`, empty_layer: i % 3 === 0 });
  const history = [];
  for (let i = 0; i < HISTORY; i++) {
    history.push({ id: '<missing>', created: '2026-11-26T06:49:51Z', createdBy: hist[i].created_by, size: (i % 3) * 1_000_003, comment: '', emptyLayer: i % 3 === 0 });
  }
  return { inspect: { ...inspect, Labels: labels, Config: { ...inspect.Config, Labels: labels }, History: hist }, history };
}

/**
 * Times one interaction in the page: `work` runs synchronously (a click or a message dispatch does
 * all its DOM work before returning), then the next frame is awaited so layout and paint count too.
 */
async function timed(page, work, arg) {
  return page.evaluate(
    async ([kind, a]) => {
      const t0 = performance.now();
      if (kind === 'load') {
        // Dispatch the message event synchronously, the way the page's own listener receives it.
        window.dispatchEvent(new MessageEvent('message', { data: a }));
      } else if (kind === 'click') {
        document.querySelector(a).click();
      } else if (kind === 'search') {
        const input = document.querySelector('.tree-view .search-input');
        input.value = a;
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      }
      const js = performance.now() - t0;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return [js, performance.now() - t0];
    },
    [work, arg],
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(browser, server, name, data) {
  const rows = { load: [], expandAll: [], search: [], raw: [], history: [] };
  for (let i = 0; i < RUNS; i++) {
    const w = await openWebview(browser, server, 'dark');
    await waitForPosted(w, 'webview/ready');
    rows.load.push(await timed(w.page, 'load', { type: 'inspect/didLoad', ref: REF, inspect: data.inspect, history: data.history }));
    rows.expandAll.push(await timed(w.page, 'click', 'button[aria-label="Expand all"]'));
    rows.search.push(await timed(w.page, 'search', 'label-19'));
    rows.raw.push(await timed(w.page, 'click', '#tab-raw'));
    rows.history.push(await timed(w.page, 'click', '#tab-history'));
    await w.page.context().close();
  }
  const kib = JSON.stringify(data.inspect).length / 1024;
  console.log(`${name}: ${kib.toFixed(0)} KiB of inspect JSON, ${data.history.length} history rows; median of ${RUNS} runs (script / to next painted frame):`);
  for (const [k, v] of Object.entries(rows)) {
    console.log(`  ${k.padEnd(10)} ${median(v.map((x) => x[0])).toFixed(1).padStart(8)} ms ${median(v.map((x) => x[1])).toFixed(1).padStart(8)} ms`);
  }
}

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
const server = await startPageServer();
try {
  await measure(browser, server, 'typical image', { inspect: inspectFixture(), history: historyFixture() });
  await measure(browser, server, `large image (${LABELS} labels)`, largeImage());
} finally {
  await browser.close();
  await server.close();
}
