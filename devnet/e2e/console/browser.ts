// The browser side of the console's end-to-end test: Debian's Chromium through playwright-core, the page's errors
// and CSP violations collected, screenshots kept as artifacts, and axe-core run in the page.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/devnet.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (git-ignored), one per step, named by the step. */
export const ARTIFACTS = join(REPO_ROOT, 'tmp', 'e2e-artifacts', 'console');

export interface ConsoleBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** what went wrong in the page: uncaught exceptions, console errors (CSP refusals among them), its files refused */
  readonly problems: string[];
  /** every URL the page requested, with the body it sent */
  readonly requests: { url: string; body: string }[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openConsole(): Promise<ConsoleBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: { url: string; body: string }[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A refused query (a search for a hash nothing has: 404) is logged by Chromium too; the answers are checked below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${m.text()}`);
  });
  // The page's own files must always load; the API may refuse (that is shown to the user and tested as such).
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.status() >= 400 && (path === '/' || /^\/console\.\w+$/.test(path)))
      problems.push(`${r.status()} for ${path}`);
  });
  page.on('request', (r) => requests.push({ url: r.url(), body: r.postData() ?? '' }));
  return {
    browser,
    context,
    page,
    problems,
    requests,
    async shot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is now. Evaluated through the DevTools protocol, which the
 * page's CSP (script-src 'self') does not govern, so the page runs under the policy it is served with.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, as this file is compiled without the DOM's types.
  return (await page.evaluate(`(async () => {
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  })()`)) as AxeViolation[];
}
