/*
 * Loads the real webview bundle (dist/webview/inspect.js) and stylesheet in Chromium, in a page built
 * by the real renderHtml (same CSP, same nonce rule), with a stand-in for VS Code's acquireVsCodeApi
 * that records what the page posts and keeps its state. For checking the UI without a workbench; the
 * same checks run in real VS Code through test/integration.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeNonce, renderHtml } from '../../src/extension/webview/html';
import type { HostMessage, InspectViewState, WebviewMessage } from '../../src/shared/webview-protocol';

// Functions passed to page.evaluate/addInitScript run in the page, where these globals exist; the
// tests compile against node's lib, so they are declared here, in this module only.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;
declare const document: any;
declare function getComputedStyle(element: unknown): any;

export const REPO = path.resolve(__dirname, '../../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const THEMES = ['light', 'dark', 'high-contrast'] as const;
export type Theme = (typeof THEMES)[number];

/** Only these folders are served, mirroring localResourceRoots (+ the test themes). */
const SERVED = ['dist/webview/', 'media/', 'test/webview/themes/'];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/webview') {
      const theme = url.searchParams.get('theme') ?? 'dark';
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        renderHtml({
          cspSource: origin,
          scriptUri: `${origin}/dist/webview/inspect.js`,
          styleUris: [`${origin}/test/webview/themes/${theme}.css`, `${origin}/media/inspect.css`],
          nonce: makeNonce(),
          title: 'Strata image',
        }),
      );
      return;
    }
    const rel = path.posix.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const file = path.join(REPO, rel);
    if (!SERVED.some((p) => rel.startsWith(p)) || rel.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface WebviewPage {
  readonly page: Page;
  /** Everything the page posted to the "host", in order. */
  posted(): Promise<WebviewMessage[]>;
  state(): Promise<InspectViewState | undefined>;
  /** Delivers a host message the way VS Code does: a message event on the page's window. */
  send(message: HostMessage | Record<string, unknown>): Promise<void>;
  /** CSP violations and uncaught errors seen so far. */
  problems(): Promise<string[]>;
  dialogs: string[];
}

interface FakeWindow {
  __posted: unknown[];
  __state: unknown;
  __problems: string[];
  __pwned?: unknown;
}

export async function openWebview(browser: Browser, server: PageServer, theme: Theme, state?: unknown): Promise<WebviewPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, colorScheme: theme === 'light' ? 'light' : 'dark' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => dialogs.push(`pageerror: ${e.message}`));
  await page.addInitScript((saved) => {
    const w = window as unknown as FakeWindow & { acquireVsCodeApi(): unknown };
    w.__posted = [];
    w.__state = saved;
    w.__problems = [];
    document.addEventListener('securitypolicyviolation', (e: any) => w.__problems.push(`CSP ${e.violatedDirective} ${e.blockedURI}`));
    window.addEventListener('error', (e: any) => w.__problems.push(`error ${e.message}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => w.__state,
      setState: (s: unknown) => {
        w.__state = JSON.parse(JSON.stringify(s));
      },
    });
  }, state);
  await page.goto(`${server.origin}/webview?theme=${theme}`);
  return {
    page,
    dialogs,
    posted: () => page.evaluate(() => (window as unknown as FakeWindow).__posted as WebviewMessage[]),
    state: () => page.evaluate(() => (window as unknown as FakeWindow).__state as InspectViewState | undefined),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    problems: () => page.evaluate(() => (window as unknown as FakeWindow).__problems),
  };
}

/** Waits until the page has posted a message of `type` (bounded, polling the page, no sleeps). */
export async function waitForPosted(w: WebviewPage, type: string, count = 1): Promise<WebviewMessage[]> {
  await w.page.waitForFunction(
    ([t, n]) => ((window as unknown as FakeWindow).__posted as { type: string }[]).filter((m) => m.type === t).length >= (n as number),
    [type, count] as const,
    { timeout: 10_000 },
  );
  return (await w.posted()).filter((m) => m.type === type);
}

export function artifactsDir(): string {
  return path.join(REPO, 'test-artifacts', 'webview');
}
