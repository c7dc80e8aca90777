/**
 * Latency: the server emits key_change events one at a time at `perSecond` (`POST /__chaos/burst`
 * with `perSecond`, sub-millisecond timestamps from `--precise-time`); each is timed from its server
 * timestamp to the subscriber's callback. Alternating rounds of a bare WebSocket + JSON.parse loop
 * the SDK with batching on, and the SDK over Server-Sent Events.
 */
import { login, rawClient, sdkClient, type LiveClient, type OnKeyChange } from './live-clients';
import { param, pause, runBenchmark } from './page-report';

const COUNT = param('count', 5000);
const PER_SECOND = param('perSecond', 1000);
const ROUNDS = param('rounds', 5);

type Variant = 'raw' | 'sdk' | 'sse';

async function round(token: string, variant: Variant, count = COUNT): Promise<number[]> {
  const latencies: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onEvent: OnKeyChange = (e) => {
    // The wall clock at the page's resolution, as close to the callback as it can be read.
    latencies.push(performance.timeOrigin + performance.now() - e.timestamp);
    if (latencies.length === count) done();
  };
  const client: LiveClient = variant === 'raw' ? await rawClient(token, onEvent) : await sdkClient(token, onEvent, { batching: true, sse: variant === 'sse' });
  await fetch('/__chaos/burst', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ count, perSecond: PER_SECOND }) });
  await finished;
  client.close();
  return latencies;
}

runBenchmark('latency', async () => {
  const token = await login();
  const rounds: Record<Variant, number[][]> = { raw: [], sdk: [], sse: [] };
  const order: Variant[] = ['raw', 'sdk', 'sse'];
  // Untimed warm-up of every path, so the first measured round is not the JIT's.
  for (const variant of order) await round(token, variant, Math.max(20, COUNT / 5));
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with a different client, so drift in the machine's speed spreads evenly.
    for (const variant of order.map((_, i) => order[(i + r) % order.length]!)) {
      await pause(200);
      rounds[variant].push(await round(token, variant));
    }
  }
  return { count: COUNT, perSecond: PER_SECOND, rounds };
});
