/**
 * One client process of the Server section (run with Bun): opens N WebSockets to one URL and counts
 * the key_change events each receives, so the server under test never shares a process (or its
 * event loop) with the clients that load it. Events are counted without parsing them: only a frame
 * starting with `{"type":"batch"` is parsed, for its length. Driven over stdin/stdout, one JSON
 * line per message (see {@link ClientFleet}, which speaks the other side).
 *
 * stdin: `expect T` (every socket will have T events in total), `counts`, `close`.
 * stdout: `{"ready":N}`, `{"expecting":T}`, `{"done":T}`, `{"counts":{min,max}}`, `{"closed":N}`,
 * `{"error":"..."}`.
 *
 * @example
 * ```sh
 * node_modules/.bin/bun bench/server/fanout-clients.ts 'ws://127.0.0.1:8080/ws/events?token=t' 250 --welcome
 * ```
 */
// A module (not a script), so its top-level names and awaits stay its own.
export {};

const [url, countArg, ...flags] = process.argv.slice(2);
const total = Number(countArg);
if (!url || !Number.isSafeInteger(total) || total < 1) {
  console.error('usage: fanout-clients.ts URL SOCKETS [--welcome]');
  process.exit(2);
}
// The mock server sends `welcome` after auth: only then is a socket subscribed and really idle.
const waitWelcome = flags.includes('--welcome');
// More handshakes in flight than this overflow the server's accept backlog, and a dropped SYN
// costs a 1 s retransmit.
const MAX_PENDING = 128;
const BATCH_HEAD = '{"type":"batch"';
const EVENT_HEAD = '{"type":"key_change"';

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const sockets: WebSocket[] = [];
const counts = new Float64Array(total);
let target = Infinity;
let behind = 0;
let ready = 0;
let closing = false;

function received(i: number, n: number): void {
  const before = counts[i]!;
  counts[i] = before + n;
  if (before < target && before + n >= target && --behind === 0) say({ done: target });
}

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url!);
    sockets[i] = ws;
    let isReady = false;
    const markReady = () => {
      if (isReady) return;
      isReady = true;
      ready++;
      resolve();
    };
    ws.onopen = () => {
      if (!waitWelcome) markReady();
    };
    ws.onmessage = (message) => {
      const text = message.data as string;
      if (text.startsWith(EVENT_HEAD)) received(i, 1);
      else if (text.startsWith(BATCH_HEAD)) received(i, (JSON.parse(text) as { events: unknown[] }).events.length);
      else if (text.startsWith('{"type":"welcome"')) markReady();
    };
    ws.onclose = (event) => {
      if (!closing) {
        say({ error: `socket ${i} closed by the server: ${event.code} ${event.reason}` });
        process.exit(1);
      }
    };
  });
}

let next = 0;
async function opener(): Promise<void> {
  while (next < total) await open(next++);
}
await Promise.all(Array.from({ length: Math.min(MAX_PENDING, total) }, opener));
say({ ready });

async function closeAll(): Promise<void> {
  closing = true;
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.onclose = () => resolve();
          ws.close();
        }),
    ),
  );
  say({ closed: sockets.length });
  process.exit(0);
}

for await (const line of console) {
  const [command, arg] = line.trim().split(' ');
  if (command === 'expect') {
    target = Number(arg);
    behind = 0;
    for (const c of counts) if (c < target) behind++;
    say({ expecting: target });
    if (behind === 0) say({ done: target });
  } else if (command === 'counts') {
    let min = Infinity;
    let max = 0;
    for (const c of counts) {
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    say({ counts: { min, max } });
  } else if (command === 'close') {
    await closeAll();
  }
}
// stdin closed: the controller is gone, so nobody will ever read what this process counts.
process.exit(0);
