import type { Page, WebSocket } from '@playwright/test';
import { connectionStatus, expect, signIn, test } from './fixtures';
import { expectNoDuplicateSeqs, feedRowsForKey } from './feed';

/** A demo tab, and the WebSockets it opened (only the leader of the shared connection opens one). */
interface Tab {
  page: Page;
  sockets: WebSocket[];
}

async function openTab(page: Page): Promise<Tab> {
  const tab: Tab = { page, sockets: [] };
  page.on('websocket', (ws) => tab.sockets.push(ws));
  await signIn(page);
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  return tab;
}

const openSockets = (tab: Tab) => tab.sockets.filter((ws) => !ws.isClosed()).length;

test('tabs share one connection, hand over when the leader closes, and logout steps down', async ({ page, other }) => {
  test.setTimeout(90_000);
  const tabs = [await openTab(page), await openTab(await page.context().newPage()), await openTab(await page.context().newPage())];

  // One connection for the three tabs, at the server and in the browser.
  await expect.poll(async () => (await other.health()).wsConnections).toBe(1);
  await expect.poll(() => tabs.map(openSockets).reduce((a, b) => a + b, 0)).toBe(1);
  const first = `shared-${Date.now()}`;
  await other.put(first, '1');
  for (const tab of tabs) await expect(feedRowsForKey(tab.page, first)).toHaveCount(1);

  // Close the leader's tab while another client writes: another tab connects, nothing is lost or repeated.
  const leader = tabs.find((t) => openSockets(t) === 1)!;
  const rest = tabs.filter((t) => t !== leader);
  const keys: string[] = [];
  const writing = (async () => {
    for (let i = 0; i < 30; i++) {
      const key = `handover-${Date.now()}-${i}`;
      await other.put(key, String(i));
      keys.push(key);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 400));
  const closedAt = Date.now();
  await leader.page.close();
  await expect.poll(() => rest.map(openSockets).reduce((a, b) => a + b, 0), { timeout: 2000 }).toBe(1);
  const handoverMs = Date.now() - closedAt;
  expect(handoverMs).toBeLessThan(2000);
  await writing;
  for (const tab of rest) {
    for (const key of keys) await expect(feedRowsForKey(tab.page, key)).toHaveCount(1);
    await expectNoDuplicateSeqs(tab.page);
  }
  await expect.poll(async () => (await other.health()).wsConnections).toBe(1);

  // Logging out in the leader hands over; the tab that logged out shows nothing more.
  const newLeader = rest.find((t) => openSockets(t) === 1)!;
  const follower = rest.find((t) => t !== newLeader)!;
  await newLeader.page.getByTestId('logout').click();
  await expect(newLeader.page).toHaveURL(/\/login/);
  await expect.poll(() => openSockets(follower), { timeout: 2000 }).toBe(1);
  await expect(connectionStatus(follower.page)).toHaveText('connected · websocket');
  const after = `after-logout-${Date.now()}`;
  await other.put(after, '1');
  await expect(feedRowsForKey(follower.page, after)).toHaveCount(1);
  await expect(feedRowsForKey(newLeader.page, after)).toHaveCount(0);
  await expect.poll(async () => (await other.health()).wsConnections).toBe(1);
});
