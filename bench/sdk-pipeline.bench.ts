/**
 * The SDK's own cost per event, and whether memory stays flat over a long stream. The real
 * WebSocketService (validation, sequencing, dedupe, state, typed filters) runs on the fake backend
 * of ngx-realtime/testing, fed raw JSON text as a socket would be, with three typed subscribers.
 * Baseline: the same frames through parseServerFrame alone. Run: node_modules/.bin/bun bench/sdk-pipeline.bench.ts
 */
import '@angular/compiler';
import { EnvironmentInjector, Injector, PLATFORM_ID, createEnvironmentInjector, ɵINJECTOR_SCOPE as INJECTOR_SCOPE } from '@angular/core';
import { parseServerFrame } from '../projects/ngx-realtime/src/lib/frame-validation';
import { provideRealtime } from '../projects/ngx-realtime/src/lib/provide-realtime';
import { WebSocketService } from '../projects/ngx-realtime/src/lib/websocket.service';
import { provideRealtimeTesting } from '../projects/ngx-realtime/testing/src/provide-realtime-testing';
import { RealtimeTestingController } from '../projects/ngx-realtime/testing/src/realtime-testing-controller';

const EVENTS = 200_000;
const LONG_RUN = 1_000_000;

function frameText(seq: number): string {
  return seq % 3 === 0
    ? JSON.stringify({ type: 'health_change', seq, timestamp: 1_700_000_000_000 + seq, probe: 'readiness', status: 'healthy' })
    : JSON.stringify({ type: 'key_change', seq, timestamp: 1_700_000_000_000 + seq, operation: 'put', key: `user:${seq}`, cf: 'default', value: 'x'.repeat(64) });
}

const injector = createEnvironmentInjector(
  [{ provide: INJECTOR_SCOPE, useValue: 'root' }, { provide: PLATFORM_ID, useValue: 'browser' }, provideRealtime({ url: 'ws://bench.local/ws/events' }), provideRealtimeTesting()],
  Injector.NULL as EnvironmentInjector,
);
const service = injector.get(WebSocketService);
const controller = injector.get(RealtimeTestingController);
let keys = 0;
let health = 0;
let all = 0;
service.onKeyChanges({ keyPrefix: 'user:' }).subscribe(() => keys++);
service.onHealthEvents().subscribe(() => health++);
service.events$.subscribe(() => all++);
service.connect('bench-token');
const connection = controller.connection.open({ lastSeq: 0 });

let seq = 0;
function feed(count: number): number {
  const frames = Array.from({ length: count }, () => frameText(++seq));
  const start = performance.now();
  for (const text of frames) connection.emitRaw(text);
  return performance.now() - start;
}

const ROUNDS = 3;
feed(20_000); // warm-up
let serviceMs = Infinity;
for (let r = 0; r < ROUNDS; r++) serviceMs = Math.min(serviceMs, feed(EVENTS));
const frames = Array.from({ length: EVENTS }, (_, i) => frameText(i + 1));
let parseMs = Infinity;
for (let r = 0; r < ROUNDS + 1; r++) {
  const start = performance.now();
  let ok = 0;
  for (const text of frames) ok += parseServerFrame(text).ok ? 1 : 0;
  parseMs = Math.min(parseMs, performance.now() - start);
  if (ok !== EVENTS) throw new Error('validation rejected a good frame');
}
if (all !== seq) throw new Error(`lost events: ${all} of ${seq}`);

const heapMb = () => {
  Bun.gc(true);
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
const before = heapMb();
for (let done = 0; done < LONG_RUN; done += 50_000) feed(50_000);
const after = heapMb();
if (all !== seq) throw new Error(`lost events: ${all} of ${seq}`);

const rate = (ms: number) => Math.round((EVENTS / ms) * 1000).toLocaleString('en');
console.log(`sdk-pipeline: ${EVENTS} events through WebSocketService (fake socket, 3 typed subscribers), best of ${ROUNDS}`);
console.log(`  parseServerFrame alone   ${rate(parseMs)} events/s`);
console.log(`  whole service pipeline   ${rate(serviceMs)} events/s (${(serviceMs / parseMs).toFixed(2)}x the cost of validation alone)`);
console.log(`  heap after ${LONG_RUN.toLocaleString('en')} more events: ${before.toFixed(1)} MB -> ${after.toFixed(1)} MB (${(after - before >= 0 ? '+' : '')}${(after - before).toFixed(1)} MB)`);
console.log(`  delivered ${all.toLocaleString('en')} events, ${keys.toLocaleString('en')} to onKeyChanges, ${health.toLocaleString('en')} to onHealthEvents; none lost`);
service.disconnect();
injector.destroy();
