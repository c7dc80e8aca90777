import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { OtherClient, expect, signIn, test } from './fixtures';
import { startMockServer } from './mock-server-process';

// The README's pictures of the console: `UPDATE_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts`
// (after `npx ng build demo`) rewrites docs/screenshots/. Without the variable this file is skipped,
// so the test command never dirties the tree.
const OUT = path.resolve(__dirname, '..', 'docs', 'screenshots');

test.skip(!process.env['UPDATE_SCREENSHOTS'], 'set UPDATE_SCREENSHOTS=1 to rewrite docs/screenshots');

let baseUrl = '';
let stopServer = () => undefined as void;

test.beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Sample data, as `scripts/demo.sh` starts it, so no page is a wall of zeros.
  const started = await startMockServer(['--seed']);
  baseUrl = started.server.url;
  stopServer = started.stop;
});

test.afterAll(() => stopServer());

async function shoot(page: Page, name: string): Promise<void> {
  // Let entrance animations and the flash of a fresh row settle.
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
}

test('screenshots of every page', async ({ page, request }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${baseUrl}/login`);
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await shoot(page, 'login');

  await signIn(page, 'admin', 'admin', baseUrl);
  const res = await request.post(`${baseUrl}/auth/login`, { data: { username: 'admin', password: 'admin' } });
  const other = new OtherClient(request, ((await res.json()) as { token: string }).token, baseUrl);
  // A minute of traffic compressed: writes for the events-per-second chart and the feed.
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < 5 + round * 3; i++) await other.put(`user:${1000 + ((round * 7 + i) % 40)}`, `visitor ${round}-${i}`);
    await page.waitForTimeout(1_000);
  }
  await shoot(page, 'dashboard');

  await page.getByTestId('nav-keys').click();
  await expect(page.getByTestId('key-row').first()).toBeVisible();
  await other.put('user:1003', 'changed from another client');
  await shoot(page, 'keys');

  await page.getByTestId('nav-compaction').click();
  await page.waitForTimeout(300);
  await shoot(page, 'compaction');

  await page.getByTestId('nav-snapshots').click();
  await shoot(page, 'snapshots');

  await page.getByTestId('nav-sync').click();
  await shoot(page, 'sync');

  await other.chaos('health', { probe: 'readiness', status: 'unhealthy', reason: 'disk almost full' });
  await page.getByTestId('nav-health').click();
  await shoot(page, 'health-unhealthy');
  await other.chaos('health', { probe: 'readiness', status: 'healthy' });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}/keys`); // a reload: the session lives in sessionStorage
  await expect(page.getByTestId('key-row').first()).toBeVisible();
  await shoot(page, 'keys-mobile');
});
