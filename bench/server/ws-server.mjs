/**
 * The `ws` package baseline of the Server section, run with Node: a `ws` WebSocketServer on a plain
 * http server. `POST /burst {"count":N}` stringifies each of N key_change events (the mock server's
 * shape and size) once and sends it to every open client, then answers; `ws` has no topics, so the
 * fan-out is its documented broadcast loop over `wss.clients`.
 *
 * @example
 * ```sh
 * node bench/server/ws-server.mjs   # prints: listening on http://127.0.0.1:PORT
 * ```
 */
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

let seq = 0;

const http = createServer((req, res) => {
  if (req.url !== '/burst' || req.method !== 'POST') {
    res.writeHead(404).end('not found');
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { count } = JSON.parse(body);
    for (let i = 0; i < count; i++) {
      const text = JSON.stringify({ type: 'key_change', seq: ++seq, timestamp: Date.now(), operation: 'put', key: `burst:${i}`, cf: 'default', value: String(i) });
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count, lastSeq: seq }));
  });
});

// Compression off, as in the Bun servers: the comparison is of fan-out, not of deflate.
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: true });
wss.on('connection', (ws) => ws.on('error', () => {}));

http.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${http.address().port}`));
