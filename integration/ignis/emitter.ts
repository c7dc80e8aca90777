/**
 * Ignis's `WebSocketEmitter` in a process of its own (it only publishes to Redis, which every
 * `WebSocketServerHelper` on that Redis relays to its clients), behind a small HTTP API for
 * ngx-realtime's integration specs. Started by `integration/harness.cjs`; prints
 * `listening on http://127.0.0.1:N`.
 *
 *   bun integration/ignis/emitter.ts --redis-port 6390 [--port 0]
 *   POST /to-room {"room": "orders", "event": "order.updated", "data": {...}}  ->  204 once published
 *
 * It exits when its standard input ends (the process that started it is gone) or on SIGTERM.
 */
import { RedisHelper, WebSocketEmitter } from '@venizia/ignis-helpers';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};

const redis = new RedisHelper({
  name: 'ignis-integration-emitter',
  host: '127.0.0.1',
  port: Number(option('redis-port', '6379')),
  password: '',
  maxRetry: -1,
});
const emitter = new WebSocketEmitter({ identifier: 'ignis-integration-emitter', redisConnection: redis } as never);
await emitter.configure();

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(option('port', '0')),
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method !== 'POST' || url.pathname !== '/to-room') return new Response('not found', { status: 404 });
    const body = (await request.json().catch(() => null)) as { room?: unknown; event?: unknown; data?: unknown } | null;
    if (!body || typeof body.room !== 'string' || typeof body.event !== 'string') {
      return new Response('expected {room, event, data}', { status: 400 });
    }
    await emitter.toRoom({ room: body.room, event: body.event, data: body.data });
    return new Response(null, { status: 204 });
  },
});
console.log(`listening on http://127.0.0.1:${server.port}`);

const stop = () => {
  server.stop(true);
  void emitter.shutdown().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
void (async () => {
  for await (const _ of Bun.stdin.stream()) {
    // nothing is ever sent; the loop ends when the pipe closes
  }
  process.exit(0);
})();
