/**
 * Memory in Chromium: 1,000 connect/disconnect cycles of the SDK, heap growth after a forced GC
 * and sockets left open at the server, next to a bare WebSocket doing the same.
 */
import { runPage } from '../browser/bench-page';
import { row, type Section } from '../section';

interface MemoryFigures {
  cycles: number;
  sdk: { before: number; after: number; socketsLeft: number };
  raw: { before: number; after: number; socketsLeft: number };
}

export const memory: Section = async ({ smoke }) => {
  const f = await runPage<MemoryFigures>('memory', { cycles: smoke ? 20 : 1000 }, 300_000);
  const sdkGrowth = f.sdk.after - f.sdk.before;
  const rawGrowth = f.raw.after - f.raw.before;
  return {
    name: '6. Memory',
    method: `${f.cycles.toLocaleString('en')} connect/disconnect cycles (each to welcome) of one SDK service, JS heap after forced GCs before and after; then sockets the server still counts.`,
    rows: [
      row('SDK heap growth', sdkGrowth, 1_048_576, 'B', 'target < 1 MB', { max: 1 }),
      row('SDK heap growth vs bare WebSocket', sdkGrowth, rawGrowth, 'B', 'bare WebSocket, same cycles'),
      // Zero open sockets is the target; 1 as the baseline makes the ratio the count itself.
      row('server sockets left open', f.sdk.socketsLeft, 1, 'sockets', 'target 0', { max: 0 }),
    ],
    notes: [
      `heap: SDK ${(f.sdk.before / 1e6).toFixed(2)} MB -> ${(f.sdk.after / 1e6).toFixed(2)} MB; bare WebSocket ${(f.raw.before / 1e6).toFixed(2)} MB -> ${(f.raw.after / 1e6).toFixed(2)} MB (${f.raw.socketsLeft} left open)`,
    ],
  };
};
