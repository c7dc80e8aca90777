/**
 * Dispatch: pre-built `key_change` frames fed to the real WebSocketService through a fake socket,
 * against a bare `JSON.parse` + type-check loop over the same frames, in alternating rounds. The
 * services live for the whole page, as an app's does, so rounds measure the warmed-up path.
 */
import '@angular/compiler';
import { EnvironmentInjector, Injector, PLATFORM_ID, createEnvironmentInjector, ɵINJECTOR_SCOPE as INJECTOR_SCOPE } from '@angular/core';
import { Observable } from 'rxjs';
import { RealtimeBackend, WebSocketService, provideRealtime, type PollResponse, type RealtimeSocket, type SocketListener } from 'ngx-realtime';
import { param, pause, runBenchmark } from './page-report';

const FRAMES = param('frames', 200_000);
const ROUNDS = param('rounds', 7);

/** Hands the benchmark the socket's listener: `message()` is what the browser's `onmessage` would call. */
class FakeSocketBackend extends RealtimeBackend {
  listener: SocketListener | null = null;
  openWebSocket(_url: string, listener: SocketListener): RealtimeSocket {
    this.listener = listener;
    return { send: () => undefined, close: () => undefined };
  }
  poll(): Observable<PollResponse> {
    return new Observable();
  }
}

const frames = Array.from({ length: FRAMES }, (_, i) =>
  JSON.stringify({ type: 'key_change', seq: i + 1, timestamp: 1_700_000_000_000 + i, operation: 'put', key: `user:${i}`, cf: 'default', value: `value-${i}` }),
);

function raw(): number {
  let delivered = 0;
  const start = performance.now();
  for (const text of frames) {
    const event = JSON.parse(text);
    if (event.type === 'key_change') delivered++;
  }
  const ms = performance.now() - start;
  if (delivered !== FRAMES) throw new Error(`raw loop saw ${delivered} of ${FRAMES}`);
  return ms;
}

/** A long-lived service, as in an app: created once, fed every round through the same socket. */
function startSdk(subscribers: number): { feed(): number; stop(): void } {
  const backend = new FakeSocketBackend();
  const injector = createEnvironmentInjector(
    [
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      { provide: PLATFORM_ID, useValue: 'browser' },
      provideRealtime({ url: 'ws://bench.local/ws/events' }),
      { provide: RealtimeBackend, useValue: backend },
    ],
    Injector.NULL as EnvironmentInjector,
  );
  const service = injector.get(WebSocketService);
  let delivered = 0;
  for (let i = 0; i < subscribers; i++) service.onKeyChanges().subscribe(() => delivered++);
  service.connect('bench-token');
  const listener = backend.listener!;
  listener.open();
  listener.message(
    JSON.stringify({
      type: 'welcome', protocol: 1, connectionId: 'bench', userId: 'bench', serverTime: Date.now(),
      heartbeat: { intervalMs: 15_000, timeoutMs: 45_000 }, lastSeq: 0, tokenExpiresAt: Date.now() + 3_600_000,
    }),
  );
  // Each round replays seqs 1..N: a resync first moves the SDK's position back to 0, as a server would.
  const resync = JSON.stringify({ type: 'resync', reason: 'history_expired', lastSeq: 0 });
  return {
    feed() {
      listener.message(resync);
      delivered = 0;
      const start = performance.now();
      for (const text of frames) listener.message(text);
      const ms = performance.now() - start;
      if (delivered !== FRAMES * subscribers) throw new Error(`SDK delivered ${delivered} of ${FRAMES * subscribers}`);
      return ms;
    },
    stop() {
      service.disconnect();
      injector.destroy();
    },
  };
}

runBenchmark('dispatch', async () => {
  const rounds = { raw: [] as number[], sdk1: [] as number[], sdk10: [] as number[] };
  const one = startSdk(1);
  const ten = startSdk(10);
  // One untimed round of each warms up the JIT for all three.
  raw();
  one.feed();
  ten.feed();
  for (let r = 0; r < ROUNDS; r++) {
    await pause();
    rounds.raw.push(raw());
    await pause();
    rounds.sdk1.push(one.feed());
    await pause();
    rounds.sdk10.push(ten.feed());
  }
  one.stop();
  ten.stop();
  return { frames: FRAMES, rounds, userAgent: navigator.userAgent };
});
