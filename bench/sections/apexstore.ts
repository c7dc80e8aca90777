/**
 * ApexStore 2.2 direct, in Chromium: the SDK on ApexStore's own change stream (`apexStoreCdc()`,
 * `GET /events` of a compat server) against the SDK on the native protocol over Server-Sent Events,
 * events/s in a burst and p50/p99 latency at a steady rate, in one page and alternating rounds.
 */
import { runPage } from '../browser/bench-page';
import { median, percentile, perSecond } from '../browser/figures';
import { row, type Section } from '../section';
// @ts-expect-error CommonJS helper shared with Karma and Playwright
import { startMockServerCli } from '../../mock-server/start-cli.cjs';

interface Burst {
  ms: number;
  delivered: number;
  skipped: number;
}

interface ApexStoreFigures {
  count: number;
  latencyCount: number;
  perSecond: number;
  throughput: { cdc: Burst[]; native: Burst[]; nativeSingle: Burst[] };
  latency: { cdc: number[][]; native: number[][] };
}

export const apexstore: Section = async ({ smoke }) => {
  // ApexStore's side: a server of its own in compat mode, on another origin than the page.
  const cdc = (await startMockServerCli(['--compat', 'apexstore-2.2', '--precise-time', '--stats-interval', '600000'])) as { url: string; stop(): void };
  let f: ApexStoreFigures;
  try {
    f = await runPage<ApexStoreFigures>(
      'apexstore',
      smoke ? { cdc: cdc.url, count: 500, rounds: 1, latencyCount: 50, perSecond: 1000 } : { cdc: cdc.url, count: 100_000, rounds: 5, latencyCount: 5000, perSecond: 1000 },
      900_000,
      ['--precise-time', '--retain', '200000'],
    );
  } finally {
    cdc.stop();
  }
  // Delivered changes per second: what a CDC client lost to lag is not counted as throughput.
  const rate = (bursts: Burst[]) => median(bursts.map((b) => perSecond(b.delivered, b.ms)));
  const per = (rounds: number[][], p: number) => median(rounds.map((latencies) => percentile(latencies, p)));
  const cdcRate = rate(f.throughput.cdc);
  const nativeRate = rate(f.throughput.native);
  const singleRate = rate(f.throughput.nativeSingle);
  const skipped = median(f.throughput.cdc.map((b) => b.skipped));
  const native = 'native over SSE';
  return {
    name: '11. ApexStore 2.2 direct',
    method:
      `the SDK on ApexStore 2.2's change stream (apexStoreCdc(), GET /events of a --compat apexstore-2.2 server) against the SDK on the native protocol over SSE: ` +
      `a ${f.count.toLocaleString('en')}-change burst (request to last change in), then ${f.latencyCount.toLocaleString('en')} changes at ${f.perSecond.toLocaleString('en')}/s ` +
      `(server timestamp to callback, per-round p50/p99); median of ${f.throughput.cdc.length} alternating rounds.`,
    rows: [
      row('CDC over SSE, burst (delivered)', cdcRate, nativeRate, 'events/s', `${native}, batching on (default)`),
      row('CDC over SSE vs one frame per event', cdcRate, singleRate, 'events/s', `${native}, batching off`),
      row('CDC changes lost to lag, per burst', skipped, f.count, 'events', 'burst size'),
      row('CDC over SSE p50', per(f.latency.cdc, 50), per(f.latency.native, 50), 'ms', `${native} p50`),
      row('CDC over SSE p99', per(f.latency.cdc, 99), per(f.latency.native, 99), 'ms', `${native} p99`),
    ],
    notes: [
      `${native}: ${Math.round(nativeRate).toLocaleString('en')} events/s batching on, ${Math.round(singleRate).toLocaleString('en')} batching off; every change delivered (replay, nothing dropped)`,
      "ApexStore holds 256 unread changes per client: past that it drops the oldest and says lag (resync$ with skipped); the native server never drops, it cuts at 64 MB and the client resumes",
      "CDC latency from the frame's exact nanoseconds (the SDK's event keeps whole ms); native from the event's sub-ms timestamp (--precise-time on both servers)",
    ],
  };
};
