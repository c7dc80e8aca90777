/**
 * Throughput: a burst of `count` key_change events (`POST /__chaos/burst`) to one subscriber, from
 * the request to the last event, for four clients in alternating rounds: a bare WebSocket +
 * JSON.parse loop, rxjs webSocket() + filter, the SDK without batching, the SDK with it, and the SDK
 * with batching over Server-Sent Events (`withTransports('sse')`).
 */
import { login, rawClient, rxjsClient, sdkClient, type LiveClient, type OnKeyChange } from './live-clients';
import { param, pause, runBenchmark } from './page-report';

const COUNT = param('count', 100_000);
const ROUNDS = param('rounds', 5);

type Variant = 'raw' | 'rxjs' | 'sdk' | 'sdkBatch' | 'sdkSse';

async function round(token: string, variant: Variant): Promise<number> {
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const onEvent: OnKeyChange = (e) => {
    if (e.key.startsWith('burst:') && ++received === COUNT) done();
  };
  const client: LiveClient =
    variant === 'raw'
      ? await rawClient(token, onEvent)
      : variant === 'rxjs'
        ? await rxjsClient(token, onEvent)
        : await sdkClient(token, onEvent, { batching: variant !== 'sdk', sse: variant === 'sdkSse' });
  const start = performance.now();
  await fetch('/__chaos/burst', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ count: COUNT }) });
  await finished;
  const ms = performance.now() - start;
  client.close();
  return ms;
}

runBenchmark('throughput', async () => {
  const token = await login();
  const rounds: Record<Variant, number[]> = { raw: [], rxjs: [], sdk: [], sdkBatch: [], sdkSse: [] };
  const order: Variant[] = ['raw', 'rxjs', 'sdk', 'sdkBatch', 'sdkSse'];
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with a different client, so drift in the machine's speed spreads evenly.
    for (let i = 0; i < order.length; i++) {
      const variant = order[(i + r) % order.length]!;
      await pause(200);
      rounds[variant].push(await round(token, variant));
    }
  }
  return { count: COUNT, rounds };
});
