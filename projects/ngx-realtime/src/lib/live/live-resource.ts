import { isPlatformServer } from '@angular/common';
import {
  Injector,
  PLATFORM_ID,
  assertInInjectionContext,
  effect,
  inject,
  resource,
  signal,
  type ResourceRef,
  type ResourceStreamItem,
  type Signal,
  type ValueEqualityFn,
  type WritableSignal,
  untracked,
} from '@angular/core';
import { from, type Observable, type Subscription } from 'rxjs';
import type { LiveReducer } from './live-reducer';
import { toLiveSnapshot, type LiveLoadResult } from './live-snapshot';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import { WebSocketService } from '../service/websocket.service';

/**
 * Options of {@link liveResource}.
 *
 * - `params`: reactive parameters; a change reloads and drops the old event stream. Returning
 *   `undefined` leaves the resource idle.
 * - `load(params)`: fetches the state. It produces an `HttpResponse` (HttpClient with
 *   `observe: 'response'`, its `X-Last-Seq` header read) or a `liveSnapshot(value, seq)`.
 * - `events(realtime, params)`: the events that change the state, e.g. `rt.onKeyChanges({ keyPrefix })`.
 * - `reduce(state, event)`: applies one event; it must not mutate `state`. A reducer with a batch
 *   form ({@link LiveReducer}, e.g. `reduceKeyChanges()`) gets the events that arrived together in
 *   one call.
 *
 * @example
 * ```ts
 * const options: LiveResourceOptions<ProbeStates, HealthEvent, null> = {
 *   load: () => api.health(),
 *   events: (rt) => rt.onHealthEvents(),
 *   reduce: (states, e) => ({ ...states, [e.probe]: e.status }),
 * };
 * ```
 */
export interface LiveResourceOptions<T, E extends RealtimeEvent, P> {
  params?: () => P;
  load: (params: Exclude<P, undefined>) => Observable<LiveLoadResult<T>> | PromiseLike<LiveLoadResult<T>>;
  events: (realtime: WebSocketService, params: Exclude<P, undefined>) => Observable<E>;
  reduce: LiveReducer<T, E>;
  equal?: ValueEqualityFn<T>;
  injector?: Injector;
  debugName?: string;
}

/**
 * An Angular resource that loads a state and keeps it current with events: `value()`,
 * `hasValue()`, `isLoading()`, `error()`, `status()` and `reload()` work as with any resource.
 *
 * It subscribes to `events` before it loads and holds back what arrives meanwhile. When the
 * snapshot says which seq it reflects (the `X-Last-Seq` header), it applies only events above
 * that seq, so an event that raced the load is applied exactly once; without the header it applies
 * every held-back event, so reducers should then be idempotent (an upsert, not a counter). Volatile
 * events (`stats_update`) apply only once the snapshot is in. Events that arrive together (a batch
 * frame, a poll answer, a replay, a follower tab's relayed batch) are applied when the last of them
 * is delivered, in one pass (the reducer's `reduceMany` when it has one) and one signal write; a
 * lone event applies at once. `resync$` reloads (while keeping the
 * shown value); a load or stream error sets `error()` and events stop applying until a reload.
 * On the server platform it only loads. A local `value.set()` leaves live mode until `reload()`.
 *
 * With SSR and `provideClientHydration()`, let the transfer cache keep the header:
 * `withHttpTransferCacheOptions({ includeHeaders: ['X-Last-Seq'] })`.
 *
 * @example
 * ```ts
 * readonly prefix = signal('user:');
 * readonly keys = liveResource({
 *   params: () => ({ prefix: this.prefix() }),
 *   load: ({ prefix }) => this.http.get<KeyListBody>('/keys', { params: { prefix }, observe: 'response' })
 *     .pipe(map((response) => snapshotFromResponse(response, (body) => body.keys))),
 *   events: (rt, { prefix }) => rt.onKeyChanges({ keyPrefix: prefix }),
 *   reduce: reduceKeyChanges(),
 *   defaultValue: [],
 * });
 * ```
 */
export function liveResource<T, E extends RealtimeEvent, P = null>(
  options: LiveResourceOptions<T, E, P> & { defaultValue: NoInfer<T> },
): ResourceRef<T>;
export function liveResource<T, E extends RealtimeEvent, P = null>(
  options: LiveResourceOptions<T, E, P> & { defaultValue?: undefined },
): ResourceRef<T | undefined>;
export function liveResource<T, E extends RealtimeEvent, P>(
  options: LiveResourceOptions<T, E, P> & { defaultValue?: T },
): ResourceRef<T | undefined> {
  if (!options.injector) assertInInjectionContext(liveResource);
  const injector = options.injector ?? inject(Injector);
  const realtime = injector.get(WebSocketService);
  const live = !isPlatformServer(injector.get(PLATFORM_ID));
  /** Stops the stream being followed; Angular does not abort it when params turn undefined. */
  let stopCurrent: (() => void) | null = null;
  const params = options.params;
  if (params) {
    effect(
      () => {
        if (params() === undefined) untracked(() => stopCurrent?.());
      },
      { injector },
    );
  }
  const ref: ResourceRef<T | undefined> = resource<T | undefined, P>({
    params: options.params,
    defaultValue: options.defaultValue,
    equal: options.equal as ValueEqualityFn<T | undefined> | undefined,
    injector,
    debugName: options.debugName,
    stream: ({ params, abortSignal }) => {
      const controller = new AbortController();
      stopCurrent = () => controller.abort();
      abortSignal.addEventListener('abort', stopCurrent, { once: true });
      return follow(options, params as Exclude<P, undefined>, live ? realtime : null, () => ref.reload(), controller.signal);
    },
  });
  return ref;
}

