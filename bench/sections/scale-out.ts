/**
 * Scale-out: two mock server instances on one real redis-server (clients split between them, every
 * write through the first, so half the deliveries cross instances) against one instance on its
 * embedded sqlite, in the same run with alternating rounds: deliveries/s of a burst, and the p99
 * latency of a paced stream from the server's timestamp to the client's handler.
 */
import type { ChildProcess } from 'node:child_process';
import { startRedis } from '../../mock-server/redis-process';
import { startMockServerCli } from '../../mock-server/start-cli.cjs';
import { median, percentile, perSecond } from '../browser/figures';
import { row, type Section } from '../section';
import { stopChild } from '../server/server-process';

interface Counts {
  clients: number;
  burst: number;
  paced: number;
  perSecond: number;
  rounds: number;
}

const FULL: Counts = { clients: 40, burst: 2000, paced: 1000, perSecond: 500, rounds: 3 };
const SMOKE: Counts = { clients: 4, burst: 40, paced: 20, perSecond: 400, rounds: 1 };
const SERVER_ARGS = ['--precise-time', '--stats-interval', '600000', '--rate-limit', '100000'];

interface Setup {
  name: 'sqlite' | 'redis';
  /** Base URLs of the instances; writes go through the first. */
  urls: string[];
  children: ChildProcess[];
  stopRedis?: () => void;
}

async function start(name: Setup['name']): Promise<Setup> {
  if (name === 'sqlite') {
    const { url, child } = (await startMockServerCli(SERVER_ARGS)) as { url: string; child: ChildProcess };
    return { name, urls: [url], children: [child] };
  }
  const redis = await startRedis();
  const setup: Setup = { name, urls: [], children: [], stopRedis: redis.stop };
  for (let i = 0; i < 2; i++) {
    const { url, child } = (await startMockServerCli([...SERVER_ARGS, '--redis', redis.url])) as { url: string; child: ChildProcess };
    setup.urls.push(url);
    setup.children.push(child);
  }
  return setup;
}

async function post(url: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A client that counts key changes and records each one's latency (ms) from its server timestamp. */
class Client {
  count = 0;
  readonly latencies: number[] = [];
  private target = 0;
  private onTarget: (() => void) | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as { type: string; timestamp?: number };
      if (frame.type !== 'key_change') return;
      this.latencies.push(performance.timeOrigin + performance.now() - frame.timestamp!);
      if (++this.count >= this.target) this.onTarget?.();
    };
  }

  static open(wsUrl: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl);
      const client = new Client(socket);
      const onWelcome = socket.onmessage!;
      socket.onmessage = (message) => {
        if ((JSON.parse(String(message.data)) as { type: string }).type === 'welcome') {
          socket.onmessage = onWelcome;
          resolve(client);
        }
      };
      socket.onerror = () => reject(new Error(`scale-out: could not connect to ${wsUrl}`));
    });
  }

  /** Resolves once `total` key changes arrived in all. */
  reach(total: number, timeoutMs = 60_000): Promise<void> {
    this.target = total;
    if (this.count >= total) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`scale-out: a client got ${this.count} of ${total} events`)), timeoutMs);
      this.onTarget = () => {
        clearTimeout(timer);
        this.onTarget = null;
        resolve();
      };
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** One round on one setup: a burst's deliveries/s, then the latencies of a paced stream. */
async function round(setup: Setup, counts: Counts): Promise<{ deliveriesPerSecond: number; latencies: number[] }> {
  const writer = setup.urls[0]!;
  const { token } = (await post(`${writer}/auth/login`, { username: 'admin', password: 'admin' })) as { token: string };
  const clients = await Promise.all(
    Array.from({ length: counts.clients }, (_, i) => {
      const base = setup.urls[i % setup.urls.length]!.replace(/^http/, 'ws');
      return Client.open(`${base}/ws/events?token=${encodeURIComponent(token)}`);
    }),
  );
  try {
    const startedAt = performance.now();
    await Promise.all([...clients.map((c) => c.reach(counts.burst)), post(`${writer}/__chaos/burst`, { count: counts.burst }, token)]);
    const burstMs = performance.now() - startedAt;
    for (const client of clients) client.latencies.length = 0;
    const total = counts.burst + counts.paced;
    await Promise.all([
      ...clients.map((c) => c.reach(total)),
      post(`${writer}/__chaos/burst`, { count: counts.paced, perSecond: counts.perSecond }, token),
    ]);
    return { deliveriesPerSecond: perSecond(counts.clients * counts.burst, burstMs), latencies: clients.flatMap((c) => c.latencies) };
  } finally {
    for (const client of clients) client.close();
  }
}

export const scaleOut: Section = async ({ smoke }) => {
  const counts = smoke ? SMOKE : FULL;
  const rates: Record<Setup['name'], number[]> = { sqlite: [], redis: [] };
  const p99s: Record<Setup['name'], number[]> = { sqlite: [], redis: [] };
  const setups: Setup[] = [];
  try {
    setups.push(await start('sqlite'), await start('redis'));
    for (let r = 0; r < counts.rounds; r++) {
      const order = r % 2 === 0 ? setups : [...setups].reverse();
      for (const setup of order) {
        const { deliveriesPerSecond, latencies } = await round(setup, counts);
        rates[setup.name].push(deliveriesPerSecond);
        p99s[setup.name].push(percentile(latencies, 99));
      }
    }
  } finally {
    await Promise.all(setups.flatMap((s) => s.children.map((c) => stopChild(c))));
    for (const setup of setups) setup.stopRedis?.();
  }
  const base = 'one instance on sqlite';
  return {
    name: '9. Scale-out',
    method:
      `${counts.clients} clients split over two mock server instances on one redis-server (every write through the first), against the same clients on one instance on sqlite; ` +
      `a ${counts.burst}-event burst (deliveries/s), then ${counts.paced} events paced at ${counts.perSecond}/s (p99 from the server's timestamp to the client's handler); ` +
      `median of ${counts.rounds} alternating rounds, servers in their own processes, clients in the bench process.`,
    rows: [
      row('two instances on Redis, burst', median(rates.redis), median(rates.sqlite), 'deliveries/s', base),
      row('two instances on Redis, paced p99 latency', median(p99s.redis), median(p99s.sqlite), 'ms', base),
    ],
    notes: [
      `rounds: sqlite ${rates.sqlite.map((v) => Math.round(v)).join(', ')} deliveries/s, p99 ${p99s.sqlite.map((v) => v.toFixed(2)).join(', ')} ms; ` +
        `redis ${rates.redis.map((v) => Math.round(v)).join(', ')} deliveries/s, p99 ${p99s.redis.map((v) => v.toFixed(2)).join(', ')} ms`,
      'with Redis every event makes an extra hop (EVAL, then PUB/SUB to each instance) before any socket sees it',
    ],
  };
};
