// A `ws` server shaped like Fluxora's stream channel, for ngx-realtime's integration specs
// (`jsonEventsProtocol({ typeField: 'event' })`). From its public pull request #111: a ws.Server on
// the HTTP server at /ws/streams; every frame `{event, streamId, payload, timestamp}` (stream.created,
// stream.updated, stream.cancelled), broadcast to every client; per connection at most 10 client
// messages in 10 s, else close 1008; client messages of at most 4 KiB, else close 1009; a
// protocol-level ping every 30 s that drops clients which did not answer the last one (browsers
// answer by themselves). Here `POST /broadcast {"event", "streamId", "payload"}` plays its indexer.
// Started by integration/harness.cjs.
//
//   node integration/json-socket/fluxora-server.mjs [--port 0]
//
// It exits when its standard input ends (the process that started it is gone) or on SIGTERM.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;

const RATE_LIMIT = 10;
const RATE_WINDOW_MS = 10_000;
const MAX_MESSAGE_BYTES = 4 * 1024;
const PING_INTERVAL_MS = 30_000;

const server = http.createServer(async (request, response) => {
  if (request.method === 'POST' && request.url === '/broadcast') {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const { event, streamId, payload } = JSON.parse(raw || '{}');
    broadcast({ event, streamId, payload: payload ?? {}, timestamp: new Date().toISOString() });
    response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    return;
  }
  response.writeHead(404).end();
});

// ws closes a connection whose message exceeds maxPayload with 1009, as Fluxora's limit does.
const wss = new WebSocketServer({ server, path: '/ws/streams', maxPayload: MAX_MESSAGE_BYTES });

wss.on('connection', (socket) => {
  socket.isAlive = true;
  socket.on('pong', () => (socket.isAlive = true));
  // ws reports an oversized message as an error before it closes with 1009: without a listener the
  // error would end the whole server.
  socket.on('error', () => {});
  const sentAt = [];
  socket.on('message', () => {
    const now = Date.now();
    sentAt.push(now);
    while (sentAt.length > 0 && sentAt[0] <= now - RATE_WINDOW_MS) sentAt.shift();
    if (sentAt.length > RATE_LIMIT) socket.close(1008, 'Rate limit exceeded');
  });
});

const pinger = setInterval(() => {
  for (const socket of wss.clients) {
    if (!socket.isAlive) {
      socket.terminate();
      continue;
    }
    socket.isAlive = false;
    socket.ping();
  }
}, PING_INTERVAL_MS);

function broadcast(frame) {
  const text = JSON.stringify(frame);
  for (const socket of wss.clients) if (socket.readyState === socket.OPEN) socket.send(text);
}

server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));

function stop() {
  clearInterval(pinger);
  for (const socket of wss.clients) socket.close(1001, 'Server shutting down');
  server.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
