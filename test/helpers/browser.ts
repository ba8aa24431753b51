// Headless Chromium for dln's browser tests: Debian's /usr/bin/chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary: $DLN_CHROMIUM, else Debian's `chromium` package. */
export function chromiumPath(): string {
  return process.env.DLN_CHROMIUM ?? '/usr/bin/chromium';
}

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying to
 * reach Google's hosts at every start.
 */
export const chromiumArgs: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts Chromium with a fresh profile; throws a message that says how to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: install Debian's chromium (apt-get install -y chromium) or set DLN_CHROMIUM`);
  }
  return chromium.launch({ executablePath: path, args: [...chromiumArgs] });
}

/** A page whose every request outside 127.0.0.1 is aborted and recorded in `blocked`. */
export interface LoopbackPage { page: Page; context: BrowserContext; blocked: string[]; console: string[] }

/** Opens a page in a new context that lets only loopback requests through and keeps the console's lines. */
export async function openLoopbackPage(browser: Browser, viewport = { width: 1366, height: 768 }): Promise<LoopbackPage> {
  const context = await browser.newContext({ viewport });
  const blocked: string[] = [];
  const lines: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1';
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { lines.push(`${m.type()}: ${m.text()}`); });
  // DLN_DEBUG_PAGE=1 prints each page error's stack as it happens (the tests assert on the messages).
  page.on('pageerror', (e) => { lines.push(`pageerror: ${e.message}`); if (process.env.DLN_DEBUG_PAGE) console.error('PAGEERROR', page.url(), e.stack); });
  return { page, context, blocked, console: lines };
}
