import { connectionStatus, expect, signIn, test } from './fixtures';

test('signing in connects over WebSocket and shows live stats', async ({ page }) => {
  await signIn(page);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  await expect(page.getByTestId('current-user')).not.toBeEmpty();
  // At least this page's own socket is counted.
  await expect.poll(async () => Number(await page.getByTestId('stat-wsConnections').textContent())).toBeGreaterThanOrEqual(1);
  // The server pushes stats every second in e2e runs: the dashboard must switch to the live figures.
  await expect(page.getByTestId('stats-updated')).toContainText('(live)');
  // The heartbeat round trip is measured and shown.
  await expect(page.getByTestId('connection-latency')).toHaveText(/^\d+ ms$/);
});

test('wrong credentials are refused with the server message', async ({ page }) => {
  await page.goto('/login');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('nope');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await expect(connectionStatus(page)).toHaveCount(0); // no connection pill before anyone signs in
});

test('a deep link to a page redirects to login and back', async ({ page }) => {
  await page.goto('/compaction');
  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fcompaction/);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('admin');
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/compaction$/);
});
