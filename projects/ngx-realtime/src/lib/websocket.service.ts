import { DOCUMENT, isPlatformServer } from '@angular/common';
import { DestroyRef, Injectable, Injector, PLATFORM_ID, inject, runInInjectionContext, signal, type Signal } from '@angular/core';
import { BehaviorSubject, Observable, Subject, Subscription } from 'rxjs';
import { distinctUntilChanged, map } from 'rxjs/operators';
import { backoffDelayMs } from './backoff';
import { RANDOM_SOURCE, RealtimeClock, schedule } from './clock';
import {
  INITIAL_CONNECTION_STATE,
  connectionReducer,
  reasonForCloseCode,
  type ConnectionAction,
  type ConnectionState,
  type ConnectionStatus,
  type DisconnectReason,
} from './connection-state';
import { EventFanout } from './event-fanout';
import { FrameRejection, checkServerFrame } from './frame-validation';
import { EventSequencer } from './event-sequencer';
import { NetworkStatus } from './network-status';
import { PollingTransport } from './polling-transport';
import type {
  CompactionEvent,
  HealthEvent,
  KeyChangeEvent,
  ResyncFrame,
  SequencedEvent,
  ServerEvent,
  ServerFrame,
  SnapshotEvent,
  StatsUpdateEvent,
  SyncEvent,
  WelcomeFrame,
} from './protocol';
import { RealtimeBackend, type RealtimePollError } from './realtime-backend';
import {
  REALTIME_AUTH_SOURCE,
  REALTIME_CONFIG,
  resolvePollUrl,
  resolveSocketUrl,
  type ResolvedRealtimeConfig,
} from './realtime-config';
import type { RealtimeError } from './realtime-error';
import { SessionToken, type Credentials } from './session-token';
import { tokenRefreshDelayMs } from './token-refresh';
import type { TokenProvider } from './token-provider';
import { WebSocketTransport, type TransportClosed } from './websocket-transport';

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

const NO_CONFIG =
  'ngx-realtime: no configuration found. Add provideRealtime({url: ...}) to your application providers.';

