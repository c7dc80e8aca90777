/**
 * The bare-Bun baseline of the Server section: the least a Bun server can do to fan events out.
 * Every WebSocket is upgraded without checks and subscribed to one topic; `POST /burst {"count":N}`
 * publishes N key_change events of the mock server's shape and size, each serialised once, then
 * answers. No auth, no log, no heartbeat: what is left is the cost of `server.publish` itself.
 *
 * @example
 * ```sh
 * node_modules/.bin/bun bench/server/bare-bun-server.ts   # prints: listening on http://127.0.0.1:PORT
 * curl -XPOST -d '{"count":1000}' http://127.0.0.1:PORT/burst   # {"count":1000,"lastSeq":1000}
 * ```
 */
// A module (not a script), so its top-level names and awaits stay its own.
export {};

const TOPIC = 'events';
let seq = 0;

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(req, srv) {
    const { pathname } = new URL(req.url);
    if (pathname === '/burst' && req.method === 'POST') {
      const { count } = (await req.json()) as { count: number };
      for (let i = 0; i < count; i++) {
        // Same fields in the same order as the mock server's event log writes them.
        srv.publish(TOPIC, JSON.stringify({ type: 'key_change', seq: ++seq, timestamp: Date.now(), operation: 'put', key: `burst:${i}`, cf: 'default', value: String(i) }));
      }
      return Response.json({ count, lastSeq: seq });
    }
    if (srv.upgrade(req)) return undefined;
    return new Response('not found', { status: 404 });
  },
  websocket: {
    // As the mock server: no idle timeout and no protocol pings, so idle sockets stay untouched.
    idleTimeout: 0,
    sendPings: false,
    backpressureLimit: 64 * 1024 * 1024,
    open(ws) {
      ws.subscribe(TOPIC);
    },
    message() {},
  },
});

console.log(`listening on http://127.0.0.1:${server.port}`);
