import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLab, type Lab } from '../../../cli/src/lab/lab.js';
import { labStatus } from '../../../cli/src/lab/status.js';
import { labAccess, type LabAccess } from '../../../cli/src/saga/lab-access.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { ARTIFACTS, buildWeb, CHROMIUM, CHROMIUM_ARGS, DIST_INDEX } from './e2e-support.js';

/**
 * The lab console in real headless Chromium against a whole real lab: every resource healthy, a
 * saga's timeline, faults injected from the console's form (a latency, a killed service) listed
 * as the BFF pushes frames, healed by its button; a bad form sends nothing. Screenshots go to
 * .frank/test-artifacts/console-*.png.
 */
describe('the lab console, end to end', () => {
  let dir: string;
  let lab: Lab;
  let access: LabAccess;
  let browser: Browser;
  let page: Page;
  let bff: string;
  const faultPosts: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  const faultList = () => page.getByRole('list', { name: 'Faults in force' });
  const frank = async (args: string[]) => {
    const run = await runFrank(dir, args);
    expect(run.exitCode, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as unknown;
  };

  beforeAll(async () => {
    await buildWeb();
    expect(existsSync(DIST_INDEX)).toBe(true);
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    lab = await openLab({ config: path.join(dir, 'frank.yaml') });
    access = await labAccess(lab);
    bff = access.url('bff');
    // One saga for the console to show.
    const login = (await (
      await fetch(`${bff}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@frank.lab', password: 'frank-demo' }),
      })
    ).json()) as { token: string };
    const placed = await fetch(`${bff}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ items: [{ sku: 'SKU-0001', qty: 1 }] }),
    });
    expect(placed.status).toBe(202);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/api/lab/faults')) faultPosts.push(new URL(request.url()).pathname);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await access?.close();
    if (dir) await removeLabDir(dir);
  });

  it("`frank open console --json` gives the console's address", async () => {
    expect(await frank(['open', 'console', '--json'])).toEqual({ url: `${bff}/console` });
  });

  it('shows every resource of the lab healthy, live, and a saga with its timeline', async () => {
    await page.goto(`${bff}/console`);
    const units = await labStatus(lab);
    await expect.poll(() => page.getByTestId('resources-summary').textContent(), { timeout: 30_000 }).toBe(`${units.length} of ${units.length} healthy`);
    expect(await page.locator('tr[data-resource]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-resource')))).toEqual(units.map((u) => u.name));
    expect(new Set(await page.locator('tr[data-resource] .badge').allTextContents())).toEqual(new Set(['healthy']));
    await expect.poll(() => page.getByTestId('console-status').textContent()).toMatch(/^Live · updated /);
    const first = await page.getByTestId('console-status').textContent();
    // The BFF pushes a new frame every 2 s without the page asking.
    await expect.poll(() => page.getByTestId('console-status').textContent(), { timeout: 15_000 }).not.toBe(first);

    const row = page.locator('tr[data-saga-id]').first();
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 30_000 }).toBe('CONFIRMED');
    await row.getByRole('button', { name: /^Show the timeline of order / }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor({ timeout: 30_000 });
    const steps = await timeline.getByRole('listitem').allTextContents();
    expect(steps[0]).toMatch(/^\+0 ms order\.created by order/);
    expect(steps.some((s) => s.includes('payment.completed'))).toBe(true);
    await shot('healthy');
  });

  it('refuses an empty or invalid duration in the fault form with a message, and sends nothing', async () => {
    await page.getByLabel('Kind of fault').selectOption('latency');
    await page.getByLabel('Target').fill('order-db');
    await page.getByLabel('Latency').fill('');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    expect(await page.getByRole('alert').allTextContents()).toEqual(['Enter the latency, e.g. 300ms.']);
    await page.getByLabel('Latency').fill('300');
    await page.getByLabel('Heal after (optional)').fill('-5s');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    expect(await page.getByRole('alert').allTextContents()).toEqual([
      'Latency takes a duration such as 500ms, 10s or 2m, not "300" (add a unit: 300ms or 300s).',
      'Heal after takes a duration such as 500ms, 10s or 2m, not "-5s" (durations are not negative).',
    ]);
    await shot('bad-input');
    expect(faultPosts).toEqual([]);
    expect(await frank(['chaos', 'status', '--json'])).toEqual({ faults: [] });
  });

  it('lists the flags and flips one from the console through frank flags set, as `frank flags ls` then sees it, and back', async () => {
    type Listed = { flags: { name: string; environments: { name: string; enabled: boolean }[]; seen?: { enabled?: boolean } }[] };
    const sms = async () => ((await frank(['flags', 'ls', '--json'])) as Listed).flags.find((f) => f.name === 'notification.sms');
    const row = page.getByTestId('flag-notification.sms');
    const state = () => row.locator('td').nth(0).textContent();
    await expect.poll(state, { timeout: 30_000 }).toBe('off');
    await row.getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /^notification\.sms is/ })
            .textContent(),
        { timeout: 60_000 },
      )
      .toMatch(/^notification\.sms is on; notification read it after \d+ ms\.$/);
    expect(await sms()).toMatchObject({ environments: expect.arrayContaining([{ name: 'development', enabled: true }]), seen: { enabled: true } });
    await expect.poll(state, { timeout: 15_000 }).toBe('on');
    await shot('flag-on');

    await row.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(state, { timeout: 60_000 }).toBe('off');
    expect(await sms()).toMatchObject({ environments: expect.arrayContaining([{ name: 'development', enabled: false }]), seen: { enabled: false } });
  });

  it('injects a latency and kills a service from the console (by keyboard), sees both listed, then heals them', async () => {
    await page.getByLabel('Latency').fill('300ms');
    await page.getByLabel('Heal after (optional)').fill('');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /in force/ })
            .textContent(),
        { timeout: 60_000 },
      )
      .toMatch(/^latency order-db 300ms is in force \(fault \w+\); it stays until healed\.$/);
    await expect.poll(() => faultList().textContent(), { timeout: 15_000 }).toMatch(/latency order-db 300ms/);

    await page.getByLabel('Kind of fault').focus();
    await page.getByLabel('Kind of fault').selectOption('kill-service');
    await page.keyboard.press('Tab');
    await page.keyboard.type('inventory');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => faultList().getByRole('listitem').allTextContents(), { timeout: 60_000 })
      .toEqual([expect.stringMatching(/^latency order-db 300ms since /), expect.stringMatching(/^kill-service inventory since /)]);
    await expect.poll(() => page.locator('tr[data-resource="inventory"] .badge').textContent(), { timeout: 15_000 }).not.toBe('healthy');
    const status = (await frank(['chaos', 'status', '--json'])) as { faults: { label: string }[] };
    expect(status.faults.map((f) => f.label)).toEqual(['latency order-db 300ms', 'kill-service inventory']);
    await shot('faults');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await shot('narrow');
    await page.setViewportSize({ width: 1100, height: 900 });

    await page.getByRole('button', { name: 'Heal every fault' }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /^Healed/ })
            .textContent(),
        { timeout: 120_000 },
      )
      .toBe('Healed latency order-db 300ms, kill-service inventory.');
    await expect.poll(() => page.getByTestId('faults-summary').textContent(), { timeout: 15_000 }).toBe('No fault in force.');
    const units = await labStatus(lab);
    await expect.poll(() => page.getByTestId('resources-summary').textContent(), { timeout: 30_000 }).toBe(`${units.length} of ${units.length} healthy`);
    expect(await frank(['chaos', 'status', '--json'])).toEqual({ faults: [] });
    expect(faultPosts).toEqual(['/api/lab/faults', '/api/lab/faults', '/api/lab/faults/heal']);
    await shot('healed');
  });
});
