import type { Page } from '@playwright/test';
import { connectionStatus, expect, signIn, test } from './fixtures';

/**
 * The console's polish, in real Chromium against the mock server: compaction of an unknown
 * column family, snapshots for a viewer, the health banner, the layout at 360 px, the connection
 * pill, tab titles, the way back after a session ends, the Sync page and the dashboard charts.
 */

/** Width of the document, to compare with the viewport: wider means the page scrolls sideways. */
function documentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** The signed-in page's bearer token, as the app keeps it. */
function pageToken(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem('apex.session')!) as { token: string }).token);
}

test('compaction suggests the column families and shows the server’s refusal of an unknown one; nothing runs', async ({ signedIn: page }) => {
  await page.getByTestId('nav-compaction').click();
  await expect(page.locator('datalist#column-families option[value="default"]')).toHaveCount(1);
  await expect(page.getByTestId('compaction-cfs')).toContainText('default');

  await page.getByTestId('compaction-cf').fill('nope');
  await page.getByTestId('compaction-start').click();
  await expect(page.getByTestId('compaction-error')).toHaveText("Column family 'nope' does not exist");
  await expect(page.getByTestId('compaction-start')).toHaveText('Start compaction');
  // No compaction event arrives: the history this page keeps stays empty.
  await page.getByTestId('compaction-cf').fill('default');
  await page.getByTestId('compaction-start').click();
  await expect(page.getByTestId('compaction-event').first()).toBeVisible();
  await expect(page.getByTestId('compaction-event').filter({ hasText: 'nope' })).toHaveCount(0);
  await expect(page.getByTestId('compaction-error')).toHaveCount(0);
});

test('a viewer on Snapshots sees only the refusal; an admin sees the list', async ({ page, other, request }) => {
  // There is at least one snapshot, so an empty list would be a lie.
  const created = await request.post('/admin/snapshots', { headers: { Authorization: `Bearer ${other.token}` }, data: {} });
  expect(created.status()).toBe(202);

  await signIn(page, 'viewer', 'viewer');
  await page.getByTestId('nav-snapshots').click();
  await expect(page.getByTestId('snapshots-refused')).toContainText('Admin permission');
  await expect(page.getByTestId('snapshots-empty')).toHaveCount(0);
  await expect(page.getByTestId('snapshot-row')).toHaveCount(0);
  await expect(page.getByTestId('snapshots-error')).toHaveCount(0);

  await page.getByTestId('logout').click();
  await signIn(page);
  await page.getByTestId('nav-snapshots').click();
  await expect(page.getByTestId('snapshot-row').first()).toBeVisible();
  await expect(page.getByTestId('snapshots-refused')).toHaveCount(0);
});

test('an unhealthy probe raises a banner on every page until it recovers', async ({ signedIn: page, other }) => {
  const banner = page.getByTestId('health-banner');
  await expect(banner).toHaveCount(0);

  await other.chaos('health', { probe: 'readiness', status: 'unhealthy', reason: 'disk full' });
  await expect(banner).toContainText('The readiness probe is unhealthy: disk full');
  for (const nav of ['nav-keys', 'nav-compaction', 'nav-snapshots', 'nav-sync', 'nav-dashboard']) {
    await page.getByTestId(nav).click();
    await expect(banner).toContainText('readiness');
  }
  // A page opened afresh learns it from GET /health (503), not from an event it never saw.
  await page.reload();
  await expect(banner).toContainText('The readiness probe is unhealthy');

  await other.chaos('health', { probe: 'readiness', status: 'healthy' });
  await expect(banner).toHaveCount(0);
});

test('no banner and no pill before sign-in, even with a probe down', async ({ page, other }) => {
  await other.chaos('health', { probe: 'liveness', status: 'unhealthy', reason: 'gone' });
  await page.goto('/login');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await expect(page.getByTestId('health-banner')).toHaveCount(0);
  await expect(connectionStatus(page)).toHaveCount(0);
});

