import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLab } from '../../../cli/src/lab/lab.js';
import { labAccess, type LabAccess } from '../../../cli/src/saga/lab-access.js';
import { freeOffset, makeLabDir, removeLabDir, runFrank } from '../../../cli/test/lab-fixture.js';
import { ARTIFACTS, buildWeb, CHROMIUM, CHROMIUM_ARGS, DIST_INDEX, until } from './e2e-support.js';

/**
 * The storefront in real headless Chromium (Debian's) against a whole real lab: the BFF serves
 * the built app; a customer logs in, orders, watches the saga settle, and is refused what the
 * stock cannot give. Screenshots go to .frank/test-artifacts/.
 */

describe('the storefront, end to end', () => {
  let dir: string;
  let access: LabAccess;
  let browser: Browser;
  let page: Page;
  let bff: string;
  const orderPosts: string[] = [];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `storefront-${name}.png`), fullPage: true });
  const available = async (sku: string) => ((await (await fetch(`${bff}/api/products/${sku}`)).json()) as { available: number | null }).available;
  const setStock = async (sku: string, onHand: number) => {
    const answer = await fetch(`${access.url('inventory')}/admin/stock/${sku}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ onHand }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
    // The views project the adjustment and bump the cache's generation: then the BFF says so too.
    await until(async () => ((await available(sku)) === onHand ? true : undefined), 20_000, `the BFF to show ${sku} at ${onHand}`);
  };
  const card = (sku: string) => page.locator(`article[data-sku="${sku}"]`);
  const addToCart = async (sku: string, qty: string) => {
    await card(sku).getByLabel('Quantity').fill(qty);
    await card(sku)
      .getByRole('button', { name: /Add .* to cart/ })
      .click();
  };
  const goTo = async (link: RegExp) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  const placeAndWatch = async (): Promise<string> => {
    await goTo(/^Cart/);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page
      .getByTestId('order-status')
      .filter({ hasText: /CONFIRMED|CANCELLED/ })
      .waitFor({ timeout: 30_000 });
    return page.url().split('/').pop()!;
  };

  beforeAll(async () => {
    await buildWeb();
    expect(existsSync(DIST_INDEX)).toBe(true);
    dir = await makeLabDir();
    const up = await runFrank(dir, ['up', '--port-offset', String(await freeOffset(dir))]);
    expect(up.exitCode, up.stderr).toBe(0);
    access = await labAccess(await openLab({ config: path.join(dir, 'frank.yaml') }));
    bff = access.url('bff');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/orders') orderPosts.push(request.url());
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await access?.close();
    if (dir) await removeLabDir(dir);
  });

  it('logs the demo user in by keyboard, after refusing empty fields and a wrong password', async () => {
    await page.goto(bff);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot('login');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect(await page.getByRole('alert').allTextContents()).toEqual(['Enter your email.', 'Enter your password.']);
    await page.getByLabel('Email').fill('demo@frank.lab');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['Wrong email or password.']);

    await page.getByLabel('Password').fill('');
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('frank-demo');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    await expect.poll(() => page.getByRole('button', { name: /Log out/ }).textContent()).toMatch(/Log out \S+/);
  });

  it('browses by category with live stock, and the page fits a narrow window', async () => {
    // views is ready once it has the catalogue; the poll only rides out a list read a moment early
    // (it re-reads itself every few seconds).
    await expect.poll(() => page.locator('article[data-sku]').count(), { timeout: 30_000 }).toBe(60);
    const all = 60;
    expect(await card('SKU-0060').getByTestId('stock').textContent()).toBe('Out of stock');
    expect(await card('SKU-0057').getByTestId('stock').textContent()).toBe('1 in stock');
    await shot('products');

    const category = page.getByLabel('Category');
    const firstCategory = (await category.locator('option').nth(1).getAttribute('value'))!;
    await category.selectOption(firstCategory);
    const shown = await page.locator('article[data-sku]').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(all);
    const listed = (await (await fetch(`${bff}/api/products?category=${firstCategory}&limit=200`)).json()) as { items: { sku: string }[] };
    expect(await page.locator('article[data-sku]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sku')))).toEqual(listed.items.map((p) => p.sku));
    await category.selectOption('');

    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await shot('products-narrow');
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('orders an in-stock product and watches it become CONFIRMED, paid', async () => {
    const before = (await available('SKU-0001'))!;
    await addToCart('SKU-0001', '2');
    await expect.poll(() => card('SKU-0001').getByRole('status').textContent()).toBe('Added 2 to your cart.');
    await goTo(/^Cart/);
    await shot('cart');
    const orderId = await placeAndWatch();
    expect(await page.getByTestId('order-status').textContent()).toBe('CONFIRMED');
    await expect.poll(() => page.getByTestId('payment-status').textContent(), { timeout: 15_000 }).toBe('Paid');
    await shot('order-confirmed');
    await expect.poll(() => available('SKU-0001'), { timeout: 15_000 }).toBe(before - 2);
    expect(orderPosts).toHaveLength(1);
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a quantity of 0 or above the stock, at the product and in the cart, and sends nothing', async () => {
    await setStock('SKU-0005', 0);
    await goTo(/^Products/);
    // The list re-reads itself every few seconds; a fresh visit reads it at once.
    await expect.poll(() => card('SKU-0005').getByTestId('stock').textContent(), { timeout: 15_000 }).toBe('Out of stock');
    await addToCart('SKU-0005', '1');
    expect(await card('SKU-0005').getByRole('alert').textContent()).toBe('Out of stock: none available.');
    await addToCart('SKU-0002', '0');
    expect(await card('SKU-0002').getByRole('alert').textContent()).toBe('The quantity must be at least 1.');

    // In the cart while there was stock, gone before the order: the cart's fresh look refuses it.
    await addToCart('SKU-0006', '1');
    await setStock('SKU-0006', 0);
    await goTo(/^Cart/);
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Nothing was sent\. Please fix:.*: Out of stock: none available\.$/);
    await shot('cart-refused');
    expect(orderPosts).toHaveLength(1);
    await page.getByRole('button', { name: /^Remove / }).click();
  });

  it('orders the last unit of a product twice in a row: the first is CONFIRMED, the second gets none', async () => {
    expect(await available('SKU-0057')).toBe(1);
    await goTo(/^Products/);
    await addToCart('SKU-0057', '1');
    const first = await placeAndWatch();
    expect(await page.getByTestId('order-status').textContent()).toBe('CONFIRMED');

    // Straight back for another: whichever of the storefront's checks or the saga sees the empty shelf first says no.
    await goTo(/^Products/);
    await card('SKU-0057').waitFor();
    await addToCart('SKU-0057', '1');
    const refusedAtProduct = (await card('SKU-0057').getByRole('alert').count()) > 0;
    let outcome: string;
    if (refusedAtProduct) {
      expect(await card('SKU-0057').getByRole('alert').textContent()).toBe('Out of stock: none available.');
      outcome = 'refused on the product page';
    } else {
      await goTo(/^Cart/);
      await page.getByRole('button', { name: 'Place order' }).click();
      const settled = await Promise.race([
        page
          .getByRole('alert')
          .waitFor({ timeout: 30_000 })
          .then(() => 'refused in the cart'),
        page
          .getByTestId('order-status')
          .filter({ hasText: /CONFIRMED|CANCELLED/ })
          .waitFor({ timeout: 30_000 })
          .then(() => 'placed'),
      ]);
      if (settled === 'refused in the cart') {
        expect(await page.getByRole('alert').textContent()).toContain('Out of stock: none available.');
        outcome = settled;
      } else {
        expect(await page.getByTestId('order-status').textContent()).toBe('CANCELLED — Not enough stock');
        outcome = 'placed, then cancelled out of stock by the saga';
      }
    }
    await shot('second-last-unit');
    console.info(`second order of the last unit: ${outcome}`);
    expect(orderPosts).toHaveLength(outcome.startsWith('placed') ? 3 : 2);
    await expect.poll(() => available('SKU-0057'), { timeout: 15_000 }).toBe(0);

    await goTo(/^My orders/);
    const row = page.locator(`tr[data-order-id="${first}"]`);
    await row.waitFor();
    await expect
      .poll(() => row.locator('td').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.any(String), 'CONFIRMED', expect.stringMatching(/€/), 'Paid', expect.stringMatching(/^(Sent by|failed by|Not yet)/)]);
    await expect.poll(() => page.locator('tr[data-order-id]').count(), { timeout: 15_000 }).toBe(outcome.startsWith('placed') ? 3 : 2);
    await shot('history');
  });

  it("shows a product's image once `frank images upload` made its thumbnails, loaded by the browser", async () => {
    const file = path.join(dir, 'lamp.jpg');
    const svg = '<svg width="800" height="600"><rect width="100%" height="100%" fill="#246"/><circle cx="400" cy="300" r="200" fill="#fc3"/></svg>';
    await writeFile(file, await sharp(Buffer.from(svg)).jpeg().toBuffer());
    const upload = await runFrank(dir, ['images', 'upload', 'SKU-0002', file, '--json']);
    expect(upload.exitCode, upload.stderr).toBe(0);
    const { imageId } = JSON.parse(upload.stdout) as { imageId: string };
    await goTo(/^Products/);
    const img = card('SKU-0002').locator('img.product-image');
    // The list re-reads itself every few seconds.
    await img.waitFor({ timeout: 15_000 });
    expect(await img.getAttribute('src')).toBe(`/api/images/SKU-0002/${imageId}/160.webp`);
    expect(await img.getAttribute('alt')).toBe(await card('SKU-0002').locator('h2').textContent());
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await card('SKU-0002').scrollIntoViewIfNeeded();
    await shot('product-image');
  });
});
