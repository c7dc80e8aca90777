/**
 * The real Ignis WebSocket server helper (`@venizia/ignis-helpers` 0.0.7, `WebSocketServerHelper`) on
 * a Bun server, for ngx-realtime's integration specs. Started by `integration/harness.cjs`; prints
 * `listening on http://127.0.0.1:N` once it accepts connections.
 *
 *   bun integration/ignis/server.ts --redis-port 6390 [--port 0] [--token good-token]
 *     [--encryption [--encrypt-connected]] [--heartbeat-interval 30000] [--heartbeat-timeout 90000]
 *
 * - `authenticateFn` accepts `{ token }` equal to `--token` (user `user-1`), refuses anything else.
 * - `validateRoomFn` allows every room asked for.
 * - `--encryption`: the helper's documented convention (`requireEncryption`, a `handshakeFn` doing
 *   P-256 ECDH with the package's own ECDH helper, an `outboundTransformer` that encrypts with
 *   AES-256-GCM) with the one-line workaround for the documented example's bug: `connected` is sent
 *   as is, since it carries the keys the client needs to read anything encrypted. Events whose name
 *   starts with `tamper` get one bit of their ciphertext flipped, so a spec can check that a frame
 *   that fails to decrypt is reported and never delivered. `--encrypt-connected` leaves the
 *   workaround out: the documented example exactly, whose clients can never read anything.
 * - SIGTERM: `helper.shutdown()` (every socket closed with 1001), then exit. SIGKILL kills it as a
 *   crash would. It also exits when its standard input ends (the process that started it is gone).
 */
import { ECDH, RedisHelper, WebSocketServerHelper } from '@venizia/ignis-helpers';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};

const redisPort = Number(option('redis-port', '6379'));
const port = Number(option('port', '0'));
const goodToken = option('token', 'good-token');
const encryption = flag('encryption');
const encryptConnected = flag('encrypt-connected');

const redis = new RedisHelper({ name: 'ignis-integration', host: '127.0.0.1', port: redisPort, password: '', maxRetry: -1 });

// The helper needs the server at construction and Bun needs the handler at serve time: serve with a
// stub, then reload with the helper's handler (what the Ignis framework itself does).
const server = Bun.serve({
  hostname: '127.0.0.1',
  port,
  fetch: () => new Response('starting', { status: 503 }),
  websocket: { message() {} },
});

const ecdh = ECDH.withAlgorithm();
const serverKeys = encryption ? await ecdh.generateKeyPair() : null;
const clientKeys = new Map<string, CryptoKey>();

const helper = new WebSocketServerHelper({
  identifier: 'ignis-integration',
  server: server as never,
  redisConnection: redis,
  heartbeatInterval: Number(option('heartbeat-interval', '30000')),
  heartbeatTimeout: Number(option('heartbeat-timeout', '90000')),
  authenticateFn: async (data: Record<string, unknown>) => (data['token'] === goodToken ? { userId: 'user-1' } : null),
  validateRoomFn: ({ rooms }: { rooms: string[] }) => rooms,
  ...(encryption
    ? {
        requireEncryption: true,
        handshakeFn: async ({ clientId, data }: { clientId: string; data: Record<string, unknown> }) => {
          const publicKey = data['publicKey'];
          if (typeof publicKey !== 'string' || publicKey === '') return null;
          const peer = await ecdh.importPublicKey({ rawKeyB64: publicKey });
          const { key, salt } = await ecdh.deriveAESKey({ privateKey: serverKeys!.keyPair.privateKey, peerPublicKey: peer });
          clientKeys.set(clientId, key);
          return { serverPublicKey: serverKeys!.publicKeyB64, salt };
        },
        outboundTransformer: async ({ client, event, data }: { client: { id: string; encrypted: boolean }; event: string; data: unknown }) => {
          // The workaround: the documented example encrypts `connected` too, which the client can never read.
          if (event === 'connected' && !encryptConnected) return null;
          const key = clientKeys.get(client.id);
          if (!client.encrypted || !key) return null;
          const sealed = await ecdh.encrypt({ message: JSON.stringify({ event, data }), secret: key });
          return { event: 'encrypted', data: event.startsWith('tamper') ? { iv: sealed.iv, ct: flipBit(sealed.ct) } : sealed };
        },
      }
    : {}),
  clientDisconnectedFn: ({ clientId }: { clientId: string }) => {
    clientKeys.delete(clientId);
  },
} as never);
await helper.configure();

server.reload({
  fetch(request, bunServer) {
    const url = new URL(request.url);
    if (url.pathname === helper.getPath() && bunServer.upgrade(request, { data: { clientId: crypto.randomUUID() } })) return undefined;
    if (url.pathname === '/health') return new Response('ok');
    return new Response('not found', { status: 404 });
  },
  websocket: helper.getBunWebSocketHandler() as never,
});
console.log(`listening on http://127.0.0.1:${server.port}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await helper.shutdown().catch(() => undefined);
  server.stop(true);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The parent holds our standard input: when it is gone, so are we.
void (async () => {
  for await (const _ of Bun.stdin.stream()) {
    // nothing is ever sent; the loop ends when the pipe closes
  }
  process.exit(0);
})();

/** Flips one bit in the middle of a base64 ciphertext, keeping it valid base64. */
function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return bytes.toString('base64');
}