test('at 360 px every page fits the screen: the menu folds, tables scroll in their box, Put is on screen', async ({ page, other }) => {
  // A value too long for any screen: the Keys page must not grow to hold it.
  await other.put(`wide:${Date.now()}`, 'x'.repeat(5_000));
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/login');
  expect(await documentWidth(page)).toBeLessThanOrEqual(360);
  await signIn(page);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  expect(await documentWidth(page)).toBeLessThanOrEqual(360);

  for (const name of ['keys', 'compaction', 'health', 'snapshots', 'sync', 'dashboard']) {
    const link = page.getByTestId(`nav-${name}`);
    await expect(link).toBeHidden(); // folded behind the menu button
    await page.getByTestId('menu-toggle').click();
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/${name}`));
    await expect(page.locator('h1')).toBeVisible();
    await expect(link).toBeHidden(); // choosing a page closes the menu
    expect(await documentWidth(page), `${name} is wider than the screen`).toBeLessThanOrEqual(360);
    if (name === 'keys') {
      const form = await page.getByTestId('put-form').boundingBox();
      expect(form, 'the Put form is on the page').not.toBeNull();
      expect(form!.x).toBeGreaterThanOrEqual(0);
      expect(form!.x + form!.width).toBeLessThanOrEqual(360);
    }
  }
});

test('the header fits at every width from 360 to 1400 px: no page overflow, no links under the pill', async ({ signedIn: page }) => {
  const misfits: string[] = [];
  for (let width = 360; width <= 1400; width += 20) {
    await page.setViewportSize({ width, height: 800 });
    const fit = await page.evaluate(() => {
      const nav = document.querySelector('#main-nav')!;
      const folded = getComputedStyle(nav).display === 'none';
      const lastLink = nav.querySelector('a:last-child')!.getBoundingClientRect();
      const right = document.querySelector('header .right')!.getBoundingClientRect();
      return {
        documentWidth: document.documentElement.scrollWidth,
        linksClipped: !folded && nav.scrollWidth > nav.clientWidth,
        linksUnderPill: !folded && lastLink.top === right.top && lastLink.right > right.left,
      };
    });
    if (fit.documentWidth > width || fit.linksClipped || fit.linksUnderPill) misfits.push(`${width} px: ${JSON.stringify(fit)}`);
  }
  expect(misfits).toEqual([]);
});

test('the pill tells WebSocket, SSE and polling apart by colour and is a polite live region', async ({ signedIn: page, other }) => {
  const pill = page.locator('.pill');
  const status = connectionStatus(page);
  const colour = () => pill.evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect(status).toHaveAttribute('role', 'status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expect(pill).toHaveAttribute('data-transport', 'websocket');
  const websocketColour = await colour();

  await other.chaos('block-websocket', { enabled: true });
  await other.chaos('drop');
  await expect(status).toHaveText('connected · sse');
  const sseColour = await colour();
  expect(sseColour).not.toBe(websocketColour);

  await other.chaos('block-sse', { enabled: true });
  await other.chaos('drop');
  await expect(status).toHaveText('connected · polling');
  const pollingColour = await colour();
  expect(pollingColour).not.toBe(websocketColour);
  expect(pollingColour).not.toBe(sseColour);

  await other.chaos('block-websocket', { enabled: false });
  await other.chaos('block-sse', { enabled: false });
  await expect(status).toHaveText('connected · websocket');
  expect(await colour()).toBe(websocketColour);
});

test('tab titles name the page and the app', async ({ page }) => {
  await page.goto('/login');
  await expect(page).toHaveTitle('Sign in · ApexStore console');
  await signIn(page);
  await expect(page).toHaveTitle('Dashboard · ApexStore console');
  await page.getByTestId('nav-keys').click();
  await expect(page).toHaveTitle('Keys · ApexStore console');
  await page.getByTestId('nav-sync').click();
  await expect(page).toHaveTitle('Sync · ApexStore console');
});

test('a session revoked elsewhere lands on login, and signing in again returns to the page', async ({ signedIn: page, request }) => {
  await page.getByTestId('nav-sync').click();
  await expect(page).toHaveURL(/\/sync$/);
  const revoked = await request.post('/auth/logout', { headers: { Authorization: `Bearer ${await pageToken(page)}` } });
  expect(revoked.ok()).toBeTruthy();

  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fsync$/);
  await expect(page.getByTestId('session-ended')).toBeVisible();
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('admin');
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/sync$/);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
});

test('an expired token on an API call also returns to the page after signing in', async ({ signedIn: page }) => {
  await page.getByTestId('nav-compaction').click();
  // The reload below must find the page there, not still on the dashboard.
  await expect(page).toHaveURL(/\/compaction$/);
  // The server answers 401 to a request whose token it does not know, as for an expired one.
  await page.evaluate(() => {
    const session = JSON.parse(sessionStorage.getItem('apex.session')!) as { token: string };
    sessionStorage.setItem('apex.session', JSON.stringify({ ...session, token: 'apx_expired' }));
  });
  await page.reload();
  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fcompaction$/);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('admin');
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/compaction$/);
});

test('the Sync page starts a sync, follows it live and keeps the runs it saw', async ({ signedIn: page }) => {
  await page.getByTestId('nav-sync').click();
  await expect(page.getByTestId('sync-start')).toBeEnabled();
  await page.getByTestId('sync-start').click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('sync-status-text')).toHaveText('Completed');
  await expect(page.getByTestId('sync-status')).toContainText('keys synced');
  const run = page.getByTestId('sync-run').first();
  await expect(run).toHaveAttribute('data-status', 'completed');
  // Seen from its start: the run knows when it started and how long it took.
  await expect(run.getByTestId('sync-run-started')).not.toHaveText('–');
  await expect(run.getByTestId('sync-run-took')).toHaveText(/\d+( ms|\.\d s)/);

  // A page opened later shows the newest run from GET /admin/sync.
  await page.reload();
  await expect(page.getByTestId('sync-status-text')).toHaveText('Completed');
  await expect(page.getByTestId('sync-run')).toHaveCount(1);
});

test('a viewer may watch syncs but not start one', async ({ page }) => {
  await signIn(page, 'viewer', 'viewer');
  await page.getByTestId('nav-sync').click();
  await expect(page.getByTestId('sync-status')).toBeVisible();
  await expect(page.getByTestId('sync-start')).toBeDisabled();
});

test('the dashboard charts events per second and the stats, and the lines move', async ({ signedIn: page, other }) => {
  const events = page.getByTestId('chart-events');
  await expect(events.locator('svg[role="img"]')).toHaveAttribute('aria-label', /Events per second/);
  const points = () => events.locator('svg').getAttribute('data-points').then(Number);
  await expect.poll(points).toBeGreaterThanOrEqual(2);

  for (let i = 0; i < 5; i++) await other.put(`chart:${Date.now()}:${i}`, 'v');
  // The writes land in some second of the chart: its peak is at least one event per second.
  await expect(events.locator('svg')).toHaveAttribute('aria-label', /peak [1-9]/);
  const line = await events.getByTestId('chart-line').getAttribute('d');
  await expect.poll(() => events.getByTestId('chart-line').getAttribute('d')).not.toBe(line);

  // The stats pushes are charted too: records is a line with a current value.
  const records = page.getByTestId('chart-total_records');
  await expect(records.getByTestId('chart-now')).toHaveText(/^\s*\d[\d,]*\s*$/);
  await expect(records.getByTestId('chart-line')).toHaveAttribute('d', /^M[\d.]+,[\d.]+L/);
  // The numbers stay as they were.
  await expect(page.getByTestId('stat-total_records')).toHaveText(/^\s*\d[\d,]*\s*$/);
});
