/**
 * ApexStore 2.2 direct against the native protocol, both over Server-Sent Events, in one page and
 * alternating rounds. The CDC client is the SDK with `apexStoreCdc()` reading `GET /events` of a
 * compat server (`cdc`, another origin: the token in an Authorization header, as against a real
 * ApexStore); the native one is the SDK with `withTransports('sse')` on the page's own server.
 *
 * - Throughput: a burst of `count` key changes (`POST /__chaos/burst`), from the request to the last
 *   change in. ApexStore holds 256 unread changes per client: past that it drops the oldest and
 *   says `lag` (a `resync$` with `skipped`), so a CDC round ends when delivered + skipped = count.
 * - Latency: `latencyCount` changes at `perSecond`, server timestamp to subscriber callback. The
 *   SDK's CDC event keeps whole milliseconds, so the CDC client reads the exact nanoseconds from the
 *   frame it was just given (one string kept per message; the native event has them already).
 */
// The SDK's injectables compile just in time: the compiler must load before 'ngx-realtime' does.
import '@angular/compiler';
import { apexStoreCdc, withProtocol, type RealtimeProtocol } from 'ngx-realtime';
import { login, sdkClient, type LiveClient, type OnKeyChange } from './live-clients';
import { param, pause, runBenchmark } from './page-report';

const CDC = new URLSearchParams(location.search).get('cdc')!;
const COUNT = param('count', 100_000);
const ROUNDS = param('rounds', 5);
const LATENCY_COUNT = param('latencyCount', 5000);
const PER_SECOND = param('perSecond', 1000);
/** A round that has not finished by then failed (a lost change, a reconnect): say so rather than hang. */
const ROUND_TIMEOUT_MS = 120_000;

type Variant = 'cdc' | 'native' | 'nativeSingle';

interface Client extends LiveClient {
  /** Changes the server said it skipped for this client (CDC `lag`). */
  skipped(): number;
  /** The exact server time of the change just delivered (ms, sub-ms). */
  exactTimestamp(e: { timestamp: number; key: string }): number;
}

/** `apexStoreCdc()` that keeps the text of the frame it reads last, for its exact nanoseconds. */
function framedCdc(): { protocol: RealtimeProtocol; last: () => string } {
  const inner = apexStoreCdc();
  let last = '';
  return {
    protocol: {
      ...inner,
      read: (data, sink) => {
        last = data as string;
        inner.read(data, sink);
      },
    },
    last: () => last,
  };
}

/** `…"timestamp":1733550000123456789}` -> 1733550000123.456789 */
function exactMs(frame: string): number {
  const start = frame.lastIndexOf('"timestamp":') + 12;
  let end = start;
  while (end < frame.length && frame.charCodeAt(end) >= 48 && frame.charCodeAt(end) <= 57) end++;
  const digits = frame.slice(start, end);
  return Number(digits.slice(0, -6)) + Number(digits.slice(-6)) / 1e6;
}

async function open(variant: Variant, tokens: { cdc: string; native: string }, onEvent: OnKeyChange): Promise<Client> {
  if (variant === 'cdc') {
    const framed = framedCdc();
    const client = await sdkClient(tokens.cdc, onEvent, { batching: false, sse: true, url: `${CDC}/ws/events`, features: [withProtocol(framed.protocol)] });
    let skipped = 0;
    client.service.resync$.subscribe((r) => (skipped += r.skipped ?? 0));
    return {
      close: () => client.close(),
      skipped: () => skipped,
      exactTimestamp: (e) => {
        const frame = framed.last();
        if (!frame.includes(`"key":"${hex(e.key)}"`)) throw new Error(`the frame read last is not ${e.key}'s: ${frame}`);
        return exactMs(frame);
      },
    };
  }
  const client = await sdkClient(tokens.native, onEvent, { batching: variant === 'native', sse: true });
  return { close: () => client.close(), skipped: () => 0, exactTimestamp: (e) => e.timestamp };
}

const encoder = new TextEncoder();
function hex(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += byte.toString(16).padStart(2, '0');
  return out;
}

async function burst(origin: string, body: object): Promise<void> {
  const res = await fetch(`${origin}/__chaos/burst`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`burst on ${origin || 'the page origin'}: ${res.status} ${await res.text()}`);
}

function finishedWithin<T>(promise: Promise<T>, what: () => string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`round timed out: ${what()}`)), ROUND_TIMEOUT_MS))]);
}

/** One burst: ms from the request to the last change, how many came, how many the server skipped. */
async function throughputRound(variant: Variant, tokens: { cdc: string; native: string }): Promise<{ ms: number; delivered: number; skipped: number }> {
  let delivered = 0;
  let client: Client | null = null;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const check = () => {
    if (delivered + (client?.skipped() ?? 0) >= COUNT) done();
  };
  client = await open(variant, tokens, (e) => {
    if (e.key.startsWith('burst:')) {
      delivered++;
      check();
    }
  });
  // A lag can be the last word of a burst.
  const lagged = setInterval(check, 5);
  const start = performance.now();
  await burst(variant === 'cdc' ? CDC : '', { count: COUNT });
  await finishedWithin(finished, () => `${variant}: ${delivered} delivered, ${client!.skipped()} skipped of ${COUNT}`);
  const ms = performance.now() - start;
  clearInterval(lagged);
  const skipped = client.skipped();
  client.close();
  return { ms, delivered, skipped };
}

/** One paced run: each change's latency from its server timestamp, in ms. */
async function latencyRound(variant: Variant, tokens: { cdc: string; native: string }, count = LATENCY_COUNT): Promise<number[]> {
  const latencies: number[] = [];
  let client: Client | null = null;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  client = await open(variant, tokens, (e) => {
    // The wall clock at the page's resolution, read first thing in the callback.
    const now = performance.timeOrigin + performance.now();
    latencies.push(now - client!.exactTimestamp(e));
    if (latencies.length === count) done();
  });
  await burst(variant === 'cdc' ? CDC : '', { count, perSecond: PER_SECOND });
  await finishedWithin(finished, () => `${variant}: ${latencies.length} of ${count}`);
  if (client.skipped() > 0) throw new Error(`${variant}: the server skipped ${client.skipped()} changes at ${PER_SECOND}/s`);
  client.close();
  return latencies;
}

runBenchmark('apexstore', async () => {
  const tokens = { cdc: await login(CDC), native: await login() };
  const throughput: Record<Variant, { ms: number; delivered: number; skipped: number }[]> = { cdc: [], native: [], nativeSingle: [] };
  const order: Variant[] = ['cdc', 'native', 'nativeSingle'];
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with a different client, so drift in the machine's speed spreads evenly.
    for (const variant of order.map((_, i) => order[(i + r) % order.length]!)) {
      await pause(200);
      throughput[variant].push(await throughputRound(variant, tokens));
    }
  }
  const latency: Record<'cdc' | 'native', number[][]> = { cdc: [], native: [] };
  const pair: ('cdc' | 'native')[] = ['cdc', 'native'];
  // Untimed warm-up of both paths, so the first measured round is not the JIT's.
  for (const variant of pair) await latencyRound(variant, tokens, Math.max(20, LATENCY_COUNT / 5));
  for (let r = 0; r < ROUNDS; r++) {
    for (const variant of r % 2 === 0 ? pair : [...pair].reverse()) {
      await pause(200);
      latency[variant].push(await latencyRound(variant, tokens));
    }
  }
  return { count: COUNT, latencyCount: LATENCY_COUNT, perSecond: PER_SECOND, throughput, latency };
});
