import type { EventWriter } from '../storage/event-writer';
import type { Store } from '../storage/store';
import type { Domain } from './domain';

const NAMES = [
  'Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Margaret Hamilton',
  'Ken Thompson', 'Frances Allen', 'John Backus', 'Radia Perlman', 'Tony Hoare', 'Shafi Goldwasser', 'Niklaus Wirth',
  'Katherine Johnson', 'Leslie Lamport', 'Hedy Lamarr', 'Dennis Ritchie', 'Adele Goldberg', 'Vint Cerf',
];
const PLANS = ['free', 'pro', 'team', 'enterprise'];
const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded'];
const CONFIG: ReadonlyArray<[string, string]> = [
  ['config:feature.dark-mode', 'true'],
  ['config:feature.beta-sync', 'false'],
  ['config:rate-limit.per-minute', '600'],
  ['config:region', 'eu-west-1'],
  ['config:log-level', 'info'],
  ['config:cache-ttl-seconds', '300'],
  ['config:maintenance-window', 'Sun 02:00-03:00 UTC'],
  ['config:welcome-message', 'Welcome to ApexStore'],
];
const NODES = ['node-1', 'node-2', 'node-3'];

/** The sample rows, the same on every start (only session expiries follow the clock): [cf, key, value]. */
function sampleRows(now: number): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [];
  NAMES.forEach((name, i) => {
    const email = `${name.split(' ')[0]!.toLowerCase()}@example.com`;
    rows.push(['default', `user:${i + 1}`, JSON.stringify({ name, email, plan: PLANS[i % PLANS.length] })]);
  });
  for (let i = 0; i < 15; i++) {
    const order = { user: `user:${((i * 7) % NAMES.length) + 1}`, items: (i % 4) + 1, total: Math.round(((i * 37) % 250) * 100 + 999) / 100, status: ORDER_STATUSES[i % ORDER_STATUSES.length] };
    rows.push(['default', `order:${1001 + i}`, JSON.stringify(order)]);
  }
  for (const [key, value] of CONFIG) rows.push(['default', key, value]);
  for (let i = 0; i < 10; i++) {
    const id = (Math.imul(0x5f3a9c + i * 7919, 2654435761) >>> 0).toString(16).padStart(8, '0');
    rows.push(['default', `session:${id}`, JSON.stringify({ user: `user:${(i * 3) % NAMES.length + 1}`, expiresAt: now + (i + 1) * 3_600_000 })]);
  }
  NODES.forEach((node, i) => {
    rows.push(['metrics', `cpu:${node}`, (0.31 + i * 0.17).toFixed(2)]);
    rows.push(['metrics', `mem:${node}`, (0.52 + i * 0.09).toFixed(2)]);
  });
  return rows;
}

/**
 * `--seed`: writes the sample data through the domain, so it becomes events like any write, when
 * the store holds no keys (a restart on the same data file, or an instance joining a Redis that has
 * keys, writes nothing). Resolves with whether it wrote.
 *
 * @example
 * ```ts
 * if (config.seed) await seedSampleData({ store, domain, events, now: config.now }); // 59 keys (6 in cf "metrics") and one snapshot
 * ```
 */
export async function seedSampleData(parts: { store: Store; domain: Domain; events: Pick<EventWriter, 'settled'>; now: () => number }): Promise<boolean> {
  const { store, domain, events } = parts;
  if (store.keyTotals().records > 0) return false;
  for (const [cf, key, value] of sampleRows(parts.now())) domain.putKey(cf, key, value);
  // With Redis the keys count once applied here, and the snapshot should count them.
  await events.settled();
  domain.snapshotNow();
  await events.settled();
  return true;
}
