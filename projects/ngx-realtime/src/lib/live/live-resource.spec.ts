import { HttpClient, HttpHeaders, HttpResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { PLATFORM_ID, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Observable, finalize, map, type Subscription } from 'rxjs';
import { liveResource } from './live-resource';
import { LiveSnapshot, liveSnapshot, snapshotFromResponse } from './live-snapshot';
import type { KeyChangeEvent, KeyListBody, KeyValueBody, ServerEvent, StatsUpdateEvent } from '../protocol/protocol';
import { batchReducer } from './live-reducer';
import { reduceKeyChanges, reduceKeyed, type KeyedReducerOptions } from './reduce-keyed';
import { keyChangeOptions, referenceReducer, seeded } from './reduce-keyed.spec';
import { withProtocol } from '../config/provide-realtime';
import { apexStoreCdc } from '../protocol/apexstore-cdc';
import { flushMicrotasks, put, setup } from '../service/websocket-service-test-bed.spec';
import type { TestEvent } from 'ngx-realtime/testing';

/** State that records every event applied to it, so "applied once" is visible. */
interface Applied {
  from: string;
  seqs: number[];
}

const withSeq = (seq: number | null) => (seq === null ? new HttpHeaders() : new HttpHeaders({ 'X-Last-Seq': String(seq) }));

/** Runs resource effects and lets the stream's promise settle. */
async function settle(): Promise<void> {
  TestBed.tick();
  await flushMicrotasks();
  TestBed.tick();
}

describe('liveResource', () => {
  afterEach(() => TestBed.resetTestingModule());

  /** The service connected on the fake backend, HttpClient on the testing backend. */
  function live(platform: 'browser' | 'server' = 'browser') {
    const bed = setup({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: PLATFORM_ID, useValue: platform }],
    });
    const http = TestBed.inject(HttpTestingController);
    let eventSubscriptions = 0;
    const counted = <T>(source: Observable<T>) =>
      new Observable<T>((subscriber) => {
        eventSubscriptions++;
        return source.pipe(finalize(() => eventSubscriptions--)).subscribe(subscriber);
      });
    if (platform === 'browser') {
      bed.service.connect('t');
      bed.controller.connection.open();
    }
    return { ...bed, http, counted, subscriptions: () => eventSubscriptions };
  }

  /** A resource over `GET /applied` whose state lists the seqs applied to it. */
  function appliedResource(counted: <T>(s: Observable<T>) => Observable<T>, params?: () => string | undefined) {
    const client = TestBed.inject(HttpClient);
    return TestBed.runInInjectionContext(() =>
      liveResource({
        params: params ?? (() => 'all'),
        load: (name: string) => client.get<Applied>(`/applied/${name}`, { observe: 'response' }),
        events: (rt, name) => counted(rt.onKeyChanges(name === 'all' ? {} : { keyPrefix: name })),
        reduce: (state: Applied, event: KeyChangeEvent) => ({ ...state, seqs: [...state.seqs, event.seq] }),
      }),
    );
  }

  function respond(http: HttpTestingController, url: string, body: object, seq: number | null, status = 200): void {
    http.expectOne(url).flush(body, { headers: withSeq(seq), status, statusText: status === 200 ? 'OK' : 'Error' });
  }

  it('applies an event the snapshot already contains zero times and one it does not contain once', async () => {
    const { controller, http, counted } = live();
    const ref = appliedResource(counted);
    await settle();
    // Both arrive while the request is in flight; the answer reflects seq 1 but not seq 2.
    controller.emit(put('a'));
    controller.emit(put('b'));
    respond(http, '/applied/all', { from: 'snapshot', seqs: [] }, 1);
    await settle();
    expect(ref.status()).toBe('resolved');
    expect(ref.value()).toEqual({ from: 'snapshot', seqs: [2] });
  });

  it('applies the events after the snapshot once each, in order, and skips repeats', async () => {
    const { controller, http, counted } = live();
    const ref = appliedResource(counted);
    await settle();
    respond(http, '/applied/all', { from: 'snapshot', seqs: [] }, 0);
    await settle();
    const sent = [controller.emit(put('a')), controller.emit(put('b')), controller.emit(put('c'))] as KeyChangeEvent[];
    controller.connection.current()!.emit(sent[1]!); // a repeat the socket delivered again
    expect(ref.value()?.seqs).toEqual([1, 2, 3]);
  });

  it('without the X-Last-Seq header applies every event that arrived during the load', async () => {
    const { controller, http, counted } = live();
    const ref = appliedResource(counted);
    await settle();
    controller.emit(put('a'));
    controller.emit(put('b'));
    respond(http, '/applied/all', { from: 'snapshot', seqs: [] }, null);
    await settle();
    expect(ref.value()?.seqs).toEqual([1, 2]);
    controller.emit(put('c'));
    expect(ref.value()?.seqs).toEqual([1, 2, 3]);
  });

  it('reloads on resync, keeping the old value shown meanwhile, then follows from the new snapshot', async () => {
    const { controller, http, counted } = live();
    const ref = appliedResource(counted);
    await settle();
    respond(http, '/applied/all', { from: 'first', seqs: [] }, 0);
    await settle();
    controller.emit({ type: 'resync', reason: 'history_expired', lastSeq: 10 });
    await settle();
    expect(ref.status()).toBe('reloading');
    expect(ref.value()?.from).toBe('first');
    controller.emit(put('a', 'v', 11));
    respond(http, '/applied/all', { from: 'second', seqs: [] }, 10);
    await settle();
    expect(ref.value()).toEqual({ from: 'second', seqs: [11] });
    http.verify();
  });

  it('starts a load over when a resync comes while it is in flight', async () => {
    const { controller, http, counted } = live();
    const ref = appliedResource(counted);
    await settle();
    const first = http.expectOne('/applied/all');
    controller.emit({ type: 'resync', reason: 'history_expired', lastSeq: 10 });
    expect(first.cancelled).toBeTrue();
    controller.emit(put('a', 'v', 11));
    respond(http, '/applied/all', { from: 'second', seqs: [] }, 10);
    await settle();
    expect(ref.value()).toEqual({ from: 'second', seqs: [11] });
  });

  it('reloads when params change and drops the old stream', async () => {
    const { controller, http, counted, subscriptions } = live();
    const prefix = signal<string | undefined>('a');
    const ref = appliedResource(counted, prefix);
    await settle();
    respond(http, '/applied/a', { from: 'a', seqs: [] }, 0);
    await settle();
    controller.emit(put('a1'));
    prefix.set('b');
    await settle();
    expect(subscriptions()).toBe(1);
    controller.emit(put('b1'));
    controller.emit(put('a2')); // the old prefix: no longer followed
    respond(http, '/applied/b', { from: 'b', seqs: [] }, 1);
    await settle();
    expect(ref.value()).toEqual({ from: 'b', seqs: [2] });
    prefix.set(undefined);
    await settle();
    expect(ref.status()).toBe('idle');
    expect(subscriptions()).toBe(0);
  });

  it('sets error() on an HTTP error, applies nothing until a reload succeeds', async () => {
    const { controller, http, counted, subscriptions } = live();
    const ref = appliedResource(counted);
    await settle();
    respond(http, '/applied/all', { error: 'boom' }, null, 500);
    await settle();
    expect(ref.status()).toBe('error');
    expect(ref.error()?.message).toContain('500');
    expect(subscriptions()).toBe(0);
    controller.emit(put('a'));
    expect(ref.reload()).toBeTrue();
    await settle();
    controller.emit(put('b'));
    respond(http, '/applied/all', { from: 'retry', seqs: [] }, 1);
    await settle();
    expect(ref.value()).toEqual({ from: 'retry', seqs: [2] });
  });

  it('reports a load that completes without a value, and a reducer that throws', async () => {
    const { controller, counted } = live();
    const empty = TestBed.runInInjectionContext(() =>
      liveResource({ load: () => new Observable<never>((s) => s.complete()), events: (rt) => rt.onKeyChanges(), reduce: (s: number) => s }),
    );
    const throwing = TestBed.runInInjectionContext(() =>
      liveResource({
        load: () => Promise.resolve(liveSnapshot(0, 0)),
        events: (rt) => counted(rt.onKeyChanges()),
        reduce: (): number => {
          throw new Error('reducer bug');
        },
      }),
    );
    await settle();
    expect(empty.error()?.message).toMatch(/^ngx-realtime: liveResource load completed without a value/);
    expect(throwing.value()).toBe(0);
    controller.emit(put('a'));
    expect(throwing.error()?.message).toBe('reducer bug');
  });

  it('releases the event stream and resync$ on destroy', async () => {
    const { service, http, counted, subscriptions } = live();
    const resyncSubscriptions: Subscription[] = [];
    const subscribe = service.resync$.subscribe.bind(service.resync$);
    spyOn(service.resync$, 'subscribe').and.callFake(((...args: Parameters<typeof subscribe>) => {
      const subscription = subscribe(...args);
      resyncSubscriptions.push(subscription);
      return subscription;
    }) as typeof subscribe);
    const ref = appliedResource(counted);
    await settle();
    respond(http, '/applied/all', { from: 's', seqs: [] }, 0);
    await settle();
    expect(subscriptions()).toBe(1);
    expect(resyncSubscriptions.map((s) => s.closed)).toEqual([false]);
    ref.destroy();
    expect(subscriptions()).toBe(0);
    expect(resyncSubscriptions.map((s) => s.closed)).toEqual([true]);
  });

  it('on the server platform loads only, with no event subscription', async () => {
    const { http, counted, subscriptions } = live('server');
    const ref = appliedResource(counted);
    await settle();
    respond(http, '/applied/all', { from: 'ssr', seqs: [] }, 5);
    await settle();
    expect(ref.value()).toEqual({ from: 'ssr', seqs: [] });
    expect(subscriptions()).toBe(0);
  });

  it('applies the events without a seq that arrived during the load (protocols without replay)', async () => {
    const bed = setup({ features: [withProtocol(apexStoreCdc())], providers: [provideHttpClient(), provideHttpClientTesting()] });
    bed.service.connect('t');
    const stream = bed.controller.expectStream().accept();
    stream.emitRaw('data: {"type":"connected","message":"CDC event stream connected"}\n\n');
    let answer!: (value: LiveSnapshot<string[]>) => void;
    const ref = TestBed.runInInjectionContext(() =>
      liveResource({
        load: () => new Promise<LiveSnapshot<string[]>>((resolve) => (answer = resolve)),
        events: (rt) => rt.onKeyChanges(),
        reduce: (keys: string[], event: KeyChangeEvent) => [...keys, event.key],
      }),
    );
    await settle();
    stream.emitRaw('data: {"type":"put","cf":"default","key":"61","value":[49],"timestamp":1733550000123456789}\n\n');
    answer(liveSnapshot(['snapshot']));
    await settle();
    expect(ref.value()).toEqual(['snapshot', 'a']);
  });

  it('applies volatile events only after the snapshot', async () => {
    const { controller } = live();
    const stats = (total: number): StatsUpdateEvent => ({
      type: 'stats_update',
      timestamp: 0,
      stats: { sst_files: 0, sst_kb: 0, mem_records: 0, mem_kb: 0, wal_kb: 0, total_records: total, wsConnections: 1, uptimeMs: 1 },
    });
    let answer!: (value: LiveSnapshot<number>) => void;
    const ref = TestBed.runInInjectionContext(() =>
      liveResource({
        load: () => new Promise<LiveSnapshot<number>>((resolve) => (answer = resolve)),
        events: (rt) => rt.onStats(),
        reduce: (_: number, event: StatsUpdateEvent) => event.stats.total_records,
      }),
    );
    await settle();
    controller.emit(stats(1));
    answer(liveSnapshot(7, 3));
    await settle();
    expect(ref.value()).toBe(7);
    controller.emit(stats(9));
    expect(ref.value()).toBe(9);
  });

  it('keeps a key list exact with reduceKeyChanges and snapshotFromResponse', async () => {
    const { controller, http } = live();
    const client = TestBed.inject(HttpClient);
    const ref = TestBed.runInInjectionContext(() =>
      liveResource({
        load: () =>
          client.get<KeyListBody>('/keys', { observe: 'response' }).pipe(map((r) => snapshotFromResponse(r, (b) => b.keys))),
        events: (rt) => rt.onKeyChanges({ keyPrefix: 'user:' }),
        reduce: reduceKeyChanges(),
        defaultValue: [] as readonly KeyValueBody[],
      }),
    );
    await settle();
    expect(ref.value()).toEqual([]);
    // During the load: user:b written (seq 1, in the snapshot) then deleted (seq 2, not in it).
    controller.emit(put('user:b', 'old'));
    controller.emit({ type: 'key_change', operation: 'delete', key: 'user:b', cf: 'default' });
    respond(http, '/keys', { keys: [{ key: 'user:b', value: 'old', cf: 'default' }, { key: 'user:c', value: '1', cf: 'default' }], count: 2 }, 1);
    await settle();
    controller.emit(put('user:a', 'new'));
    controller.emit(put('other', 'x'));
    expect(ref.value().map((r) => `${r.key}=${r.value}`)).toEqual(['user:a=new', 'user:c=1']);
  });

  it('throws a message that says how to fix a load producing a plain value', async () => {
    live();
    const ref = TestBed.runInInjectionContext(() =>
      liveResource({
        load: () => Promise.resolve(42 as unknown as HttpResponse<number>),
        events: (rt): Observable<ServerEvent> => rt.events$,
        reduce: (s: number) => s,
      }),
    );
    await settle();
    expect(ref.error()?.message).toMatch(/^ngx-realtime: liveResource's load must produce an HttpResponse/);
  });

  describe('batches', () => {
    const keyEvent = (operation: 'put' | 'delete', key: string, seq: number): KeyChangeEvent =>
      operation === 'put'
        ? { type: 'key_change', operation, key, cf: 'default', value: `v${seq}`, seq, timestamp: 0 }
        : { type: 'key_change', operation, key, cf: 'default', seq, timestamp: 0 };

    it('applies the events of a batch frame in one call when its last one is delivered, a lone event at once', async () => {
      const { controller, service } = live();
      const one = jasmine.createSpy('reduce').and.callFake((state: Applied, e: KeyChangeEvent) => ({ ...state, seqs: [...state.seqs, e.seq] }));
      const many = jasmine
        .createSpy('reduceMany')
        .and.callFake((state: Applied, events: readonly KeyChangeEvent[]) => ({ ...state, seqs: [...state.seqs, ...events.map((e) => e.seq)] }));
      const ref = TestBed.runInInjectionContext(() =>
        liveResource({ load: () => Promise.resolve(liveSnapshot<Applied>({ from: 's', seqs: [] }, 0)), events: (rt) => rt.onKeyChanges(), reduce: batchReducer(one, many) }),
      );
      await settle();
      // Subscribed after the resource: during the batch it still sees the state from before it.
      const seenDuring: number[][] = [];
      service.onKeyChanges().subscribe(() => seenDuring.push([...ref.value()!.seqs]));
      controller.connection.current()!.emitBatch([put('a'), put('b'), put('c')]);
      expect(seenDuring).toEqual([[], [], []]);
      expect(many).toHaveBeenCalledTimes(1);
      expect(many.calls.mostRecent().args[1].map((e: KeyChangeEvent) => e.key)).toEqual(['a', 'b', 'c']);
      expect(one).not.toHaveBeenCalled();
      expect(ref.value()?.seqs).toEqual([1, 2, 3]);
      controller.emit(put('d'));
      expect(one).toHaveBeenCalledTimes(1);
      expect(ref.value()?.seqs).toEqual([1, 2, 3, 4]);
    });

    it('applies a batch through a per-event reducer that has no batch form, and through the app\'s own operators', async () => {
      const { controller } = live();
      const ref = TestBed.runInInjectionContext(() =>
        liveResource({
          load: () => Promise.resolve(liveSnapshot<string[]>([], 0)),
          events: (rt) => rt.onKeyChanges().pipe(map((e) => ({ ...e, key: e.key.toUpperCase() }))),
          reduce: (keys: string[], e: KeyChangeEvent) => [...keys, e.key],
        }),
      );
      await settle();
      controller.connection.current()!.emitBatch([put('a'), put('b')]);
      expect(ref.value()).toEqual(['A', 'B']);
    });

    /**
     * Random puts and deletes over few keys, delivered in random groups (batch frames, lone
     * frames, replays that overlap what came before), some while the snapshot loads; the state
     * must be the snapshot with every later event applied once, in order, by the reference.
     */
    // Rows that keep the seqs applied to them: applying an event twice, or one the snapshot holds, shows.
    const history: KeyedReducerOptions<KeyValueBody, KeyChangeEvent> = {
      ...keyChangeOptions,
      toRow: (e, row) => (e.operation === 'delete' ? null : { key: e.key, value: `${row?.value ?? ''}${e.seq},`, cf: e.cf }),
    };
    const seek = (row: KeyValueBody, e: KeyChangeEvent) => (row.key < e.key ? -1 : row.key > e.key ? 1 : 0);
    const collections = {
      'reduceKeyChanges()': { reduce: () => reduceKeyChanges(), reference: referenceReducer(keyChangeOptions) },
      'sorted, keeping history': { reduce: () => reduceKeyed({ ...history, seek }), reference: referenceReducer(history) },
      'unsorted, keeping history': {
        reduce: () => reduceKeyed({ ...history, compare: undefined }),
        reference: referenceReducer({ ...history, compare: undefined }),
      },
    };
    for (const [name, { reduce, reference }] of Object.entries(collections)) {
      it(`gives what applying the events one by one gives, across the snapshot, with repeats: ${name}`, async () => {
        const random = seeded(1903);
        for (let round = 0; round < 8; round++) {
          TestBed.resetTestingModule();
          const { controller } = live();
          const events = Array.from({ length: 60 + Math.floor(random() * 60) }, (_, i) =>
            keyEvent(random() < 0.3 ? 'delete' : 'put', `k${Math.floor(random() * 10)}`, i + 1),
          );
          const snapshotSeq = Math.floor(random() * 30);
          const arrivedBeforeSnapshot = snapshotSeq + Math.floor(random() * 10);
          let start: readonly KeyValueBody[] = [];
          for (const event of events.slice(0, snapshotSeq)) start = reference(start, event);
          let answer!: (snapshot: LiveSnapshot<readonly KeyValueBody[]>) => void;
          const withBatches = TestBed.runInInjectionContext(() =>
            liveResource({
              load: () => new Promise<LiveSnapshot<readonly KeyValueBody[]>>((resolve) => (answer = resolve)),
              events: (rt) => rt.onKeyChanges(),
              reduce: reduce(),
            }),
          );
          // The same stream through the reference reducer, which has no batch form.
          const oneByOne = TestBed.runInInjectionContext(() =>
            liveResource({ load: () => Promise.resolve(liveSnapshot(start, snapshotSeq)), events: (rt) => rt.onKeyChanges(), reduce: reference }),
          );
          await settle();
          const socket = controller.connection.current()!;
          let sent = 0;
          const send = (until: number) => {
            while (sent < until) {
              const size = 1 + Math.floor(random() * 8);
              // A replay overlapping what was delivered: the repeats are dropped before the resource.
              const overlap = Math.min(sent, Math.floor(random() * 3));
              const group = events.slice(sent - overlap, Math.min(until, sent + size)) as TestEvent[];
              if (group.length === 1 && random() < 0.5) socket.emit(group[0]!);
              else socket.emitBatch(group);
              sent = Math.min(until, sent + size);
            }
          };
          send(arrivedBeforeSnapshot);
          answer(liveSnapshot(start, snapshotSeq));
          await settle();
          send(events.length);
          let expected = start;
          for (const event of events.slice(snapshotSeq)) expected = reference(expected, event);
          expect(withBatches.value()).withContext(`${name}, round ${round}`).toEqual(expected);
          expect(oneByOne.value()).withContext(`${name}, round ${round}, one by one`).toEqual(expected);
        }
      });
    }

    it('a reducer that throws mid-batch sets error() and applies nothing after it', async () => {
      const { controller } = live();
      const applied: string[] = [];
      const perEvent = TestBed.runInInjectionContext(() =>
        liveResource({
          load: () => Promise.resolve(liveSnapshot<string[]>([], 0)),
          events: (rt) => rt.onKeyChanges(),
          reduce: (keys: string[], e: KeyChangeEvent) => {
            applied.push(e.key);
            if (e.key === 'bad') throw new Error('reducer bug');
            return [...keys, e.key];
          },
        }),
      );
      const made: string[] = [];
      const batched = TestBed.runInInjectionContext(() =>
        liveResource({
          load: () => Promise.resolve(liveSnapshot<readonly KeyValueBody[]>([], 0)),
          events: (rt) => rt.onKeyChanges(),
          reduce: reduceKeyed<KeyValueBody, KeyChangeEvent>({
            ...keyChangeOptions,
            toRow: (e) => {
              made.push(e.key);
              if (e.key === 'bad') throw new Error('toRow bug');
              return { key: e.key, value: e.value ?? '', cf: e.cf };
            },
          }),
        }),
      );
      await settle();
      const socket = controller.connection.current()!;
      socket.emitBatch([put('a'), put('bad'), put('c')]);
      socket.emitBatch([put('d'), put('e')]);
      socket.emit(put('f'));
      expect(perEvent.error()?.message).toBe('reducer bug');
      expect(applied).toEqual(['a', 'bad']);
      expect(batched.error()?.message).toBe('toRow bug');
      expect(made).toEqual(['a', 'bad']);
    });

    it('applies the held events that follow the snapshot in one call', async () => {
      const { controller } = live();
      const many = jasmine.createSpy('reduceMany').and.callFake((keys: string[], events: readonly KeyChangeEvent[]) => [...keys, ...events.map((e) => e.key)]);
      let answer!: (value: LiveSnapshot<string[]>) => void;
      const ref = TestBed.runInInjectionContext(() =>
        liveResource({
          load: () => new Promise<LiveSnapshot<string[]>>((resolve) => (answer = resolve)),
          events: (rt) => rt.onKeyChanges(),
          reduce: batchReducer((keys: string[], e: KeyChangeEvent) => [...keys, e.key], many),
        }),
      );
      await settle();
      const socket = controller.connection.current()!;
      socket.emit(put('a'));
      socket.emitBatch([put('b'), put('c'), put('d')]);
      answer(liveSnapshot(['a', 'b'], 2));
      await settle();
      expect(many).toHaveBeenCalledOnceWith(['a', 'b'], [jasmine.objectContaining({ key: 'c' }), jasmine.objectContaining({ key: 'd' })]);
      expect(ref.value()).toEqual(['a', 'b', 'c', 'd']);
    });
  });
});
