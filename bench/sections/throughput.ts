/**
 * Throughput in Chromium: a 100,000-event burst to one `onKeyChanges()` subscriber, the SDK with
 * and without batching, and over Server-Sent Events, against a bare WebSocket + JSON.parse loop and
 * rxjs webSocket() + filter.
 */
import { runPage } from '../browser/bench-page';
import { median, perSecond } from '../browser/figures';
import { row, type Section } from '../section';

interface ThroughputFigures {
  count: number;
  rounds: { raw: number[]; rxjs: number[]; sdk: number[]; sdkBatch: number[]; sdkSse: number[] };
}

export const throughput: Section = async ({ smoke }) => {
  const figures = await runPage<ThroughputFigures>('throughput', smoke ? { count: 500, rounds: 1 } : { count: 100_000, rounds: 5 }, 600_000, [
    '--retain', '200000',
  ]);
  const rate = (ms: number[]) => perSecond(figures.count, median(ms));
  const raw = rate(figures.rounds.raw);
  const base = 'bare WebSocket + JSON.parse';
  return {
    name: '1. Throughput',
    method: `a ${figures.count.toLocaleString('en')}-event burst (POST /__chaos/burst) from the request to the last event at one subscriber; median of ${figures.rounds.raw.length} alternating rounds; the baselines get single frames.`,
    rows: [
      row('SDK, batching off', rate(figures.rounds.sdk), raw, 'events/s', base, { min: 0.9 }),
      row('SDK, batching on', rate(figures.rounds.sdkBatch), raw, 'events/s', base, { min: 5 }),
      row('SDK over SSE, batching on', rate(figures.rounds.sdkSse), raw, 'events/s', base),
      row('SDK over SSE vs over WebSocket (both batching)', rate(figures.rounds.sdkSse), rate(figures.rounds.sdkBatch), 'events/s', 'SDK over WebSocket, batching on'),
      row('rxjs webSocket() + filter', rate(figures.rounds.rxjs), raw, 'events/s', base),
    ],
    notes: [`bare WebSocket + JSON.parse: ${Math.round(raw).toLocaleString('en')} events/s`],
  };
};
