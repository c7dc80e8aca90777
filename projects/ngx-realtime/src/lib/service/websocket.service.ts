import { DOCUMENT, isPlatformServer } from '@angular/common';
import { DestroyRef, Injectable, PLATFORM_ID, inject, type Signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { distinctUntilChanged, map } from 'rxjs/operators';
import { REALTIME_AUTH_SOURCE, REALTIME_CONFIG, type ResolvedRealtimeConfig } from '../config/realtime-config';
import { nativeProtocol } from '../protocol/native-protocol';
import type {
  CompactionEvent,
  HealthEvent,
  KeyChangeEvent,
  ServerEvent,
  SnapshotEvent,
  StatsUpdateEvent,
  SyncEvent,
} from '../protocol/protocol';
import type { RealtimeEventMap } from '../protocol/realtime-event-map';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import type { SessionHost } from '../session/session-host';
import type { TokenProvider } from '../session/token-provider';
import type { ConnectionState, ConnectionStatus } from '../stream/connection-state';
import { ConnectionStateStore } from '../stream/connection-state-store';
import { EventStream } from '../stream/event-stream';
import type { RealtimeError } from '../stream/realtime-error';
import type { RealtimeResync } from '../stream/realtime-resync';
import { REALTIME_SHARED_SOURCE } from '../tab-sharing/tab-share';
import { NO_CONFIG, RealtimeConnection } from './realtime-connection';
import { serviceSessionHost } from './service-session-host';

/**
 * Client-side filter of {@link WebSocketService.onKeyChanges}.
 *
 * @example
 * ```ts
 * realtime.onKeyChanges({ keyPrefix: 'user:', operation: 'delete' })
 * ```
 */
export interface KeyChangeFilter {
  cf?: string;
  keyPrefix?: string;
  operation?: 'put' | 'delete';
}

/**
 * The app's one live connection to the server's events, over WebSocket or (as fallbacks)
 * Server-Sent Events and long polling. Every subscriber shares it; subscribing never opens a connection (call {@link connect}
 * or use `withAuth()`). Events arrive exactly once and in order across reconnects.
 *
 * @example
 * ```ts
 * export class KeyExplorer {
 *   private readonly realtime = inject(WebSocketService);
 *   readonly changes = toSignal(this.realtime.onKeyChanges({ keyPrefix: 'user:' }));
 *   readonly status = computed(() => this.realtime.connectionState().status);
 * }
 * // after login:
 * inject(WebSocketService).connect(() => auth.token());
 * ```
 */
@Injectable({ providedIn: 'root' })
export class WebSocketService {
  readonly #config: ResolvedRealtimeConfig | null = inject(REALTIME_CONFIG, { optional: true });
  readonly #isServer = isPlatformServer(inject(PLATFORM_ID));

  readonly #stream = new EventStream(this.#config?.protocol ?? nativeProtocol());
  private readonly fanout = this.#stream.fanout;
  readonly #state = new ConnectionStateStore();

  /** Every event, validated and deduplicated. Never errors; completes only when the app is destroyed. */
  readonly events$: Observable<ServerEvent> = this.fanout.listen(null) as Observable<ServerEvent>;
  /** Detailed connection state; replays the current state to new subscribers. */
  readonly connectionState$: Observable<ConnectionState> = this.#state.state$;
  /** Coarse status, only when it changes; replays the current status. */
  readonly connectionStatus$: Observable<ConnectionStatus> = this.connectionState$.pipe(
    map((s) => s.status),
    distinctUntilChanged(),
  );
  /** Detailed connection state as a signal. */
  readonly connectionState: Signal<ConnectionState> = this.#state.state;
  /**
   * Events were missed and will not come (the server's history no longer reaches back, or a
   * protocol without replay reconnected): refetch state, then carry on.
   */
  readonly resync$: Observable<RealtimeResync> = this.#stream.resync$;
  /** Problems as values with a code; see {@link RealtimeError}. */
  readonly errors$: Observable<RealtimeError> = this.#stream.errors$;
  /** Newest seq seen (or the server's position at the first connection); `null` before that. */
  readonly lastSeq: Signal<number | null> = this.#stream.lastSeq;

  /** Where sessions send what they receive: the one place events, state and problems go through. */
  readonly #host: SessionHost = serviceSessionHost(this.#config, this.#stream, this.#state, () => this.#connection.rooms());
  readonly #connection: RealtimeConnection = new RealtimeConnection(
    this.#host,
    inject(REALTIME_SHARED_SOURCE, { optional: true }),
    baseUrl(inject(DOCUMENT, { optional: true })),
  );
  /**
   * The rooms this tab asked to be in (`join()`/`leave()`): joined again on every connection. Not
   * a confirmation: servers with rooms do not acknowledge joins.
   */
  readonly rooms: Signal<readonly string[]> = this.#connection.rooms;
  #authSubscription: Subscription | null = null;

  constructor() {
    const authSource = inject(REALTIME_AUTH_SOURCE, { optional: true });
    if (authSource && !this.#isServer) {
      this.#authSubscription = authSource.subscribe((token) => this.#connection.onAuthToken(token));
    }
    inject(DestroyRef).onDestroy(() => {
      this.#authSubscription?.unsubscribe();
      this.#connection.end();
      this.#stream.complete();
      this.#state.complete();
    });
  }

  /**
   * Key writes and deletes, optionally filtered on the client (the server-side filter is
   * `provideRealtime({filter})`).
   *
   * @example
   * ```ts
   * realtime.onKeyChanges({ cf: 'default', keyPrefix: 'user:' }).subscribe((e) => refresh(e.key));
   * ```
   */
  onKeyChanges(keyFilter: KeyChangeFilter = {}): Observable<KeyChangeEvent> {
    const { cf, keyPrefix, operation } = keyFilter;
    if (cf === undefined && keyPrefix === undefined && operation === undefined) return this.#ofType<KeyChangeEvent>('key_change');
    return this.fanout.listen<KeyChangeEvent>(
      'key_change',
      (e) =>
        (cf === undefined || e.cf === cf) &&
        (keyPrefix === undefined || e.key.startsWith(keyPrefix)) &&
        (operation === undefined || e.operation === operation),
    );
  }

  /**
   * Events of one type, from any protocol, optionally filtered on the client. Names declared in
   * {@link RealtimeEventMap} (the native events, and those an app adds to it) come typed; any other
   * name gives the type the app states. The six `onX()` helpers are this for the native events.
   *
   * @example
   * ```ts
   * realtime.on('health_change', (e) => e.status === 'unhealthy').subscribe(alert);
   * realtime.on('order_shipped').subscribe((e) => track(e.orderId)); // declared in RealtimeEventMap
   * realtime.on<{ type: 'ping_sent'; n: number }>('ping_sent').subscribe((e) => e.n);
   * ```
   */
  on<K extends keyof RealtimeEventMap>(type: K, filter?: (event: RealtimeEventMap[K]) => boolean): Observable<RealtimeEventMap[K]>;
  on<T extends RealtimeEvent = RealtimeEvent>(type: T['type'], filter?: (event: T) => boolean): Observable<T>;
  on(type: string, filter?: (event: RealtimeEvent) => boolean): Observable<RealtimeEvent> {
    return this.fanout.listen<RealtimeEvent>(type, filter ?? null);
  }

  /**
   * Compaction progress.
   *
   * @example
   * ```ts
   * realtime.onCompactionEvents().subscribe((e) => progress.set(e.details.progress ?? 0));
   * ```
   */
  onCompactionEvents(): Observable<CompactionEvent> {
    return this.#ofType<CompactionEvent>('compaction_status');
  }

  /**
   * Health probe changes.
   *
   * @example
   * ```ts
   * realtime.onHealthEvents().subscribe((e) => probes.update((p) => ({ ...p, [e.probe]: e.status })));
   * ```
   */
  onHealthEvents(): Observable<HealthEvent> {
    return this.#ofType<HealthEvent>('health_change');
  }

  /**
   * Replication / sync events.
   *
   * @example
   * ```ts
   * realtime.onSyncEvents().pipe(filter((e) => e.status === 'conflict')).subscribe(showConflict);
   * ```
   */
  onSyncEvents(): Observable<SyncEvent> {
    return this.#ofType<SyncEvent>('sync_event');
  }

  /**
   * Snapshot events.
   *
   * @example
   * ```ts
   * realtime.onSnapshotEvents().subscribe((e) => e.status === 'completed' && reloadSnapshots());
   * ```
   */
  onSnapshotEvents(): Observable<SnapshotEvent> {
    return this.#ofType<SnapshotEvent>('snapshot_event');
  }

  /**
   * Periodic stats pushes (WebSocket only: they are volatile and not sent over long polling).
   *
   * @example
   * ```ts
   * readonly stats = toSignal(inject(WebSocketService).onStats().pipe(map((e) => e.stats)));
   * ```
   */
  onStats(): Observable<StatsUpdateEvent> {
    return this.#ofType<StatsUpdateEvent>('stats_update');
  }

  /**
   * Starts (or restarts, with new credentials) the connection. A {@link TokenProvider} is asked
   * before every connection attempt and ahead of each expiry the server announces, and its fresh
   * token is sent on the open socket (no reconnect). A plain token cannot be renewed: when it
   * expires the state ends `disconnected` / `unauthorized`. Does nothing on the server.
   *
   * @example
   * ```ts
   * realtime.connect(loginResponse.token);
   * realtime.connect(() => firstValueFrom(auth.token$));
   * ```
   */
  connect(token: string | TokenProvider): void {
    if (this.#isServer) return;
    if (!this.#config) throw new Error(NO_CONFIG);
    if (typeof token !== 'function' && (typeof token !== 'string' || token.length === 0)) {
      throw new Error(
        (typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime: connect() needs a non-empty token or a TokenProvider function.' : 'ngx-realtime: RT02',
      );
    }
    this.#connection.start(typeof token === 'string' ? { kind: 'static', token } : { kind: 'provider', provider: token });
  }

  /**
   * @internal Whether `event` was delivered as volatile (a stats push), for `liveResource`: such
   * an event that came before a snapshot is older than it.
   */
  ɵisVolatile(event: RealtimeEvent): boolean {
    return this.#stream.isVolatile(event);
  }

  /**
   * @internal Whether events that arrived together (a batch frame, a poll answer, a relayed
   * batch) are being delivered, for `liveResource`: it then applies them in one pass at the end.
   */
  ɵbatching(): boolean {
    return this.#stream.batch.open;
  }

  /** @internal Runs `callback` when the group of events being delivered ends (at once when none is). */
  ɵafterBatch(callback: () => void): void {
    this.#stream.batch.afterBatch(callback);
  }

  /**
   * Joins rooms on protocols that have them (`capabilities.rooms`, e.g. Ignis): sent at once when
   * connected, and again on every new connection and by whichever tab holds a shared connection,
   * since servers forget rooms with the connection. Remembered until {@link leave}, across
   * `disconnect()` and `connect()`. Servers do not acknowledge joins, so nothing here says one
   * was accepted.
   *
   * @example
   * ```ts
   * realtime.join('orders', `user:${userId}`);
   * ```
   */
  join(...rooms: string[]): void {
    this.#connection.changeRooms('join', rooms);
  }

  /**
   * Leaves rooms joined with {@link join}.
   *
   * @example
   * ```ts
   * realtime.leave('orders');
   * ```
   */
  leave(...rooms: string[]): void {
    this.#connection.changeRooms('leave', rooms);
  }

  /**
   * Closes the connection and stops every retry, timer and listener. Never reconnects by itself.
   *
   * @example
   * ```ts
   * logout() { this.realtime.disconnect(); }
   * ```
   */
  disconnect(): void {
    if (this.#isServer) return;
    this.#connection.stop();
  }

  #ofType<T extends ServerEvent>(type: T['type']): Observable<T> {
    return this.fanout.listen<T>(type);
  }
}

/** Where relative URLs resolve: the document's base, else its location, else localhost (no document). */
function baseUrl(document: Document | null): () => string {
  return () => document?.baseURI || document?.defaultView?.location?.href || 'http://localhost/';
}