/**
 * One load of a live resource and the events after it, until the resource aborts it (params
 * change, reload, destroy, a local set).
 */
function follow<T, E extends RealtimeEvent, P>(
  options: LiveResourceOptions<T, E, P>,
  params: Exclude<P, undefined>,
  realtime: WebSocketService | null,
  reload: () => void,
  abortSignal: AbortSignal,
): Promise<Signal<ResourceStreamItem<T | undefined>>> {
  return new Promise((resolve) => {
    const subscriptions: Subscription[] = [];
    let output: WritableSignal<ResourceStreamItem<T | undefined>> | null = null;
    let state: T;
    /** Events that arrived before the snapshot; null once it is in. */
    let held: E[] | null = [];
    /** Events up to this seq are in the state (from the snapshot or applied). */
    let appliedSeq = -1;
    let load: Subscription | null = null;

    let stopped = false;
    const stop = () => {
      stopped = true;
      batch = [];
      for (const subscription of subscriptions) subscription.unsubscribe();
      load?.unsubscribe();
    };
    const settle = (item: ResourceStreamItem<T | undefined>) => {
      if (output) output.set(item);
      else resolve((output = signal(item)));
    };
    const fail = (error: unknown) => {
      stop();
      held = null;
      settle({ error: asError(error) });
    };
    const reduce = options.reduce;
    /** Events of the batch being delivered, applied together when it ends. */
    let batch: E[] = [];
    /**
     * Applies `events` in order, those at or below the applied seq skipped; returns whether any
     * was. A throwing reducer sets the error and nothing after its event is applied.
     */
    const applyAll = (events: readonly E[]): boolean => {
      const fresh: E[] = [];
      for (const event of events) {
        const seq = (event as { seq?: unknown }).seq;
        if (typeof seq === 'number') {
          if (seq <= appliedSeq) continue;
          appliedSeq = seq;
        }
        fresh.push(event);
      }
      if (fresh.length === 0) return false;
      try {
        if (reduce.reduceMany && fresh.length > 1) state = reduce.reduceMany(state, fresh);
        else for (const event of fresh) state = reduce(state, event);
      } catch (error) {
        fail(error);
        return false;
      }
      return true;
    };
    const applyBatch = () => {
      const events = batch;
      batch = [];
      // Failed, aborted or reloading since: what the batch held no longer applies here.
      if (held || stopped) return;
      if (applyAll(events)) output?.set({ value: state });
    };
    const onEvent = (event: E) => {
      if (held) held.push(event);
      else if (realtime?.ɵbatching()) {
        // The first event of a batch asks to be called back at its end; the rest just wait.
        if (batch.push(event) === 1) realtime.ɵafterBatch(applyBatch);
      } else if (applyAll([event])) output?.set({ value: state });
    };
    const onSnapshot = (result: LiveLoadResult<T>) => {
      const snapshot = toLiveSnapshot(result);
      state = snapshot.value;
      appliedSeq = snapshot.seq ?? -1;
      const waiting = held ?? [];
      held = null;
      // Volatile events that came before the snapshot are older than it; durable ones apply (by
      // seq when they have one, else all of them: protocols without seqs need idempotent reducers).
      applyAll(realtime ? waiting.filter((event) => !realtime.ɵisVolatile(event)) : waiting);
      if (output) return; // the reducer threw and fail() settled the error
      settle({ value: state });
    };
    const startLoad = () => {
      load?.unsubscribe();
      let loaded = false;
      let source: Observable<LiveLoadResult<T>>;
      try {
        source = from(options.load(params));
      } catch (error) {
        fail(error);
        return;
      }
      load = source.subscribe({
        next: (result) => {
          if (loaded) return;
          loaded = true;
          load?.unsubscribe();
          try {
            onSnapshot(result);
          } catch (error) {
            fail(error);
          }
        },
        error: fail,
        complete: () => {
          if (!loaded) fail(new Error('ngx-realtime: liveResource load completed without a value; make it emit the state once.'));
        },
      });
      if (loaded) load.unsubscribe();
    };

    abortSignal.addEventListener(
      'abort',
      () => {
        stop();
        // Settles a load still in flight, so the resource's await does not hang; it ignores the item.
        if (!output) resolve(signal({ error: new Error('ngx-realtime: liveResource load aborted') }));
      },
      { once: true },
    );
    if (realtime) {
      subscriptions.push(
        options.events(realtime, params).subscribe({ next: onEvent, error: fail }),
        // Events were missed: a load in flight may predate them, so it starts over; a loaded
        // state reloads through the resource, which keeps showing it meanwhile.
        realtime.resync$.subscribe(() => (held ? startLoad() : output && !('error' in output()) ? reload() : undefined)),
      );
    }
    startLoad();
  });
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') return error as Error;
  return new Error(`ngx-realtime: liveResource failed: ${String(error)}`, { cause: error });
}
