/**
 * Dispatch in Chromium: 200,000 pre-built frames through the SDK (fake socket, 1 and 10
 * onKeyChanges() subscribers) against a bare JSON.parse + type-check loop, alternating rounds,
 * medians. Run: node_modules/.bin/bun bench/browser-dispatch.bench.ts  (BENCH_SMOKE=1: tiny counts)
 */
import { runPage } from './browser/bench-page';
import { median, perSecond, ratioRow } from './browser/figures';

interface DispatchFigures {
  frames: number;
  rounds: { raw: number[]; sdk1: number[]; sdk10: number[] };
  userAgent: string;
}

const smoke = process.env['BENCH_SMOKE'] === '1';
const figures = await runPage<DispatchFigures>('dispatch', smoke ? { frames: 2000, rounds: 2 } : { frames: 200_000, rounds: 11 }, 300_000);
const rate = (ms: number[]) => perSecond(figures.frames, median(ms));
console.log(`browser dispatch: ${figures.frames.toLocaleString('en')} key_change frames, median of ${figures.rounds.raw.length} alternating rounds`);
console.log(`  ${figures.userAgent.match(/Chrom\S+/)?.[0] ?? 'Chromium'}, headless, no DevTools; baseline: JSON.parse + type check`);
console.log(ratioRow('SDK, 1 onKeyChanges() subscriber', rate(figures.rounds.sdk1), rate(figures.rounds.raw), 'events/s', 0.8));
console.log(ratioRow('SDK, 10 subscribers', rate(figures.rounds.sdk10), rate(figures.rounds.raw), 'events/s', 0.8));
