import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { FAST_REALTIME, OtherClient, connectionStatus, expect, signIn, storeBadSession, test } from './fixtures';
import { feedRowsForKey } from './feed';
import { ownServers } from './own-servers';

// The console against ApexStore 2.2's own change stream, read directly (apexStoreCdc(): GET /events
// over fetch, the token in an Authorization header). Each scenario gets a compat server of its own
// (`--compat apexstore-2.2`): they kill it, stall it, or count its requests.
const servers = ownServers('rt-e2e-cdc-', ['--compat', 'apexstore-2.2']);
const compatServer = servers.start;

/** The server's key names for a prefix, as `GET /keys` lists them (one page of up to 1000). */
async function serverKeys(request: APIRequestContext, other: OtherClient, baseUrl: string, prefix: string): Promise<string[]> {
  const res = await request.get(`${baseUrl}/keys`, { params: { prefix, limit: 1000 }, headers: { Authorization: `Bearer ${other.token}` } });
  expect(res.ok()).toBeTruthy();
  expect(res.headers()['x-last-seq'], 'ApexStore numbers nothing: no X-Last-Seq on its reads').toBeUndefined();
  return ((await res.json()) as { keys: { key: string }[] }).keys.map((k) => k.key);
}

/** The key names the console's list shows, in its order. */
function shownKeys(page: Page): Promise<string[]> {
  return page.getByTestId('key-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')!));
}

/** Opens the key explorer on `prefix`, 1000 keys a page, through the app's own navigation. */
async function openKeys(page: Page, prefix: string): Promise<void> {
  await page.getByTestId('nav-keys').click();
  await page.getByTestId('keys-page-size').selectOption('1000');
  await page.getByTestId('keys-prefix').fill(prefix);
  await page.getByTestId('keys-refresh').click();
}

test('direct over SSE with a bearer token: the console says what it is on, and a write appears once', async ({ page, request }) => {
  const server = await compatServer();
  const baseUrl = server.server.url;
  const streams: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/events') streams.push({ url: req.url(), authorization: req.headers()['authorization'] });
  });
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  await expect(page.getByTestId('stream-mode')).toContainText('ApexStore 2.2 change stream: key changes only, no replay.');
  // The token travels in the header only, never in the URL.
  expect(streams.length).toBe(1);
  expect(streams[0]!.authorization).toMatch(/^Bearer \S+$/);
  expect(new URL(streams[0]!.url).search).toBe('');

  const other = await OtherClient.signIn(request, baseUrl);
  const key = `cdc-once-${Date.now()}`;
  await other.put(key, 'first');
  await expect(feedRowsForKey(page, key)).toHaveCount(1);
  // No seq on ApexStore's changes: the feed says so rather than inventing one.
  await expect(feedRowsForKey(page, key)).not.toHaveAttribute('data-seq');
  await expect(feedRowsForKey(page, key).locator('.seq')).toHaveText('–');

  await openKeys(page, key);
  await expect(page.locator(`[data-testid="key-row"][data-key="${key}"] [data-testid="key-value"]`)).toHaveText('first');
  await other.put(key, 'second');
  await expect(page.locator(`[data-testid="key-row"][data-key="${key}"] [data-testid="key-value"]`)).toHaveText('second');
  await page.waitForTimeout(500);
  expect(await shownKeys(page)).toEqual([key]);
  await page.getByTestId('nav-dashboard').click();
  await expect(feedRowsForKey(page, key)).toHaveCount(2);
});

test('the server restarted mid-stream: resync (reconnected), and the key list equals GET /keys again', async ({ page, request }) => {
  test.setTimeout(60_000);
  const dataPath = path.join(servers.dataDir(), 'apexstore.sqlite');
  const first = await compatServer(['--data', dataPath]);
  const baseUrl = first.server.url;
  const port = new URL(baseUrl).port;
  const prefix = `cdc-restart-${Date.now()}:`;
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  const viaFirst = await OtherClient.signIn(request, baseUrl);
  for (const n of [1, 2, 3]) await viaFirst.put(`${prefix}${n}`, 'before');
  await openKeys(page, prefix);
  await expect(page.getByTestId('key-row')).toHaveCount(3);
  await expect(page.getByTestId('stream-resync')).toHaveCount(0);

  // A crash: the stream just ends. What happens while it is down is never streamed to the page.
  first.child.kill('SIGKILL');
  await expect(connectionStatus(page)).toHaveText(/^reconnecting/);
  const standIn = await compatServer(['--data', dataPath]);
  const viaStandIn = await OtherClient.signIn(request, standIn.server.url);
  for (const n of [4, 5]) await viaStandIn.put(`${prefix}${n}`, 'while down');
  await viaStandIn.put(`${prefix}1`, 'changed while down');
  await viaStandIn.delete(`${prefix}2`);
  standIn.stop();
  await new Promise((resolve) => standIn.child.once('exit', resolve));

  await compatServer(['--data', dataPath, '--port', port]);
  await expect(connectionStatus(page)).toHaveText('connected · sse', { timeout: 15_000 });
  await expect(page.getByTestId('stream-resync')).toHaveAttribute('data-reason', 'reconnected');
  const viaRestarted = await OtherClient.signIn(request, baseUrl);
  const expected = await serverKeys(request, viaRestarted, baseUrl, prefix);
  expect(expected).toEqual([1, 3, 4, 5].map((n) => `${prefix}${n}`));
  await expect.poll(() => shownKeys(page)).toEqual(expected);
  await expect(page.locator(`[data-testid="key-row"][data-key="${prefix}1"] [data-testid="key-value"]`)).toHaveText('changed while down');

  // And it is live again.
  await viaRestarted.put(`${prefix}6`, 'after');
  await expect.poll(() => shownKeys(page)).toEqual([...expected, `${prefix}6`]);
});

