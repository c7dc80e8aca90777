import { connectionStatus, expect, test } from './fixtures';
import { expectNoDuplicateSeqs, feedRowsForKey, recordStatuses, recordedStatuses } from './feed';

test('a dropped connection reconnects and loses or repeats nothing', async ({ signedIn: page, other }) => {
  const keys = Array.from({ length: 5 }, (_, i) => `drop-${Date.now()}-${i}`);
  await recordStatuses(page);

  await other.chaos('drop');
  // Written while the page is reconnecting: these arrive by replay (resume with lastSeq), not live.
  for (const key of keys) await other.put(key, 'x');

  await expect.poll(() => recordedStatuses(page)).toContainEqual(expect.stringMatching(/^reconnecting/));
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  for (const key of keys) await expect(feedRowsForKey(page, key)).toHaveCount(1);

  // And the stream still works afterwards.
  const after = `drop-after-${Date.now()}`;
  await other.put(after, 'y');
  await expect(feedRowsForKey(page, after)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});

test('with WebSockets blocked it runs on SSE, with SSE blocked too on polling, then climbs back to WebSocket', async ({ signedIn: page, other }) => {
  await other.chaos('block-websocket', { enabled: true });
  await other.chaos('drop');
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  const streamed = `sse-${Date.now()}`;
  await other.put(streamed, 'via sse');
  await expect(feedRowsForKey(page, streamed)).toHaveCount(1);

  await other.chaos('block-sse', { enabled: true });
  await other.chaos('drop');
  await expect(connectionStatus(page)).toHaveText('connected · polling');
  const polled = `poll-${Date.now()}`;
  await other.put(polled, 'via polling');
  await expect(feedRowsForKey(page, polled)).toHaveCount(1);

  await other.chaos('block-websocket', { enabled: false });
  await other.chaos('block-sse', { enabled: false });
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  const back = `ws-again-${Date.now()}`;
  await other.put(back, 'via websocket');
  await expect(feedRowsForKey(page, back)).toHaveCount(1);
  for (const key of [streamed, polled]) await expect(feedRowsForKey(page, key)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});

test('events written while it moves between transports arrive exactly once', async ({ signedIn: page, other }) => {
  const keys: string[] = [];
  const write = async (label: string) => {
    const key = `move-${label}-${Date.now()}`;
    keys.push(key);
    await other.put(key, label);
  };
  await other.chaos('block-websocket', { enabled: true });
  await other.chaos('drop');
  await write('during-fallback'); // written while no transport is up
  await expect(connectionStatus(page)).toHaveText('connected · sse');
  await write('on-sse');
  await other.chaos('block-websocket', { enabled: false });
  await write('during-probe');
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  await write('back-on-websocket');
  for (const key of keys) await expect(feedRowsForKey(page, key)).toHaveCount(1);
  await expectNoDuplicateSeqs(page);
});

test('logout disconnects for real: the server sees no socket left', async ({ signedIn: page, other }) => {
  await expect.poll(async () => (await other.health()).wsConnections).toBeGreaterThanOrEqual(1);
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  await expect(connectionStatus(page)).toHaveCount(0); // signed out: no pill
  await expect.poll(async () => (await other.health()).wsConnections).toBe(0);
});
