/**
 * `npm run test:browser`: the report of the demo's history in a real browser.
 * Runs the demo (`npm start`, which ends by writing report.html), opens that
 * file in headless Chromium (Debian's `chromium`, driven by playwright-core),
 * and checks what a person relies on: the page loads with no console error
 * and no request leaves the file (it needs no network), every chart has a
 * size, and at a phone's width nothing but the tables' own scrollers is wider
 * than the screen. Saves a full-page screenshot to test/browser/report.png
 * (the README shows it). CI runs it after `npm test` (.ci/run installs
 * chromium). Without a browser it says so and stops: with exit code 1 under
 * CI, 0 on a developer's machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
const SCREENSHOT = join(__dirname, 'report.png');
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (p): p is string => p !== undefined && p !== '',
);

function fail(message: string): never {
  process.stderr.write(`report in Chromium: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (executablePath === undefined) {
    const message = `no Chromium found (looked at ${CANDIDATES.join(', ')}); install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`;
    if (process.env.CI !== undefined) fail(message);
    process.stdout.write(`report in Chromium: skipped, ${message}\n`);
    return;
  }

  process.stdout.write('report in Chromium: running the demo (npm start) for its history and report.html…\n');
  const demo = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'test', 'demo', 'demo.ts')],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  if (demo.status !== 0) fail(`the demo failed (${demo.status}):\n${demo.stderr}${demo.stdout.slice(-2000)}`);
  const report = join(ROOT, 'report.html');
  if (!demo.stdout.includes(`The report of this history is ${report}`) || !existsSync(report)) {
    fail(`the demo did not say it wrote ${report}`);
  }

  // launch() gives the browser a fresh, empty profile of its own (a temporary user data dir).
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
    });
    const url = pathToFileURL(report).href;
    const response = await page.goto(url, { waitUntil: 'load' });
    if (response !== null && !response.ok()) problems.push(`loading ${url} answered ${response.status()}`);

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { id: svg.id, width: box.width, height: box.height, bars: svg.querySelectorAll('rect.bar').length };
      }),
    );
    if (charts.length < 4) problems.push(`expected at least 4 charts, found ${charts.length}`);
    for (const c of charts) {
      if (!(c.width > 0 && c.height > 0)) problems.push(`chart ${c.id} has no size (${c.width} × ${c.height})`);
    }
    const minutes = charts.find((c) => c.id === 'minutes-chart');
    if (minutes === undefined || minutes.bars === 0) problems.push('the minutes chart has no bar');
    const tables = await page.$$eval('table', (all) => all.length);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // A phone: the page itself does not scroll sideways (wide tables scroll in their own box).
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    if (overflow > 1) problems.push(`at 390 px wide the page is ${overflow} px wider than the screen`);

    if (problems.length > 0) fail(problems.join('\n'));
    process.stdout.write(
      `report in Chromium: ${url} loaded with no console error and no network request; ` +
        `${charts.length} charts (${charts.map((c) => `${c.id} ${Math.round(c.width)}×${Math.round(c.height)}`).join(', ')}), ` +
        `${tables} tables; fits a 390 px screen; screenshot ${SCREENSHOT}\n`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
