/**
 * Live state: a `liveResource` with `reduceKeyChanges()` holding 1,000 / 10,000 / 100,000 rows takes
 * a burst of puts and deletes at random among its keys (`POST /__chaos/burst` with `keys` and
 * `deletes`, batch frames on), timed from the request to the last event applied to the state; the
 * baseline is the same burst to an app that only subscribes. Both run as an Angular application
 * (zoneless), one round of each in turn, a new application per round; the Long Tasks API gives the
 * longest main-thread task during each burst.
 */
import '@angular/compiler';
import { provideZonelessChangeDetection, runInInjectionContext, type ApplicationRef, type ResourceRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocketService, liveResource, liveSnapshot, provideRealtime, reduceKeyChanges, withNoPollingFallback, type KeyChangeEvent, type KeyValueBody, type LiveSnapshot } from 'ngx-realtime';
import { login } from './live-clients';
import { param, pause, runBenchmark } from './page-report';

const COUNT = param('count', 100_000);
const ROUNDS = param('rounds', 5);
const SIZES = (new URLSearchParams(location.search).get('sizes') ?? '1000,10000,100000').split(',').map(Number);
/** The share of the burst that deletes a key; the rest are puts, most of them updates. */
const DELETES = 0.1;

type Variant = 'live' | 'subscribe';

interface RoundFigures {
  ms: number;
  /** From the request to the server's answer, which comes once it has sent the last event. */
  serverMs: number;
  /** The longest main-thread task while the burst ran (0: none over the API's 50 ms). */
  longestTaskMs: number;
}

/** Every long task since the page started (the observer sees tasks of 50 ms and more). */
const longTasks: Array<{ start: number; end: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
}).observe({ type: 'longtask', buffered: true });

function longestTaskBetween(start: number, end: number): number {
  return longTasks.filter((t) => t.end > start && t.start < end).reduce((longest, t) => Math.max(longest, t.end - t.start), 0);
}

async function chaos(body: object): Promise<{ lastSeq: number }> {
  const res = await fetch('/__chaos/burst', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { lastSeq: number };
}

/** The whole key list under `prefix`, page by page; its seq is the oldest page's, so events after it apply. */
async function loadAll(token: string, prefix: string): Promise<LiveSnapshot<readonly KeyValueBody[]>> {
  const rows: KeyValueBody[] = [];
  let after: string | null = null;
  let seq = Number.MAX_SAFE_INTEGER;
  do {
    const query = new URLSearchParams({ prefix, limit: '1000', ...(after === null ? {} : { after }) });
    const res = await fetch(`/keys?${query}`, { headers: { Authorization: `Bearer ${token}` } });
    seq = Math.min(seq, Number(res.headers.get('X-Last-Seq')));
    const body = (await res.json()) as { keys: KeyValueBody[]; next: string | null };
    for (const row of body.keys) rows.push(row);
    after = body.next;
  } while (after !== null);
  return liveSnapshot(rows, seq);
}

/** An application as an app would make it: zoneless, `provideRealtime()`, connected. */
async function app(token: string): Promise<{ appRef: ApplicationRef; service: WebSocketService }> {
  const appRef = await createApplication({ providers: [provideZonelessChangeDetection(), provideRealtime({ url: '/ws/events' }, withNoPollingFallback())] });
  const service = appRef.injector.get(WebSocketService);
  service.connect(token);
  await firstValueFrom(service.connectionStatus$.pipe(filter((s) => s === 'connected')));
  return { appRef, service };
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 1));
    poll();
  });
}

async function round(token: string, prefix: string, rows: number, variant: Variant, seed: number): Promise<RoundFigures & { rows?: readonly KeyValueBody[] }> {
  const { appRef, service } = await app(token);
  let counted = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const count = (n: number) => {
    counted += n;
    if (counted === COUNT) done();
  };
  let ref: ResourceRef<readonly KeyValueBody[]> | null = null;
  if (variant === 'live') {
    // Counted where the state is made, so "done" means applied, not merely received.
    const reduce = reduceKeyChanges();
    const counting = Object.assign((state: readonly KeyValueBody[], event: KeyChangeEvent) => (count(1), reduce(state, event)), {
      reduceMany: (state: readonly KeyValueBody[], events: readonly KeyChangeEvent[]) => {
        const next = reduce.reduceMany(state, events);
        count(events.length);
        return next;
      },
    });
    ref = runInInjectionContext(appRef.injector, () =>
      liveResource({ load: () => loadAll(token, prefix), events: (rt) => rt.onKeyChanges({ keyPrefix: prefix }), reduce: counting, defaultValue: [] }),
    );
    appRef.tick();
    await until(() => ref!.status() === 'resolved');
    if (ref.value().length < rows * 0.5) throw new Error(`the live list holds ${ref.value().length} rows, expected about ${rows}`);
  } else {
    service.onKeyChanges({ keyPrefix: prefix }).subscribe(() => count(1));
  }
  await pause(200);
  const start = performance.now();
  await chaos({ count: COUNT, prefix, keys: rows, deletes: DELETES, seed });
  const answered = performance.now();
  await finished;
  const end = performance.now();
  // Long task entries arrive after their task: give the observer a moment.
  await pause(100);
  const held = ref?.value();
  appRef.destroy();
  return { ms: end - start, serverMs: answered - start, longestTaskMs: longestTaskBetween(start, end), rows: held };
}

runBenchmark('live-state', async () => {
  const token = await login();
  const sizes: Array<{ rows: number; live: RoundFigures[]; subscribe: RoundFigures[]; heldRows: number; matchesServer: boolean }> = [];
  let seed = 1;
  for (const rows of SIZES) {
    const prefix = `rows${rows}:`;
    // The keys the list holds: <prefix>0 ... <prefix><rows - 1>; the bursts pick among them.
    await chaos({ count: rows, prefix });
    const figures = { rows, live: [] as RoundFigures[], subscribe: [] as RoundFigures[], heldRows: 0, matchesServer: false };
    for (let r = 0; r < ROUNDS; r++) {
      // Each round starts with the other variant, so drift in the machine's speed spreads evenly.
      for (const variant of (r % 2 === 0 ? ['live', 'subscribe'] : ['subscribe', 'live']) as Variant[]) {
        await pause(300);
        const result = await round(token, prefix, rows, variant, seed++);
        figures[variant].push({ ms: result.ms, serverMs: result.serverMs, longestTaskMs: result.longestTaskMs });
        if (result.rows) {
          // The state after the burst must be what the server lists now.
          const server = (await loadAll(token, prefix)).value;
          figures.heldRows = result.rows.length;
          figures.matchesServer = server.length === result.rows.length && server.every((row, i) => row.key === result.rows![i]!.key && row.value === result.rows![i]!.value);
          if (!figures.matchesServer) throw new Error(`the live list of ${rows} rows differs from GET /keys after the burst`);
        }
      }
    }
    sizes.push(figures);
  }
  return { count: COUNT, sizes };
});
