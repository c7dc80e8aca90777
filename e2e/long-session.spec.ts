import type { WebSocket } from '@playwright/test';
import { connectionStatus, expect, signIn, test } from './fixtures';
import { expectNoDuplicateSeqs, feedRowsForKey, recordStatuses, recordedStatuses } from './feed';
import { startMockServer } from './mock-server-process';

// Tokens that live 5 s: a minute is twelve lifetimes, each rotated on the open socket.
let baseUrl = '';
let stopServer = () => undefined as void;

test.beforeAll(async () => {
  const started = await startMockServer(['--token-ttl', '5']);
  baseUrl = started.server.url;
  stopServer = started.stop;
});

test.afterAll(() => stopServer());

test('with 5 s tokens the demo stays signed in for 60 s on one socket the server never closes', async ({ page, request }) => {
  test.setTimeout(120_000);
  const sockets: WebSocket[] = [];
  page.on('websocket', (ws) => sockets.push(ws));
  await signIn(page, 'admin', 'admin', baseUrl);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  await recordStatuses(page);
  expect(sockets.length).toBe(1);

  // Another client writes a key every 2 s; its own short-lived token is fetched for each write.
  const keys: string[] = [];
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    const login = await request.post(`${baseUrl}/auth/login`, { data: { username: 'admin', password: 'admin' } });
    const { token } = (await login.json()) as { token: string };
    const key = `long-${started}-${keys.length}`;
    const put = await request.put(`${baseUrl}/keys/${encodeURIComponent(key)}`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { value: String(keys.length) },
    });
    expect(put.ok()).toBeTruthy();
    keys.push(key);
    await page.waitForTimeout(2_000);
  }

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  expect(await recordedStatuses(page)).toEqual(['connected · websocket']);
  expect(sockets.length, 'the page opened a second socket: the first one was closed').toBe(1);
  expect(sockets[0]!.isClosed()).toBe(false);
  for (const key of keys) await expect(feedRowsForKey(page, key)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});
