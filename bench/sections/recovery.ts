/**
 * Recovery in Chromium, against the real mock server CLI on a sqlite file: the server killed and
 * restarted, a half-open link (`/__chaos/stall`), WebSockets blocked (`/__chaos/block-websocket`), then
 * Server-Sent Events too (`/__chaos/block-sse`).
 * The page (bench/browser/pages/recovery.ts) holds the SDK and a naive bare WebSocket that
 * reconnects without resuming; this script runs the scenario and reads what the page saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePage, PAGE_DIR } from '../browser/bench-page';
import { launchChromium } from '../browser/chromium';
import { startCollector } from '../browser/collector';
import { median } from '../browser/figures';
import { row, type Section } from '../section';
// @ts-expect-error CommonJS helper shared with Karma and Playwright
import { startMockServerCli } from '../../mock-server/start-cli.cjs';

interface Seen {
  key: string;
  seq: number;
  at: number;
}
interface State {
  status: string;
  transport: string | null;
  reason: string | null;
  at: number;
}
interface Observations {
  sdk: Seen[];
  raw: Seen[];
  states: State[];
}

const HEARTBEAT_TIMEOUT_MS = 2000;
const PROBE_INTERVAL_MS = 1000;
const RECONNECT_DELAY_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`recovery: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(10);
  }
}

export const recovery: Section = async ({ smoke }) => {
  const rounds = smoke ? 1 : 5;
  await bundlePage('recovery');
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-bench-recovery-'));
  const serverArgs = ['--static', PAGE_DIR, '--data', join(dataDir, 'apexstore.sqlite'), '--heartbeat-interval', '500', '--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_MS), '--stats-interval', '600000'];
  const collector = await startCollector();
  let server = await startMockServerCli(serverArgs);
  const port = new URL(server.url).port;
  const seen: Observations = { sdk: [], raw: [], states: [] };
  collector.listen<Observations>('observations', (o) => {
    seen.sdk.push(...o.sdk);
    seen.raw.push(...o.raw);
    seen.states.push(...o.states);
  });
  const browser = launchChromium(`${server.url}/recovery.html?collector=${encodeURIComponent(collector.url)}`);
  const figures = { restartToFirstEvent: [] as number[], naiveRestartToFirstEvent: [] as number[], detection: [] as number[], toSse: [] as number[], toPolling: [] as number[], backToWebSocket: [] as number[] };
  const written: string[] = [];
  try {
    const ready = await collector.next<{ token: string; error?: string }>('recovery', 60_000);
    if (ready.error) throw new Error(`recovery: the page failed: ${ready.error}`);
    const { token } = ready;
    const put = async (key: string) => {
      const res = await fetch(`${server.url}/keys/${encodeURIComponent(key)}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"value":"1"}' });
      if (!res.ok) throw new Error(`recovery: PUT ${key} answered ${res.status}`);
      written.push(key);
    };
    const chaos = (route: string, body: object = {}) => fetch(`${server.url}/__chaos/${route}`, { method: 'POST', body: JSON.stringify(body) });
    const sdkHas = (key: string) => seen.sdk.some((s) => s.key === key);
    const stateSince = (at: number, match: (s: State) => boolean) => seen.states.find((s) => s.at >= at && match(s));
    const connectedWs = (s: State) => s.status === 'connected' && s.transport === 'websocket';
    await until(() => seen.states.some(connectedWs), 10_000, 'the first connection');

    for (let r = 0; r < rounds; r++) {
      // 1. Kill -9 and restart on the same port and sqlite file.
      await put(`r${r}-before`);
      await until(() => sdkHas(`r${r}-before`), 5000, 'the event before the restart');
      server.child.kill('SIGKILL');
      await new Promise((resolve) => server.child.once('exit', resolve));
      const downAt = Date.now();
      server = await startMockServerCli([...serverArgs, '--port', port]);
      const listeningAt = Date.now();
      // Written as soon as the server is back, before the clients are: they can only come by replay.
      for (let i = 0; i < 5; i++) await put(`r${r}-while-away-${i}`);
      for (let i = 0; i < 10; i++) {
        await put(`r${r}-live-${i}`);
        await sleep(50);
      }
      await until(() => sdkHas(`r${r}-live-9`), 10_000, 'the SDK catching up after the restart');
      const firstSdk = seen.sdk.find((s) => s.at >= downAt);
      const firstRaw = seen.raw.find((s) => s.at >= downAt);
      figures.restartToFirstEvent.push(firstSdk!.at - listeningAt);
      if (firstRaw) figures.naiveRestartToFirstEvent.push(firstRaw.at - listeningAt);

      // 2. Half-open link: the server goes silent on every open socket.
      await until(() => seen.states.at(-1)?.status === 'connected', 5000, 'connected before the stall');
      const stallAt = Date.now();
      await chaos('stall', { ms: 4000 });
      await put(`r${r}-during-stall`);
      await until(() => stateSince(stallAt, (s) => s.reason === 'heartbeat_timeout') !== undefined, 10_000, 'half-open detection');
      figures.detection.push(stateSince(stallAt, (s) => s.reason === 'heartbeat_timeout')!.at - stallAt);
      await until(() => sdkHas(`r${r}-during-stall`), 10_000, 'the event written during the stall');
      await sleep(4200 - (Date.now() - stallAt));

      // 3. WebSockets blocked: to Server-Sent Events at once; SSE blocked too: to long polling;
      //    both allowed again: back to the WebSocket.
      await until(() => seen.states.at(-1)?.status === 'connected', 5000, 'connected before blocking');
      await chaos('block-websocket', { enabled: true });
      const blockedAt = Date.now();
      await chaos('drop');
      await until(() => stateSince(blockedAt, (s) => s.status === 'connected' && s.transport === 'sse') !== undefined, 10_000, 'the switch to SSE');
      figures.toSse.push(stateSince(blockedAt, (s) => s.transport === 'sse')!.at - blockedAt);
      await put(`r${r}-while-sse`);
      await until(() => sdkHas(`r${r}-while-sse`), 10_000, 'an event over SSE');
      await chaos('block-sse', { enabled: true });
      const sseBlockedAt = Date.now();
      await chaos('drop');
      await until(() => stateSince(sseBlockedAt, (s) => s.status === 'connected' && s.transport === 'polling') !== undefined, 10_000, 'the switch to polling');
      figures.toPolling.push(stateSince(sseBlockedAt, (s) => s.transport === 'polling')!.at - sseBlockedAt);
      await put(`r${r}-while-polling`);
      await until(() => sdkHas(`r${r}-while-polling`), 10_000, 'an event over polling');
      await chaos('block-websocket', { enabled: false });
      await chaos('block-sse', { enabled: false });
      const unblockedAt = Date.now();
      await until(() => stateSince(unblockedAt, connectedWs) !== undefined, 10_000, 'the way back to WebSocket');
      figures.backToWebSocket.push(stateSince(unblockedAt, connectedWs)!.at - unblockedAt);
    }
    await sleep(300);
  } finally {
    browser.stop();
    server.stop();
    await collector.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const count = (list: Seen[]) => {
    const keys = list.map((s) => s.key).filter((k) => written.includes(k));
    return { lost: written.filter((k) => !keys.includes(k)).length, duplicated: keys.length - new Set(keys).size };
  };
  const sdk = count(seen.sdk);
  const naive = count(seen.raw);
  return {
    name: '4. Recovery',
    method: `${rounds} rounds against the mock server CLI on a sqlite file (heartbeat ${HEARTBEAT_TIMEOUT_MS} ms timeout, reconnect bound ${RECONNECT_DELAY_MS} ms, probe every ${PROBE_INTERVAL_MS} ms): kill -9 and restart, a 4 s stall, WebSockets blocked, then SSE too, then both allowed; medians.`,
    rows: [
      row('restart: listening again to first event', median(figures.restartToFirstEvent), median(figures.naiveRestartToFirstEvent), 'ms', 'naive client, 250 ms retry'),
      row('events lost, SDK (target 0)', sdk.lost, Math.max(naive.lost, 1), 'events', `naive client lost ${naive.lost}`, { max: 0 }),
      row('events duplicated, SDK (target 0)', sdk.duplicated, Math.max(naive.duplicated, 1), 'events', `naive client duplicated ${naive.duplicated}`, { max: 0 }),
      row('half-open detected after', median(figures.detection), HEARTBEAT_TIMEOUT_MS, 'ms', 'heartbeat timeout'),
      row('WebSockets blocked: on SSE after', median(figures.toSse), RECONNECT_DELAY_MS, 'ms', 'first retry bound'),
      row('SSE blocked too: on polling after', median(figures.toPolling), RECONNECT_DELAY_MS, 'ms', 'first retry bound'),
      row('back to WebSocket after', median(figures.backToWebSocket), PROBE_INTERVAL_MS, 'ms', 'probe interval'),
    ],
    notes: [`${written.length} events written in all; the SDK saw ${seen.sdk.length}, the naive client ${seen.raw.length}`],
  };
};
