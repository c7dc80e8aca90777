/**
 * The benchmark suite: `npm run bench` (all eleven sections), `npm run bench -- latency size` (some),
 * `BENCH_SMOKE=1` (tiny counts: the test command runs this so the suite cannot rot). Prints every
 * figure next to its baseline and the ratio, and writes them all to `bench/results/latest.json`
 * (a smoke run writes `bench/results/smoke.json`). Exits non-zero only when a section crashed: a
 * target that is not met is a figure to print, not a test failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSection, type Section, type SectionResult } from './section';
import { apexstore } from './sections/apexstore';
import { dispatch } from './sections/dispatch';
import { latency } from './sections/latency';
import { liveState } from './sections/live-state';
import { memory } from './sections/memory';
import { recovery } from './sections/recovery';
import { scaleOut } from './sections/scale-out';
import { server } from './sections/server';
import { size } from './sections/size';
import { tabs } from './sections/tabs';
import { throughput } from './sections/throughput';

const SECTIONS: Record<string, Section> = { throughput, dispatch, latency, recovery, size, memory, server, tabs, 'scale-out': scaleOut, 'live-state': liveState, apexstore };

const smoke = process.env['BENCH_SMOKE'] === '1';
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const names = asked.length > 0 ? asked : Object.keys(SECTIONS);

const started = Date.now();
const results: SectionResult[] = [];
const crashed: string[] = [];
console.log(`ngx-realtime benchmarks${smoke ? ' (smoke run: tiny counts, figures mean nothing)' : ''}: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
for (const name of names) {
  const sectionStart = Date.now();
  try {
    const result = await SECTIONS[name]!({ smoke });
    results.push(result);
    console.log(`\n${formatSection(result)}\n  (${((Date.now() - sectionStart) / 1000).toFixed(0)} s)`);
  } catch (error) {
    crashed.push(name);
    console.log(`\n${name}: CRASHED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', smoke ? 'smoke.json' : 'latest.json');
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), smoke, machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) }, sections: results, crashed }, null, 2)}\n`,
);
const missed = results.flatMap((r) => r.rows.filter((row) => row.met === false).map((row) => `${r.name}: ${row.label}`));
console.log(`\n${results.length} section(s) in ${((Date.now() - started) / 1000).toFixed(0)} s, ${crashed.length} crashed; results in ${file}`);
if (missed.length > 0 && !smoke) console.log(`targets not met:\n${missed.map((m) => `  - ${m}`).join('\n')}`);
process.exit(crashed.length > 0 ? 1 : 0);