test('pushed past 256 unread changes: lag, the list reloads, and equals GET /keys again', async ({ page, request }) => {
  test.setTimeout(60_000);
  const server = await compatServer();
  const baseUrl = server.server.url;
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  await openKeys(page, 'burst:');
  await expect(page.getByTestId('keys-empty')).toBeVisible();
  const other = await OtherClient.signIn(request, baseUrl);

  // The page takes nothing while the stall lasts (a slow client), so 300 changes overflow the 256
  // ApexStore holds for it: it loses the oldest 44 and is told so when it reads again.
  await other.chaos('stall', { ms: 1_500 });
  await other.chaos('burst', { count: 300 });

  const resync = page.getByTestId('stream-resync');
  await expect(resync).toHaveAttribute('data-reason', 'lag', { timeout: 10_000 });
  await expect(resync).toHaveAttribute('data-skipped', '44');
  await expect(resync).toContainText('the server skipped 44 changes for this client (lag)');
  const expected = await serverKeys(request, other, baseUrl, 'burst:');
  expect(expected.length).toBe(300);
  // Only the reload can bring back burst:0..43: the stream dropped them.
  await expect.poll(() => shownKeys(page), { timeout: 10_000 }).toEqual(expected);
  await expect(page.getByTestId('keys-count')).toHaveText('300 keys');
});

test('a bad token: one attempt at the stream, then the session ends as unauthorized', async ({ page, request }) => {
  test.setTimeout(60_000);
  const server = await compatServer();
  const baseUrl = server.server.url;
  const counters = async () => ((await (await request.get(`${baseUrl}/__chaos/counters`)).json()) as { sseStreams: number }).sseStreams;
  const start = await counters();

  await storeBadSession(page);
  // Health asks nothing that needs the token (GET /health is open): the stream is the only thing refused.
  await page.goto(`${baseUrl}/health?${FAST_REALTIME}`);

  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(/sign in again/i)).toBeVisible();
  await page.waitForTimeout(10_000);
  // ApexStore answers a bad token and an expired one alike (401): the SDK asks for a fresh token
  // once, the refresh is refused too, and nothing tries the stream again.
  expect(await counters(), 'GET /events requests').toBe(start + 1);
  await expect(page).toHaveURL(/\/login/);
});

test('pages whose events never come say so and refresh over HTTP: a probe going bad, a compaction to its end', async ({ page, request }) => {
  test.setTimeout(60_000);
  const server = await compatServer();
  const baseUrl = server.server.url;
  // The same sign-in as everywhere, with the HTTP refresh every 2 s instead of 10.
  await page.goto(`${baseUrl}/login?${FAST_REALTIME}&rt-refresh-ms=2000`);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('admin');
  await page.getByTestId('login-submit').click();
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  const other = await OtherClient.signIn(request, baseUrl);

  await page.getByTestId('nav-health').click();
  await expect(page.getByTestId('http-refresh-notice')).toContainText('Health events do not come on ApexStore 2.2');
  await expect(page.getByTestId('probe-readiness-status')).toHaveText('healthy');
  await other.chaos('health', { probe: 'readiness', status: 'unhealthy', reason: 'disk full' });
  // No health_change comes on this stream: only the refresh over HTTP can show it.
  await expect(page.getByTestId('probe-readiness-status')).toHaveText('unhealthy', { timeout: 6_000 });
  await expect(page.getByTestId('health-banner')).toContainText('The readiness probe is unhealthy');
  await expect(page.getByTestId('http-refreshed-ago')).toHaveText(/^Refreshed [0-2] s ago$/);
  await other.chaos('health', { probe: 'readiness', status: 'healthy' });
  await expect(page.getByTestId('health-banner')).toHaveCount(0, { timeout: 6_000 });

  await page.getByTestId('nav-compaction').click();
  await expect(page.getByTestId('compaction-status')).toHaveText('Idle');
  await page.getByTestId('compaction-start').click();
  // Asked at once after the start, then every second while it runs (a 2 s compaction).
  await expect(page.getByTestId('compaction-status')).toHaveText(/^(Started|Compacting) · default$/, { timeout: 3_000 });
  await expect(page.getByTestId('compaction-status')).toHaveText('Completed · default', { timeout: 6_000 });
  await expect(page.getByTestId('compaction-percent')).toHaveText('100%');
});
