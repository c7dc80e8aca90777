import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { connectionStatus, expect, signIn, test } from './fixtures';
import { expectNoDuplicateSeqs, feedRowsForKey, recordStatuses, recordedStatuses } from './feed';
import { ownServers } from './own-servers';

// ApexStore 2.2 kept live through the gateway: its CDC webhook POSTs each change to the mock
// server's `/ingest/apexstore`, which logs it as a native key_change with a seq; the console reads
// the native protocol (seqs, replay). Each scenario runs a gateway of its own on a data file.
const SECRET_HEADER = 'X-Webhook-Secret';
const SECRET = 's3cret';
const servers = ownServers('rt-e2e-gateway-', ['--ingest-auth', `${SECRET_HEADER}: ${SECRET}`]);
const gateway = servers.start;

/**
 * ApexStore 2.2's webhook body for a put, as its publisher writes it: the key as hex, the value as
 * bytes, nanoseconds as exact integer digits (above 2^53, so never through a JS number).
 */
function webhookPut(key: string, value: string): string {
  const bytes = [...Buffer.from(value)].join(',');
  return `{"type":"put","cf":"default","key":"${Buffer.from(key).toString('hex')}","value":[${bytes}],"timestamp":${Date.now()}000000}`;
}

/** POSTs one change as ApexStore's publisher does; resolves with the seq the gateway answered. */
async function publish(request: APIRequestContext, baseUrl: string, key: string, value: string): Promise<number> {
  const res = await request.post(`${baseUrl}/ingest/apexstore`, {
    headers: { 'Content-Type': 'application/json', [SECRET_HEADER]: SECRET },
    data: webhookPut(key, value),
  });
  expect(res.status(), `webhook for ${key}: ${await res.text()}`).toBe(200);
  const seq = Number(res.headers()['x-last-seq']);
  expect(Number.isInteger(seq) && seq > 0, `X-Last-Seq of ${key}`).toBeTruthy();
  return seq;
}

test('changes POSTed in the webhook format reach the console with their seqs, exactly once, across a gateway restart', async ({ page, request }) => {
  test.setTimeout(60_000);
  const dataPath = path.join(servers.dataDir(), 'gateway.sqlite');
  const first = await gateway(['--data', dataPath]);
  const baseUrl = first.server.url;
  const port = new URL(baseUrl).port;
  await signIn(page, 'admin', 'admin', baseUrl);
  // A gateway is a native server: the console reads it over WebSocket, no ApexStore banner.
  await expect(connectionStatus(page)).toHaveText('connected · websocket');
  await expect(page.getByTestId('stream-mode')).toHaveCount(0);
  const stamp = Date.now();
  const seqs = new Map<string, number>();

  const before = [0, 1, 2].map((i) => `gw-before-${stamp}-${i}`);
  for (const key of before) seqs.set(key, await publish(request, baseUrl, key, 'live'));
  for (const key of before) {
    await expect(feedRowsForKey(page, key)).toHaveCount(1);
    await expect(feedRowsForKey(page, key)).toHaveAttribute('data-seq', String(seqs.get(key)));
  }
  await recordStatuses(page);

  // The gateway crashes. ApexStore's retries then reach a gateway on the same event log (here a
  // stand-in on another port) before the console is back: only a resume from lastSeq brings them.
  first.child.kill('SIGKILL');
  await expect(connectionStatus(page)).toHaveText(/^reconnecting/);
  const standIn = await gateway(['--data', dataPath]);
  const during = [0, 1, 2].map((i) => `gw-during-${stamp}-${i}`);
  for (const key of during) seqs.set(key, await publish(request, standIn.server.url, key, 'while the console was away'));
  standIn.stop();
  await new Promise((resolve) => standIn.child.once('exit', resolve));

  await gateway(['--data', dataPath, '--port', port]);
  await expect(connectionStatus(page)).toHaveText('connected · websocket', { timeout: 15_000 });
  const after = `gw-after-${stamp}`;
  seqs.set(after, await publish(request, baseUrl, after, 'live again'));

  for (const [key, seq] of seqs) {
    await expect(feedRowsForKey(page, key)).toHaveCount(1);
    await expect(feedRowsForKey(page, key)).toHaveAttribute('data-seq', String(seq));
  }
  // The seqs run on across the restart: one event log, one order.
  const ordered = [...seqs.values()];
  expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
  expect(await recordedStatuses(page)).toContainEqual(expect.stringMatching(/^reconnecting/));
  await expectNoDuplicateSeqs(page);
});