/**
 * The app's one live connection to the server's events, over WebSocket or (as a fallback) long
 * polling. Every subscriber shares it; subscribing never opens a connection (call {@link connect}
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
  readonly #backend = inject(RealtimeBackend);
  readonly #clock = inject(RealtimeClock);
  readonly #random = inject(RANDOM_SOURCE);
  readonly #network = inject(NetworkStatus);
  readonly #document = inject(DOCUMENT, { optional: true });
  readonly #isServer = isPlatformServer(inject(PLATFORM_ID));
  readonly #injector = inject(Injector);

  private readonly fanout = new EventFanout();
  readonly #resyncSubject = new Subject<ResyncFrame>();
  readonly #errorsSubject = new Subject<RealtimeError>();
  readonly #stateSubject = new BehaviorSubject<ConnectionState>(INITIAL_CONNECTION_STATE);
  readonly #stateSignal = signal<ConnectionState>(INITIAL_CONNECTION_STATE);
  private readonly lastSeqSignal = signal<number | null>(null);
  private readonly sequencer = new EventSequencer();

  /** Every event, validated and deduplicated. Never errors; completes only when the app is destroyed. */
  readonly events$: Observable<ServerEvent> = this.fanout.listen(null);
  /** Detailed connection state; replays the current state to new subscribers. */
  readonly connectionState$: Observable<ConnectionState> = this.#stateSubject.asObservable();
  /** Coarse status, only when it changes; replays the current status. */
  readonly connectionStatus$: Observable<ConnectionStatus> = this.connectionState$.pipe(
    map((s) => s.status),
    distinctUntilChanged(),
  );
  /** Detailed connection state as a signal. */
  readonly connectionState: Signal<ConnectionState> = this.#stateSignal.asReadonly();
  /** The server's history no longer reaches back to the last event seen: refetch state, then carry on. */
  readonly resync$: Observable<ResyncFrame> = this.#resyncSubject.asObservable();
  /** Problems as values with a code; see {@link RealtimeError}. */
  readonly errors$: Observable<RealtimeError> = this.#errorsSubject.asObservable();
  /** Newest seq seen (or the server's position at the first connection); `null` before that. */
  readonly lastSeq: Signal<number | null> = this.lastSeqSignal.asReadonly();

  // One "session" runs from connect() until disconnect() or a terminal close; `generation` tells
  // late callbacks of an older session to keep quiet.
  #generation = 0;
  #tokens: SessionToken | null = null;
  #urls: { socket: string; poll: string } | null = null;
  #mode: 'websocket' | 'polling' = 'websocket';
  private socket: WebSocketTransport | null = null;
  #probe: WebSocketTransport | null = null;
  #polling: PollingTransport | null = null;
  #pollingConnected = false;
  #failedSocketAttempts = 0;
  /** Recovering from an expired token: another expiry or rejection in a row is final. */
  #refreshing = false;
  #waiting = false;
  /** When to rotate the token in use (client clock), or `null` when unknown. */
  #rotateAt: number | null = null;
  #rotating = false;
  /** A token sent in an `auth` frame, waiting for `auth_ok`. */
  #rotationSent: string | null = null;
  #cancelRotation: () => void = noop;
  #cancelRetry: () => void = noop;
  #cancelStable: () => void = noop;
  #cancelProbe: () => void = noop;
  #wakeSubscription: Subscription | null = null;
  #authSubscription: Subscription | null = null;

  constructor() {
    const authSource = inject(REALTIME_AUTH_SOURCE, { optional: true });
    if (authSource && !this.#isServer) {
      this.#authSubscription = authSource.subscribe((token) => this.#onAuthToken(token));
    }
    inject(DestroyRef).onDestroy(() => {
      this.#authSubscription?.unsubscribe();
      this.#endSession();
      this.fanout.complete();
      this.#resyncSubject.complete();
      this.#errorsSubject.complete();
      this.#stateSubject.complete();
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
      throw new Error('ngx-realtime: connect() needs a non-empty token or a TokenProvider function.');
    }
    this.#start(typeof token === 'string' ? { kind: 'static', token } : { kind: 'provider', provider: token });
  }

  #start(credentials: Credentials): void {
    this.#endSession();
    const auth = this.#config!.auth;
    this.#tokens = new SessionToken(credentials, {
      clock: this.#clock,
      refresh: auth.refresh,
      tokenWaitMs: auth.tokenWaitMs,
      run: (fn) => runInInjectionContext(this.#injector, fn),
      report: (error) => this.#report('token_refresh_failed', 'withAuth({refresh}) did not produce a token', error),
    });
    this.#urls = this.#resolveUrls(this.#config!);
    this.#wakeSubscription = this.#network.wake$.subscribe(() => this.#onWake());
    this.#dispatch({ type: 'stable' });
    this.#attempt();
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
    this.#endSession();
    this.#dispatch({ type: 'stopped', reason: 'client', closeCode: null });
  }

  // ------------------------------------------------------------------------------------------
  // Session lifecycle
  // ------------------------------------------------------------------------------------------

  #attempt(): void {
    const generation = this.#generation;
    this.#cancelRetry();
    this.#waiting = false;
    if (!this.#network.isOnline()) {
      this.#waiting = true;
      this.#dispatch({ type: 'waiting_offline', closeCode: null });
      return;
    }
    this.#dispatch({ type: 'connecting' });
    this.#tokens?.forAttempt(
      (token) => {
        if (generation !== this.#generation) return;
        if (this.#mode === 'polling') this.#startPolling();
        else this.socket = this.#openSocket(token, 'main');
      },
      (error) => {
        if (generation !== this.#generation) return;
        this.#report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        if (this.#refreshing) this.#stop('unauthorized', this.#stateSignal().lastCloseCode);
        else this.#retryLater('network', null);
      },
    );
  }

  #endSession(): void {
    this.#generation++;
    this.#tokens?.cancel();
    this.#tokens = null;
    this.#cancelRotation();
    this.#rotateAt = null;
    this.#rotating = false;
    this.#rotationSent = null;
    this.#cancelRetry();
    this.#cancelStable();
    this.#cancelProbe();
    this.socket?.close(1000, 'client disconnect');
    this.#probe?.close(1000, 'client disconnect');
    this.#polling?.stop();
    this.socket = this.#probe = null;
    this.#polling = null;
    this.#pollingConnected = false;
    this.#wakeSubscription?.unsubscribe();
    this.#wakeSubscription = null;
    this.#mode = 'websocket';
    this.#failedSocketAttempts = 0;
    this.#refreshing = false;
    this.#waiting = false;
  }

  #stop(reason: DisconnectReason, closeCode: number | null): void {
    this.#endSession();
    this.#dispatch({ type: 'stopped', reason, closeCode });
  }

  #retryLater(reason: DisconnectReason, closeCode: number | null): void {
    const options = this.#config!.reconnect;
    const attempt = this.#stateSignal().attempt;
    if (attempt >= options.maxAttempts) {
      this.#stop(reason, closeCode);
      return;
    }
    this.#waiting = true;
    if (!this.#network.isOnline()) {
      this.#dispatch({ type: 'waiting_offline', closeCode });
      return;
    }
    const delayMs = backoffDelayMs(attempt, options, this.#random);
    this.#dispatch({ type: 'retry_scheduled', attempt: attempt + 1, nextRetryAt: this.#clock.now() + delayMs, closeCode, reason });
    this.#cancelRetry = schedule(this.#clock, () => this.#attempt(), delayMs);
  }

  #onWake(): void {
    // Only a connection that is down and waiting benefits; a live one is left alone.
    if (this.#waiting) this.#attempt();
  }

  #onAuthToken(token: string | null): void {
    if (token === null) {
      if (this.#tokens !== null) this.disconnect();
      return;
    }
    if (this.#tokens === null || this.#tokens.credentials.kind !== 'source' || this.#stateSignal().status === 'disconnected') {
      if (!this.#config) throw new Error(NO_CONFIG);
      this.#start({ kind: 'source', first: token });
      return;
    }
    // Already running: a recovery waiting for a token takes it; a live connection switches to it
    // on the open socket, without reconnecting.
    if (!this.#tokens.offer(token)) this.#useToken(token);
  }

  #markStable(): void {
    this.#cancelStable();
    this.#cancelStable = schedule(this.#clock, () => this.#dispatch({ type: 'stable' }), this.#config!.reconnect.stableAfterMs);
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket
  // ------------------------------------------------------------------------------------------

  #openSocket(token: string, role: 'main' | 'probe'): WebSocketTransport {
    const config = this.#config!;
    const url = new URL(this.#urls!.socket);
    if (config.authMode === 'query') url.searchParams.set('token', token);
    if (config.batching) url.searchParams.set('batch', '1');
    const lastSeq = this.sequencer.lastSeq;
    if (lastSeq !== null) url.searchParams.set('lastSeq', String(lastSeq));
    for (const [k, v] of Object.entries(this.#filterParams())) url.searchParams.set(k, v);
    const transport: WebSocketTransport = new WebSocketTransport({
      backend: this.#backend,
      clock: this.#clock,
      url: url.toString(),
      authToken: config.authMode === 'frame' ? token : null,
      batching: config.batching,
      heartbeat: config.heartbeat,
      connectTimeoutMs: config.reconnect.connectTimeoutMs,
      handlers: {
        welcome: (frame) => (role === 'probe' ? this.#onProbeWelcome(transport, frame, token) : this.#onWelcome(transport, frame, token)),
        frame: (frame) => {
          if (transport === this.socket) this.onFrame(frame);
        },
        invalid: (code, message, raw) => this.#report(code, message, raw),
        latency: (latencyMs) => {
          if (transport === this.socket) this.#dispatch({ type: 'latency', latencyMs });
        },
        heartbeat: () => {
          // Heartbeats arrive on time even where timers are throttled: a late rotation timer is caught up here.
          if (transport === this.socket) this.#rotateIfDue();
        },
        closed: (info) => {
          if (transport === this.socket) this.#onSocketClosed(info);
          else if (transport === this.#probe) this.#onProbeClosed();
        },
      },
    });
    return transport;
  }

  #onWelcome(transport: WebSocketTransport, frame: WelcomeFrame, token: string): void {
    if (transport !== this.socket) return;
    if (this.#tokens) this.#tokens.inUse = token;
    this.#failedSocketAttempts = 0;
    this.#refreshing = false;
    const known = this.sequencer.lastSeq;
    if (known !== null && frame.lastSeq < known) {
      // The server's sequence went backwards (it lost its data): what we hold is no longer comparable.
      this.#report('history_lost', `server sequence restarted at ${frame.lastSeq}, below ${known}`, frame);
      this.#resync({ type: 'resync', reason: 'history_expired', lastSeq: frame.lastSeq });
    }
    this.sequencer.adoptIfUnknown(frame.lastSeq);
    this.lastSeqSignal.set(this.sequencer.lastSeq);
    this.#dispatch({ type: 'connected', transport: 'websocket' });
    this.#markStable();
    this.#scheduleRotation(frame.tokenExpiresAt, frame.serverTime);
    // The source may have emitted while this socket was connecting.
    const newest = this.#tokens?.current() ?? null;
    if (newest !== null && newest !== this.#tokens?.inUse) this.#useToken(newest);
  }

  private onFrame(frame: ServerFrame): void {
    // Sequenced events are nearly every frame: they skip the switch.
    if ((frame as SequencedEvent).seq !== undefined) {
      this.deliver(frame as SequencedEvent);
      return;
    }
    switch (frame.type) {
      case 'stats_update':
        this.fanout.emit(frame);
        return;
      case 'resync':
        this.#resync(frame);
        return;
      case 'resumed':
        this.sequencer.advanceTo(frame.toSeq);
        this.lastSeqSignal.set(this.sequencer.lastSeq);
        return;
      case 'batch':
        this.#deliverBatch(frame.events);
        return;
      case 'auth_ok':
        if (this.#rotationSent !== null && this.#tokens) this.#tokens.inUse = this.#rotationSent;
        this.#rotationSent = null;
        this.#scheduleRotation(frame.tokenExpiresAt, frame.serverTime);
        return;
      case 'error':
        if (frame.code === 'auth_failed') {
          // The connection keeps its current token until it expires; then the expiry path takes over.
          this.#rotationSent = null;
          this.#report('token_rejected', frame.message, frame);
          return;
        }
        this.#report('server_error', frame.message, frame);
        return;
      case 'welcome':
      case 'pong':
      case 'ping':
      case 'subscribed':
        return;
      default:
        this.deliver(frame);
    }
  }

  #onSocketClosed(info: TransportClosed): void {
    this.socket = null;
    this.#cancelStable();
    const timedOut = info.heartbeatTimeout || info.connectTimeout === true;
    const code = timedOut ? null : info.code;
    if (info.code !== 4004) this.#refreshing = false;
    if (info.code === 4003) return this.#stop('unauthorized', 4003);
    if (info.code === 4005) return this.#stop('session_revoked', 4005);
    if (info.code === 4004) return this.#recoverExpiredToken(4004);
    const reason: DisconnectReason = info.heartbeatTimeout
      ? 'heartbeat_timeout'
      : info.connectTimeout
        ? 'connect_timeout'
        : reasonForCloseCode(info.code);
    if (!info.reachedWelcome) {
      this.#failedSocketAttempts++;
      const polling = this.#config!.polling;
      if (polling && (info.upgradeRefused || this.#failedSocketAttempts >= polling.afterFailedAttempts)) {
        this.#mode = 'polling';
        this.#dispatch({ type: 'retry_scheduled', attempt: this.#stateSignal().attempt, nextRetryAt: this.#clock.now(), closeCode: code, reason });
        this.#attempt();
        return;
      }
    }
    this.#retryLater(reason, code);
  }

  // ------------------------------------------------------------------------------------------
  // Tokens: rotation ahead of expiry, recovery after it
  // ------------------------------------------------------------------------------------------

  /** Plans the next rotation from the token's remaining life, measured on the server's clock. */
  #scheduleRotation(tokenExpiresAt: number | undefined, serverTime: number | undefined): void {
    if (tokenExpiresAt === undefined || serverTime === undefined) return;
    const delayMs = tokenRefreshDelayMs(tokenExpiresAt - serverTime);
    this.#cancelRotation();
    this.#rotateAt = this.#clock.now() + delayMs;
    this.#cancelRotation = schedule(this.#clock, () => this.#rotateIfDue(), delayMs);
  }

  #rotateIfDue(): void {
    const tokens = this.#tokens;
    if (tokens === null || this.#rotating || this.#rotateAt === null || this.#clock.now() < this.#rotateAt) return;
    this.#rotateAt = null;
    this.#cancelRotation();
    this.#rotating = true;
    const generation = this.#generation;
    tokens.fresh(
      false,
      (token) => {
        if (generation !== this.#generation) return;
        this.#rotating = false;
        this.#useToken(token);
      },
      (error) => {
        if (generation !== this.#generation) return;
        this.#rotating = false;
        if (error !== undefined) this.#report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        // Nothing fresher yet: a token the source emits later is used at once; otherwise the
        // server closes with 4004 at expiry and the recovery path asks again.
      },
    );
  }

  /** Switches the live connection to `token`: an `auth` frame on the socket, or the next poll. */
  #useToken(token: string): void {
    const tokens = this.#tokens;
    if (tokens === null || token === tokens.inUse || token === this.#rotationSent) return;
    if (this.socket?.reachedWelcome) {
      this.#rotationSent = token;
      this.socket.send({ type: 'auth', token });
    } else if (this.#polling) {
      tokens.inUse = token;
    }
    // Otherwise the connection is down or still connecting: the next attempt takes the newest token.
  }

  /**
   * The token expired before it was rotated (a laptop slept past it, a refresh failed). Get a
   * fresh one the way the credentials allow and reconnect; a second expiry in a row, or no fresh
   * token at all, is final.
   */
  #recoverExpiredToken(closeCode: number | null): void {
    const tokens = this.#tokens;
    if (this.#refreshing || tokens === null) {
      this.#stop('unauthorized', closeCode);
      return;
    }
    this.#refreshing = true;
    this.#cancelRotation();
    this.#rotateAt = null;
    this.#rotationSent = null;
    this.#dispatch({ type: 'token_expired', closeCode });
    const generation = this.#generation;
    tokens.fresh(
      true,
      () => {
        if (generation === this.#generation) this.#attempt();
      },
      (error) => {
        if (generation !== this.#generation) return;
        if (error !== undefined) this.#report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        this.#stop('unauthorized', closeCode);
      },
    );
  }

  // ------------------------------------------------------------------------------------------
  // Long polling and the way back
  // ------------------------------------------------------------------------------------------

  #startPolling(): void {
    this.#pollingConnected = false;
    const polling: PollingTransport = new PollingTransport({
      backend: this.#backend,
      url: this.#urls!.poll,
      token: () => this.#tokens?.current() ?? '',
      waitMs: this.#config!.polling!.waitMs,
      params: this.#filterParams(),
      since: () => this.sequencer.lastSeq,
      handlers: {
        response: (events, lastSeq, resync, session) => {
          if (polling !== this.#polling) return;
          // An answer to a poll sent before a rotation says nothing about the token now in use.
          const current = this.#tokens !== null && session.token === this.#tokens.current();
          if (current) this.#tokens!.inUse = session.token;
          if (!this.#pollingConnected) {
            this.#pollingConnected = true;
            this.#refreshing = false;
            this.#dispatch({ type: 'connected', transport: 'polling' });
            this.#markStable();
            this.#scheduleProbe();
          }
          if (resync) this.#resync(resync);
          for (const event of events) this.deliver(event);
          this.sequencer.advanceTo(lastSeq);
          this.lastSeqSignal.set(this.sequencer.lastSeq);
          if (current && session.tokenExpiresAt !== undefined && this.#rotateAt === null && !this.#rotating) {
            this.#scheduleRotation(session.tokenExpiresAt, session.serverTime);
          }
          this.#rotateIfDue();
        },
        invalid: (message, raw) => this.#report('invalid_frame', message, raw),
        failed: (error) => {
          if (polling === this.#polling) this.#onPollFailed(error);
        },
      },
    });
    this.#polling = polling;
    polling.start();
  }

  #onPollFailed(error: RealtimePollError): void {
    const pollingWorked = this.#pollingConnected;
    this.#polling = null;
    this.#pollingConnected = false;
    // Polling that never got through proves nothing (the server may be down, or have no poll
    // endpoint): go back to the WebSocket. Polling that worked stays the transport to retry, and so
    // does polling refused for auth, which is about the token, not the transport.
    if (!pollingWorked && error.status !== 401) {
      this.#mode = 'websocket';
      this.#failedSocketAttempts = 0;
    }
    this.#cancelStable();
    this.#cancelProbe();
    this.#probe?.close(1000, 'polling stopped');
    this.#probe = null;
    this.#report('poll_failed', error.message, error);
    if (error.status === 401) {
      if (error.tokenExpired) this.#recoverExpiredToken(null);
      else this.#stop('unauthorized', null);
      return;
    }
    this.#retryLater('network', null);
  }

  #scheduleProbe(): void {
    this.#cancelProbe();
    this.#cancelProbe = schedule(
      this.#clock,
      () => {
        const token = this.#tokens?.current() ?? null;
        if (this.#mode !== 'polling' || !this.#polling || token === null) return;
        this.#probe = this.#openSocket(token, 'probe');
      },
      this.#config!.polling!.probeIntervalMs,
    );
  }

  #onProbeWelcome(transport: WebSocketTransport, frame: WelcomeFrame, token: string): void {
    if (transport !== this.#probe) return;
    // The socket resumes from the lastSeq it was opened with; the sequencer drops the overlap with
    // what polling delivered meanwhile, so the switch has neither a gap nor a duplicate.
    this.#probe = null;
    this.#polling?.stop();
    this.#polling = null;
    this.#pollingConnected = false;
    this.#mode = 'websocket';
    this.socket = transport;
    this.#onWelcome(transport, frame, token);
  }

  #onProbeClosed(): void {
    this.#probe = null;
    if (this.#mode === 'polling' && this.#polling) this.#scheduleProbe();
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  /** Unpacks a batch through the same validation and sequencing as single frames. */
  #deliverBatch(events: readonly unknown[]): void {
    for (let i = 0; i < events.length; i++) {
      const event = checkServerFrame(events[i]);
      if (event instanceof FrameRejection) this.#report(event.code, `batch element ${i}: ${event.message}`, events[i]);
      else if ((event as SequencedEvent).seq === undefined) this.#report('invalid_frame', `batch element ${i}: "${event.type}" is not a sequenced event`, events[i]);
      else this.deliver(event as SequencedEvent);
    }
  }

  private deliver(event: SequencedEvent): void {
    if (!this.sequencer.accept(event)) return;
    this.lastSeqSignal.set(event.seq);
    this.fanout.emit(event);
  }

  #resync(frame: ResyncFrame): void {
    this.sequencer.resetTo(frame.lastSeq);
    this.lastSeqSignal.set(frame.lastSeq);
    this.#resyncSubject.next(frame);
  }

  #report(code: string, message: string, detail?: unknown): void {
    this.#errorsSubject.next(detail === undefined ? { code, message } : { code, message, detail });
  }

  #dispatch(action: ConnectionAction): void {
    const current = this.#stateSignal();
    const next = connectionReducer(current, action);
    if (next === current) return;
    this.#stateSignal.set(next);
    this.#stateSubject.next(next);
  }

  #ofType<T extends ServerEvent>(type: T['type']): Observable<T> {
    return this.fanout.listen<T>(type);
  }

  #filterParams(): Record<string, string> {
    const config = this.#config!;
    const params: Record<string, string> = {};
    if (config.topics) params['topics'] = config.topics.join(',');
    if (config.filter.cf !== undefined) params['cf'] = config.filter.cf;
    if (config.filter.keyPrefix !== undefined) params['keyPrefix'] = config.filter.keyPrefix;
    return params;
  }

  #resolveUrls(config: ResolvedRealtimeConfig): { socket: string; poll: string } {
    const base = this.#document?.baseURI || this.#document?.defaultView?.location?.href || 'http://localhost/';
    const socket = resolveSocketUrl(config.url, base);
    return { socket, poll: resolvePollUrl(config.pollUrl, socket, base) };
  }
}

function noop(): void {}
