/**
 * A Bun server shaped like AuroraBot's dashboard socket, for ngx-realtime's integration specs
 * (`jsonEventsProtocol()` with the default `typeField: 'type'`). From its public tickets: `Bun.serve`
 * with a `/ws` endpoint; every frame is `{ type, data }`; a `HEARTBEAT` broadcast every 5 s (uptime),
 * a `STATS_UPDATE` push every 5 s, and a `NEW_EVENT` pushed as soon as something happens (here:
 * `POST /event {"data": ...}`). It never reads what clients send. Started by `integration/harness.cjs`.
 *
 *   bun integration/json-socket/aurora-server.ts [--port 0] [--heartbeat-ms 5000] [--stats-ms 5000]
 *
 * It exits when its standard input ends (the process that started it is gone) or on SIGTERM.
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};

const TOPIC = 'dashboard';
const startedAt = Date.now();
let users = 3400;

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(option('port', '0')),
  async fetch(request, bunServer) {
    const url = new URL(request.url);
    if (url.pathname === '/ws') {
      return bunServer.upgrade(request, { data: {} }) ? undefined : new Response('Expected a WebSocket upgrade', { status: 400 });
    }
    if (request.method === 'POST' && url.pathname === '/event') {
      const body = (await request.json().catch(() => ({}))) as { data?: unknown };
      bunServer.publish(TOPIC, JSON.stringify({ type: 'NEW_EVENT', data: body.data ?? null }));
      return Response.json({});
    }
    return new Response('not found', { status: 404 });
  },
  websocket: {
    open(ws) {
      ws.subscribe(TOPIC);
    },
    message() {
      // The dashboard socket only pushes.
    },
  },
});

setInterval(() => {
  server.publish(TOPIC, JSON.stringify({ type: 'HEARTBEAT', data: { uptime: Date.now() - startedAt, timestamp: Date.now() } }));
}, Number(option('heartbeat-ms', '5000')));
setInterval(() => {
  server.publish(TOPIC, JSON.stringify({ type: 'STATS_UPDATE', data: { guilds: 12, users: ++users, avgLatencyMs: 41 } }));
}, Number(option('stats-ms', '5000')));

console.log(`listening on http://127.0.0.1:${server.port}`);

process.on('SIGTERM', () => {
  server.stop(true);
  process.exit(0);
});
void (async () => {
  for await (const _ of Bun.stdin.stream()) {
    // nothing is ever sent; the loop ends when the pipe closes
  }
  process.exit(0);
})();
