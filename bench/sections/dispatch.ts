/**
 * Dispatch in Chromium: 200,000 pre-built frames through the SDK (fake socket, 1 and 10
 * onKeyChanges() subscribers) against a bare JSON.parse + type-check loop, alternating rounds.
 */
import { runPage } from '../browser/bench-page';
import { median, perSecond } from '../browser/figures';
import { row, type Section } from '../section';

interface DispatchFigures {
  frames: number;
  rounds: { raw: number[]; sdk1: number[]; sdk10: number[] };
  userAgent: string;
}

export const dispatch: Section = async ({ smoke }) => {
  const figures = await runPage<DispatchFigures>('dispatch', smoke ? { frames: 2000, rounds: 2 } : { frames: 200_000, rounds: 11 }, 300_000);
  const rate = (ms: number[]) => perSecond(figures.frames, median(ms));
  const raw = rate(figures.rounds.raw);
  return {
    name: '2. Dispatch',
    method: `${figures.frames.toLocaleString('en')} pre-built key_change frames fed through a fake socket; median of ${figures.rounds.raw.length} alternating rounds.`,
    rows: [
      row('SDK, 1 onKeyChanges() subscriber', rate(figures.rounds.sdk1), raw, 'events/s', 'JSON.parse + type check', { min: 0.8 }),
      row('SDK, 10 subscribers', rate(figures.rounds.sdk10), raw, 'events/s', 'JSON.parse + type check', { min: 0.8 }),
    ],
    notes: [`${figures.userAgent.match(/Chrom\S+/)?.[0] ?? 'Chromium'}, headless, no DevTools`],
  };
};
