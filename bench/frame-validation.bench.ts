/**
 * How much runtime validation costs on the SDK's hot path: parseServerFrame (JSON.parse plus the
 * per-type field checks every frame goes through before it is typed) against bare JSON.parse.
 * Prints frames per second for each and the ratio. Run: node_modules/.bin/bun bench/frame-validation.bench.ts
 */
import { parseServerFrame } from '../projects/ngx-realtime/src/lib/frame-validation';

const FRAMES = 200_000;
const ROUNDS = 5;

function sampleFrames(): string[] {
  const frames: string[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const base = { seq: i + 1, timestamp: 1_700_000_000_000 + i };
    switch (i % 4) {
      case 0:
      case 1:
        frames.push(JSON.stringify({ type: 'key_change', ...base, operation: 'put', key: `user:${i}`, cf: 'default', value: 'x'.repeat(64) }));
        break;
      case 2:
        frames.push(JSON.stringify({ type: 'compaction_status', ...base, status: 'progress', cf: 'default', details: { progress: 0.5, filesMerged: 3 } }));
        break;
      default:
        frames.push(JSON.stringify({ type: 'health_change', ...base, probe: 'readiness', status: 'healthy' }));
    }
  }
  return frames;
}

function best(run: () => number): number {
  let fastest = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const sink = run();
    const ms = performance.now() - start;
    if (sink < 0) throw new Error('unreachable');
    fastest = Math.min(fastest, ms);
  }
  return fastest;
}

const frames = sampleFrames();
const parseMs = best(() => {
  let n = 0;
  for (const f of frames) n += (JSON.parse(f) as { seq: number }).seq > 0 ? 1 : 0;
  return n;
});
const validateMs = best(() => {
  let n = 0;
  for (const f of frames) n += parseServerFrame(f).ok ? 1 : 0;
  return n;
});
const perSec = (ms: number) => Math.round((FRAMES / ms) * 1000);
console.log(`frame-validation: ${FRAMES} frames, best of ${ROUNDS}`);
console.log(`  JSON.parse only       ${perSec(parseMs).toLocaleString('en')} frames/s`);
console.log(`  parseServerFrame      ${perSec(validateMs).toLocaleString('en')} frames/s`);
console.log(`  validation overhead   ${(validateMs / parseMs).toFixed(2)}x the cost of JSON.parse`);
console.log(`  per frame             ${((validateMs * 1000) / FRAMES).toFixed(2)} µs`);
