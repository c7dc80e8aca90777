import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { FAST_REALTIME, OtherClient, connectionStatus, expect, signIn, storeBadSession, test } from './fixtures';
import { expectNoDuplicateSeqs, feedRowsForKey, recordStatuses, recordedStatuses } from './feed';
import { ownServers } from './own-servers';

// Each scenario here breaks its server on purpose (kills it, stalls it, floods it with a bad
// token), so each gets a server of its own instead of the run's shared one.
const servers = ownServers('rt-e2e-');
const ownServer = servers.start;

/** The server's count of upgrade requests to `/ws/events` so far (a chaos route). */
async function upgradeAttempts(request: APIRequestContext, baseUrl: string): Promise<number> {
  const res = await request.get(`${baseUrl}/__chaos/counters`);
  expect(res.ok(), `GET /__chaos/counters: ${res.status()}`).toBeTruthy();
  return ((await res.json()) as { upgradeAttempts: number }).upgradeAttempts;
}

/** Counts the WebSockets the page opens (or tries to) from now on. */
function countSockets(page: Page): () => number {
  let opened = 0;
  page.on('websocket', () => opened++);
  return () => opened;
}

test('a server restart mid-stream: what was written while it was down arrives exactly once', async ({ page, request }) => {
  test.setTimeout(60_000);
  const dataPath = path.join(servers.dataDir(), 'apexstore.sqlite');
  const first = await ownServer(['--data', dataPath]);
  const baseUrl = first.server.url;
  const port = new URL(baseUrl).port;
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  const stamp = Date.now();

  const before = Array.from({ length: 5 }, (_, i) => `restart-before-${stamp}-${i}`);
  const viaFirst = await OtherClient.signIn(request, baseUrl);
  for (const key of before) await viaFirst.put(key, 'live');
  for (const key of before) await expect(feedRowsForKey(page, key)).toHaveCount(1);
  await recordStatuses(page);

  // A crash, not a shutdown: no close frame, the page only sees the socket die.
  first.child.kill('SIGKILL');
  await expect(connectionStatus(page)).toHaveText(/^reconnecting/);

  // While the page's server is down, another process on the same data writes: the page can only
  // learn of these by resuming from its lastSeq when its server is back.
  const stand_in = await ownServer(['--data', dataPath]);
  const viaStandIn = await OtherClient.signIn(request, stand_in.server.url);
  const during = Array.from({ length: 5 }, (_, i) => `restart-during-${stamp}-${i}`);
  for (const key of during) await viaStandIn.put(key, 'while down');
  stand_in.stop();
  await new Promise((resolve) => stand_in.child.once('exit', resolve));

  await ownServer(['--data', dataPath, '--port', port]);
  await expect(connectionStatus(page)).toHaveText('connected · websocket', { timeout: 15_000 });
  const viaRestarted = await OtherClient.signIn(request, baseUrl);
  const after = `restart-after-${stamp}`;
  await viaRestarted.put(after, 'live again');

  for (const key of [...before, ...during, after]) await expect(feedRowsForKey(page, key)).toHaveCount(1);
  expect(await recordedStatuses(page)).toContainEqual(expect.stringMatching(/^reconnecting/));
  await expectNoDuplicateSeqs(page);
});

test('a stalled (half-open) connection is caught by the heartbeat and recovered', async ({ page, request }) => {
  test.setTimeout(60_000);
  // The server tells the SDK its heartbeat: a ping every second, silence of 5 s means dead.
  const server = await ownServer();
  const baseUrl = server.server.url;
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  await recordStatuses(page);
  const other = await OtherClient.signIn(request, baseUrl);
  const sockets = countSockets(page);

  // The stall outlasts the test: only the heartbeat can end it for the page. Sockets opened after
  // it started are served normally, so the reconnect gets through and resumes.
  await other.chaos('stall', { ms: 120_000 });
  const stamp = Date.now();
  const during = Array.from({ length: 3 }, (_, i) => `stall-${stamp}-${i}`);
  for (const key of during) await other.put(key, 'during the stall');

  await expect.poll(() => recordedStatuses(page), { timeout: 15_000 }).toContainEqual(expect.stringMatching(/^reconnecting/));
  await expect(connectionStatus(page)).toHaveText('connected · websocket', { timeout: 15_000 });
  expect(sockets()).toBeGreaterThanOrEqual(1);
  for (const key of during) await expect(feedRowsForKey(page, key)).toHaveCount(1);

  const after = `stall-after-${stamp}`;
  await other.put(after, 'live');
  await expect(feedRowsForKey(page, after)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});

test('a bad token: the session ends as unauthorized, and the server sees at most one upgrade in 20 s', async ({ page, request }) => {
  test.setTimeout(60_000);
  const server = await ownServer();
  const baseUrl = server.server.url;
  const start = await upgradeAttempts(request, baseUrl);

  await storeBadSession(page);
  await page.goto(`${baseUrl}/dashboard?${FAST_REALTIME}`);

  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(/sign in again/i)).toBeVisible();
  await page.waitForTimeout(20_000);
  const attempts = (await upgradeAttempts(request, baseUrl)) - start;
  expect(attempts, 'upgrade attempts with the bad token').toBeLessThanOrEqual(1);
  await expect(page).toHaveURL(/\/login/);
});

test('offline: no attempt while the browser is offline, a reconnect as soon as it is back', async ({ page, context, request }) => {
  test.setTimeout(60_000);
  const server = await ownServer();
  const baseUrl = server.server.url;
  // A backoff long enough (up to 30 s) that only the `online` event can explain a quick return.
  await page.goto(`${baseUrl}/login?rt-reconnect-ms=30000&rt-reconnect-max-ms=60000`);
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('admin');
  await page.getByTestId('login-submit').click();
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  const other = await OtherClient.signIn(request, baseUrl);
  const sockets = countSockets(page);
  const serverStart = await upgradeAttempts(request, baseUrl);

  await context.setOffline(true);
  await other.chaos('drop');
  await expect(connectionStatus(page)).toHaveText('reconnecting · offline');
  const stamp = Date.now();
  const during = `offline-${stamp}`;
  await other.put(during, 'written while offline');
  await page.waitForTimeout(5_000);
  expect(sockets(), 'sockets opened while offline').toBe(0);
  expect(await upgradeAttempts(request, baseUrl)).toBe(serverStart);

  await context.setOffline(false);
  await expect(connectionStatus(page)).toHaveText('connected · websocket', { timeout: 8_000 });
  expect(sockets()).toBe(1);
  await expect(feedRowsForKey(page, during)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});
