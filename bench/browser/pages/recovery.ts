/**
 * Recovery: an instrumented page for a scenario the benchmark script runs against the server
 * (kill and restart, stall, blocked WebSockets). It holds an SDK client and a naive bare WebSocket
 * that reconnects every 250 ms without resuming, and streams what they see to the collector every
 * 50 ms: each key_change with its arrival time, and each SDK state change.
 */
import '@angular/compiler';
import { RANDOM_SOURCE, withPollingFallback, withReconnect } from 'ngx-realtime';
import { login, sdkClient } from './live-clients';
import { report, runBenchmark } from './page-report';

interface Seen {
  key: string;
  seq: number;
  at: number;
}

const observed = { sdk: [] as Seen[], raw: [] as Seen[], states: [] as Array<{ status: string; transport: string | null; reason: string | null; at: number }> };

function flush(): void {
  if (observed.sdk.length + observed.raw.length + observed.states.length === 0) return;
  report('observations', { sdk: observed.sdk.splice(0), raw: observed.raw.splice(0), states: observed.states.splice(0) });
}

/** What a hand-written client without resume does: reconnect, and take whatever comes. */
function naiveClient(token: string): void {
  const open = () => {
    const ws = new WebSocket(`ws://${location.host}/ws/events?token=${encodeURIComponent(token)}`);
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data as string);
      if (frame.type === 'key_change') observed.raw.push({ key: frame.key, seq: frame.seq, at: Date.now() });
      else if (frame.type === 'ping') ws.send(`{"type":"pong","id":${JSON.stringify(frame.id)}}`);
    };
    ws.onclose = () => setTimeout(open, 250);
  };
  open();
}

runBenchmark('recovery', async () => {
  const token = await login();
  const client = await sdkClient(token, (e) => observed.sdk.push({ key: e.key, seq: e.seq, at: Date.now() }), {
    batching: true,
    polling: true,
    features: [withReconnect({ initialDelayMs: 200, maxDelayMs: 1000 }), withPollingFallback({ afterFailedAttempts: 2, probeIntervalMs: 1000, waitMs: 2000 })],
    // Each retry waits exactly its bound: the figures then show the SDK, not the dice.
    providers: [{ provide: RANDOM_SOURCE, useValue: () => 1 }],
  });
  client.service.connectionState$.subscribe((s) => observed.states.push({ status: s.status, transport: s.transport, reason: s.reason, at: Date.now() }));
  naiveClient(token);
  setInterval(flush, 50);
  return { token };
});
