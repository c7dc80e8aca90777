/**
 * Mock server fan-out: how fast one burst of key_change events reaches every connected client,
 * how fast a reconnecting client is replayed its history, and what a connection costs in server
 * memory. The server runs as its own process (the real CLI), the clients in this one.
 * Run: node_modules/.bin/bun bench/server-fanout.bench.ts
 */
import { spawn } from 'bun';
import { readFileSync } from 'node:fs';

const BURST = 10_000;
const CLIENT_COUNTS = [1, 50, 200];
const REPLAY = 10_000;

const server = spawn(['node_modules/.bin/bun', 'mock-server/src/main.ts', '--port', '0', '--chaos', '--data', ':memory:',
  '--stats-interval', '600000', '--retain', '100000', '--rate-limit', '1000'], { stdout: 'pipe', stderr: 'inherit' });

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, ''));
}

async function baseUrl(): Promise<string> {
  const reader = server.stdout.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('server exited before listening');
    text += new TextDecoder().decode(value);
    const match = /listening on (http:\/\/\S+)/.exec(text);
    if (match) return match[1]!;
  }
}

async function post(url: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** A client that counts key_change frames and resolves when it has seen `seq`. */
function openClient(wsUrl: string): Promise<{ ws: WebSocket; waitFor(seq: number): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    let lastSeq = 0;
    let waiter: { seq: number; done: () => void } | null = null;
    ws.onmessage = (m) => {
      const frame = JSON.parse(m.data as string);
      if (frame.type === 'welcome') {
        resolve({
          ws,
          waitFor: (seq) => (lastSeq >= seq ? Promise.resolve() : new Promise<void>((done) => (waiter = { seq, done }))),
        });
      }
      if (typeof frame.seq === 'number') {
        if (frame.seq !== lastSeq + 1 && lastSeq !== 0) throw new Error(`gap: ${lastSeq} -> ${frame.seq}`);
        lastSeq = frame.seq;
        if (waiter && lastSeq >= waiter.seq) {
          waiter.done();
          waiter = null;
        }
      }
    };
    ws.onerror = () => reject(new Error('socket error'));
  });
}

try {
  const url = await baseUrl();
  const { token } = await post(`${url}/auth/login`, { username: 'admin', password: 'admin' });
  const wsBase = `${url.replace('http', 'ws')}/ws/events?token=${token}`;
  console.log(`server-fanout: burst of ${BURST} key_change events, server in its own process`);

  let previous = 0;
  let singleClientRate = 0;
  for (const count of CLIENT_COUNTS) {
    const before = rssKb(server.pid);
    const clients = await Promise.all(Array.from({ length: count }, () => openClient(`${wsBase}&lastSeq=${previous}`)));
    const perConnKb = (rssKb(server.pid) - before) / count;
    const start = performance.now();
    const { lastSeq } = await post(`${url}/__chaos/burst`, { count: BURST }, token);
    await Promise.all(clients.map((c) => c.waitFor(lastSeq)));
    const ms = performance.now() - start;
    previous = lastSeq;
    if (count === 1) singleClientRate = (BURST / ms) * 1000;
    const delivered = BURST * count;
    console.log(
      `  ${String(count).padStart(3)} clients: ${Math.round((BURST / ms) * 1000).toLocaleString('en')} events/s produced, ` +
        `${Math.round((delivered / ms) * 1000).toLocaleString('en')} frames/s delivered, ` +
        `${ms.toFixed(0)} ms, ~${perConnKb.toFixed(0)} KB server RSS per connection`,
    );
    for (const c of clients) c.ws.close();
  }

  // Replay: a client that was away for REPLAY events catches up from the event log.
  const from = previous;
  const { lastSeq } = await post(`${url}/__chaos/burst`, { count: REPLAY }, token);
  const start = performance.now();
  const late = await openClient(`${wsBase}&lastSeq=${from}`);
  await late.waitFor(lastSeq);
  const replayMs = performance.now() - start;
  late.ws.close();
  const replayRate = (REPLAY / replayMs) * 1000;
  console.log(`  replay of ${REPLAY} events to a reconnecting client: ${replayMs.toFixed(0)} ms, ` +
    `${Math.round(replayRate).toLocaleString('en')} events/s (${(replayRate / singleClientRate).toFixed(2)}x the live rate to one client)`);
  console.log('  (clients share this process, so with many clients the figure is bounded by their JSON parsing)');
} finally {
  server.kill('SIGTERM');
  await server.exited;
}
