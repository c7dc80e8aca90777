/**
 * Server: how fast the mock server fans a burst out to 100 and 1,000 clients, and what an idle
 * connection costs it, against a bare `Bun.serve` publish loop and the `ws` package in the same
 * run. Every server runs in its own process, the clients in separate client processes.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { median, perSecond } from '../browser/figures';
import { row, type Section } from '../section';
import { ClientFleet } from '../server/client-fleet';
import { BUN, startServer, type ServerKind, type ServerUnderTest } from '../server/server-process';

interface Counts {
  burst: number;
  warmup: number;
  fanoutClients: [number, number];
  idleConnections: number;
  rounds: number;
}

const FULL: Counts = { burst: 1000, warmup: 200, fanoutClients: [100, 1000], idleConnections: 10_000, rounds: 3 };
const SMOKE: Counts = { burst: 20, warmup: 5, fanoutClients: [10, 20], idleConnections: 200, rounds: 1 };

interface Variant {
  name: string;
  server: ServerKind;
  batch: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'bare', server: 'bare', batch: false },
  { name: 'mock', server: 'mock', batch: false },
  { name: 'ws', server: 'ws', batch: false },
  { name: 'mockBatch', server: 'mock', batch: true },
];

// Two cores: a few client processes keep the clients off the server's core without starving it.
const processesFor = (sockets: number) => (sockets > 100 ? 4 : 2);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const n = (count: number) => count.toLocaleString('en');
const msText = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
/** Fastest-slowest round, to show how noisy a median is. */
const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length > 1 ? `${msText(sorted[0]!)}-${msText(sorted[sorted.length - 1]!)}` : msText(sorted[0]!);
};

/** One burst to `clients` fresh sockets, after a warm-up burst on the same sockets; returns ms. */
async function fanout(server: ServerUnderTest, variant: Variant, clients: number, counts: Counts): Promise<number> {
  const fleet = await ClientFleet.open(server.wsUrl(variant.batch), clients, processesFor(clients), { welcome: server.kind === 'mock' });
  try {
    // The warm-up gets the JIT of server and clients past their first frames.
    await fleet.expect(counts.warmup);
    await server.burst(counts.warmup);
    await fleet.done(counts.warmup);
    const total = counts.warmup + counts.burst;
    await fleet.expect(total);
    const start = performance.now();
    // Together, so a client failing during the request is a rejection someone handles.
    await Promise.all([fleet.done(total), server.burst(counts.burst)]);
    return performance.now() - start;
  } finally {
    await fleet.close();
  }
}

/** Server RSS growth per connection for `connections` idle sockets on a freshly started server. */
async function idleBytes(kind: ServerKind, connections: number): Promise<number> {
  const server = await startServer(kind);
  try {
    // Let start-up allocation (and the mock server's login) settle before the "before" figure.
    await sleep(500);
    const before = server.rssBytes();
    const fleet = await ClientFleet.open(server.wsUrl(), connections, processesFor(connections), { welcome: kind === 'mock', timeoutMs: 90_000 });
    try {
      await sleep(1000);
      return (server.rssBytes() - before) / connections;
    } finally {
      await fleet.close();
    }
  } finally {
    await server.stop();
  }
}

function versions(): string {
  const node = execFileSync('node', ['--version'], { encoding: 'utf8' }).trim();
  const bun = execFileSync(BUN, ['--version'], { encoding: 'utf8' }).trim();
  const ws = (createRequire(import.meta.url)('ws/package.json') as { version: string }).version;
  return `Bun ${bun}, Node ${node}, ws ${ws}`;
}

export const server: Section = async ({ smoke }) => {
  const counts = smoke ? SMOKE : FULL;
  const ms: Record<string, Record<number, number[]>> = {};
  for (const v of VARIANTS) ms[v.name] = Object.fromEntries(counts.fanoutClients.map((c) => [c, [] as number[]]));

  const servers: Partial<Record<ServerKind, ServerUnderTest>> = {};
  try {
    for (const kind of ['mock', 'bare', 'ws'] as const) servers[kind] = await startServer(kind);
    for (const clients of counts.fanoutClients) {
      for (let round = 0; round < counts.rounds; round++) {
        // Rotating the order spreads drift (thermal, other load) over all variants alike.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
        for (const variant of order) ms[variant.name]![clients]!.push(await fanout(servers[variant.server]!, variant, clients, counts));
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }

  const idle: Partial<Record<ServerKind, number>> = {};
  for (const kind of ['bare', 'mock', 'ws'] as const) idle[kind] = await idleBytes(kind, counts.idleConnections);

  const rate = (name: string, clients: number) => perSecond(clients * counts.burst, median(ms[name]![clients]!));
  const base = 'bare Bun.serve publish';
  const fanoutRows = (label: string, name: string, target?: { min: number }) =>
    counts.fanoutClients.map((clients) => row(`${label}, burst to ${n(clients)} clients`, rate(name, clients), rate('bare', clients), 'deliveries/s', base, target));
  const [few, many] = counts.fanoutClients;
  return {
    name: '7. Server',
    method:
      `a ${n(counts.burst)}-event burst from the request to the last event at every client, after a ${n(counts.warmup)}-event warm-up on the same sockets; ` +
      `the three servers run side by side, fresh clients per measurement, median of ${counts.rounds} rotating rounds; ` +
      `idle memory: VmRSS growth of a freshly started server per open (mock: welcomed) socket.`,
    rows: [
      ...fanoutRows('mock server', 'mock', { min: 0.8 }),
      ...fanoutRows('ws package', 'ws'),
      ...fanoutRows('mock server, batch clients', 'mockBatch'),
      row(`mock server, ${n(counts.idleConnections)} idle connections`, idle.mock!, idle.bare!, 'B/conn', base),
      row(`ws package, ${n(counts.idleConnections)} idle connections`, idle.ws!, idle.bare!, 'B/conn', base),
    ],
    notes: [
      `fan-out: ${n(counts.burst)} events to ${n(few)} clients (${processesFor(few)} client processes) and ${n(many)} (${processesFor(many)}); ` +
        `idle: ${n(counts.idleConnections)} connections (${processesFor(counts.idleConnections)} client processes); clients count events without parsing them`,
      `round times (ms): ${counts.fanoutClients.map((c) => `${n(c)} clients: ${VARIANTS.map((v) => `${v.name} ${spread(ms[v.name]![c]!)}`).join(', ')}`).join('; ')}`,
      `single frames for mock, bare Bun and ws; "batch clients" connect with ?batch=1 (no target)`,
      `${versions()}; the clients share the ${cpus().length} cores with the server, so high fan-out figures are bounded by them too`,
    ],
  };
};
