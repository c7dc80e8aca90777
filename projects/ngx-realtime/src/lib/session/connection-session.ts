import { inject } from '@angular/core';
import type { Subscription } from 'rxjs';
import { filterParams } from '../config/realtime-config';
import { schedule } from '../platform/clock';
import type { RoomMembership } from '../protocol/protocol-rooms';
import type { ProtocolReady } from '../protocol/realtime-protocol';
import { REALTIME_FALLBACKS, whenLoaded, type RealtimeFallbacks } from '../fallbacks/load-fallbacks';
import { reasonForCloseCode, type DisconnectReason } from '../stream/connection-state';
import type { Transport, TransportClosed } from '../transport/transport';
import type { TransportKind } from '../transport/transport-kind';
import { WebSocketTransport } from '../transport/websocket-transport';
import { backoffDelayMs } from './backoff';
import type { RealtimeSource } from './realtime-source';
import type { SessionHost } from './session-host';
import { SessionToken, type Credentials } from './session-token';
import type { SessionUrls } from './session-urls';
import { TokenRotation } from './token-rotation';
import { transportHandlers } from './transport-handlers';
import { TransportLadder } from './transport-ladder';
import type { TransportSwitch } from './transport-switch';

/**
 * Why a transport is opened: to be the session's connection, to try a better transport while a
 * fallback runs, or to move the connection to a fresh token without a gap.
 */
export type OpenRole = 'main' | 'probe' | 'renew';

/**
 * One connection session: from `connect()` (or a token from `withAuth`) until `disconnect()` or a
 * final close. It owns the credentials, the retries and the live transport, with a
 * {@link TransportLadder} for the choice of transport (WebSocket, then Server-Sent Events, then long
 * polling) and a {@link TokenRotation} for tokens. The fallbacks' code (`TransportSwitch`,
 * `SseTransport`: running a fallback, probing back up, renewing a token beside the live connection)
 * is loaded the first time the session needs it; until it has loaded the session waits, so once it
 * is there everything runs synchronously again. What the transports read goes to the host through
 * the protocol's small set of signals; ended, the session ignores every late callback.
 *
 * @example
 * ```ts
 * const session = new ConnectionSession(host, credentials, { socket: 'wss://h/ws', sse: 'https://h/events/stream', poll: 'https://h/events/poll' });
 * session.start();
 * session.end(); // releases every socket, stream, poll, timer and listener
 * ```
 */
export class ConnectionSession implements RealtimeSource {
  readonly tokens: SessionToken;
  /** The connection events arrive on (plain, not #private: it is read on every frame). */
  transport: Transport | null = null;
  readonly #host: SessionHost;
  readonly #ladder: TransportLadder;
  /** The fallbacks, once the session first needed them (and their code loaded). */
  #switch: TransportSwitch | null = null;
  #fallbacks: RealtimeFallbacks | null = null;
  /** Counts the moves that outdate a wait for the fallback code (a new attempt, a lost connection, the end). */
  #moves = 0;
  #ended = false;
  /** Recovering from an expired token: another expiry or rejection in a row is final. */
  #refreshing = false;
  #waiting = false;
  readonly rotation: TokenRotation;
  /** What the live connection was sent of the rooms (protocols with rooms); each ready connection starts with none. */
  #rooms: RoomMembership | null = null;
  #cancelRetry: () => void = noop;
  #cancelStable: () => void = noop;
  #wake: Subscription | null = null;

  constructor(
    host: SessionHost,
    credentials: Credentials,
    readonly urls: SessionUrls,
  ) {
    this.#host = host;
    this.tokens = new SessionToken(credentials, {
      clock: host.clock,
      refresh: host.config.auth.refresh,
      tokenWaitMs: host.config.auth.tokenWaitMs,
      run: (fn) => host.run(fn),
      report: (error) => host.report('token_refresh_failed', 'withAuth({refresh}) did not produce a token', error),
    });
    this.#ladder = new TransportLadder(host);
    this.rotation = new TokenRotation(this, host);
  }

  get ended(): boolean {
    return this.#ended;
  }

  get credentials(): Credentials {
    return this.tokens.credentials;
  }

  /** A polling loop is running (a rotated token is then simply used by its next request). */
  get pollingActive(): boolean {
    return this.#switch?.pollingActive === true;
  }

  /**
   * An expired token is being replaced: returns `false` when that was already so (a second expiry
   * or rejection in a row is final).
   */
  beginRefresh(): boolean {
    if (this.#refreshing) return false;
    this.#refreshing = true;
    return true;
  }

  start(): void {
    this.#wake = this.#host.network.wake$.subscribe((why) => {
      if (this.#waiting) this.attempt();
      else if (why === 'online' && this.#silenceUnjudged()) this.#recheck();
    });
    this.#host.dispatch({ type: 'stable' });
    this.attempt();
  }

  /**
   * Nothing tells a dead connection from a quiet one: the server sends no heartbeat and the app set
   * no silence timeout (an idle ApexStore stream, say).
   */
  #silenceUnjudged(): boolean {
    return !this.#host.protocol.capabilities.serverHeartbeat && this.#host.config.heartbeat.timeoutMs === undefined;
  }

  /**
   * The network came back: a connection that outlived the change may be dead without a word (the
   * old route is gone, or the machine slept), and only silence could tell. Reconnect now; without
   * replay, `resync$` then tells the app to reload what it shows.
   */
  #recheck(): void {
    if (!this.transport?.reachedReady) return;
    this.transport.close(1000, 'network changed');
    this.transport = null;
    this.lost();
    this.#switch?.liveLost();
    this.attempt();
  }

  /** Releases everything; callbacks that come later find the session ended and do nothing. */
  end(): void {
    this.#ended = true;
    this.tokens.cancel();
    this.rotation.cancel();
    this.#cancelRetry();
    this.#cancelStable();
    this.transport?.close(1000, 'client disconnect');
    this.transport = null;
    this.#switch?.end();
    this.#wake?.unsubscribe();
    this.#wake = null;
  }

  /** Sends the joins and leaves that bring the live connection to the wanted rooms, when it can send. */
  roomsChanged(): void {
    const transport = this.transport;
    if (this.#rooms === null || !transport?.reachedReady || !transport.canSend) return;
    for (const frame of this.#rooms.sync(this.#host.rooms())) transport.send(frame);
  }

  /** A token from the `withAuth` source: a recovery waiting for one takes it, else it is rotated to. */
  offerToken(token: string): void {
    if (!this.tokens.offer(token)) this.rotation.useToken(token);
  }

  attempt(): void {
    this.#moves++;
    this.#cancelRetry();
    this.#waiting = false;
    if (!this.#host.network.isOnline()) {
      this.#waiting = true;
      this.#host.dispatch({ type: 'waiting_offline', closeCode: null });
      return;
    }
    this.#host.dispatch({ type: 'connecting' });
    this.tokens.forAttempt(
      (token) => {
        if (this.#ended) return;
        const kind = this.#ladder.current;
        if (kind === 'websocket') this.transport = this.open(kind, token, 'main');
        else
          this.#withFallbacks((fallbacks) => {
            if (kind === 'polling') fallbacks.startPolling();
            else this.transport = this.open(kind, token, 'main');
          });
      },
      (error) => {
        if (this.#ended) return;
        this.#host.report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        if (this.#refreshing) this.stop('unauthorized', this.#host.state().lastCloseCode);
        else this.retryLater('network', null);
      },
    );
  }

  stop(reason: DisconnectReason, closeCode: number | null): void {
    this.end();
    this.#host.dispatch({ type: 'stopped', reason, closeCode });
  }

  /** Schedules the next attempt with backoff, never sooner than the server asked (`minDelayMs`). */
  retryLater(reason: DisconnectReason, closeCode: number | null, minDelayMs = 0): void {
    const options = this.#host.config.reconnect;
    const attempt = this.#host.state().attempt;
    if (attempt >= options.maxAttempts) {
      this.stop(reason, closeCode);
      return;
    }
    this.#waiting = true;
    if (!this.#host.network.isOnline()) {
      this.#host.dispatch({ type: 'waiting_offline', closeCode });
      return;
    }
    const delayMs = Math.max(backoffDelayMs(attempt, options, this.#host.random), minDelayMs);
    this.#host.dispatch({ type: 'retry_scheduled', attempt: attempt + 1, nextRetryAt: this.#host.clock.now() + delayMs, closeCode, reason });
    this.#cancelRetry = schedule(this.#host.clock, () => this.attempt(), delayMs);
  }

  /** A transport delivers: the retry count starts over once it stays up long enough. */
  connected(transport: TransportKind): void {
    this.#refreshing = false;
    this.#host.dispatch({ type: 'connected', transport });
    this.#cancelStable();
    this.#cancelStable = schedule(this.#host.clock, () => this.#host.dispatch({ type: 'stable' }), this.#host.config.reconnect.stableAfterMs);
  }

  /** The transport went down: no stability to wait for, and no rotation (the next ready plans its own). */
  lost(): void {
    this.#moves++;
    this.#cancelStable();
    this.rotation.cancel();
  }

  /** Moves the live connection to `token` by opening another beside it and switching once it is ready. */
  renew(token: string): void {
    const current = this.transport;
    if (current === null || current.kind === 'polling') return;
    this.#withFallbacks((fallbacks) => {
      if (this.transport === current) fallbacks.renew(this.open(current.kind as 'websocket' | 'sse', token, 'renew'));
    });
  }

  /**
   * Runs `use` with the fallbacks: at once when their code has loaded, else once it has, unless the
   * session ended or moved on meanwhile (another attempt, a lost connection). A failed load is
   * reported and retried like a failed attempt, on the WebSocket again: a browser may keep the
   * failure of a dynamic import for the life of the page, and a session that kept waiting for the
   * fallbacks would then never connect again, even once the WebSocket works.
   */
  #withFallbacks(use: (fallbacks: TransportSwitch) => void): void {
    const moves = this.#moves;
    whenLoaded(
      this.#host.run(() => inject(REALTIME_FALLBACKS)),
      (fallbacks) => {
        if (this.#ended || moves !== this.#moves) return;
        this.#fallbacks = fallbacks;
        use((this.#switch ??= new fallbacks.TransportSwitch(this, this.#host, this.#ladder)));
      },
      (error) => {
        if (this.#ended || moves !== this.#moves) return;
        this.#host.report('fallback_load_failed', 'the fallback transports could not be loaded', error);
        this.#ladder.reset();
        this.retryLater('network', null);
      },
    );
  }

  // ------------------------------------------------------------------------------------------
  // Transports
  // ------------------------------------------------------------------------------------------

  open(kind: 'websocket' | 'sse', token: string, role: OpenRole): Transport {
    const host = this.#host;
    const config = host.config;
    const request = host.protocol.connect({
      url: kind === 'websocket' ? this.urls.socket : this.urls.sse,
      transport: kind,
      token,
      position: host.position(),
      batching: config.batching,
      authMode: config.authMode,
      params: filterParams(config),
    });
    const opened: { transport: Transport | null } = { transport: null };
    const handlers = transportHandlers(this, host, opened, role, token);
    const options = {
      backend: host.backend,
      clock: host.clock,
      protocol: host.protocol,
      request,
      heartbeatTimeoutMs: config.heartbeat.timeoutMs ?? null,
      connectTimeoutMs: config.reconnect.connectTimeoutMs,
      handlers,
    };
    // Only a session whose fallbacks have loaded asks for a stream.
    opened.transport = kind === 'websocket' ? new WebSocketTransport(options) : new this.#fallbacks!.SseTransport(options);
    return opened.transport;
  }

  onCandidateReady(transport: Transport, ready: ProtocolReady, token: string): void {
    this.#switch?.onCandidateReady(transport, ready, token);
  }

  closed(transport: Transport, info: TransportClosed): void {
    if (transport === this.transport) this.#onClosed(info);
    else this.#switch?.onCandidateClosed(transport, info);
  }

  onReady(transport: Transport, ready: ProtocolReady, token: string): void {
    if (transport !== this.transport) return;
    this.tokens.inUse = token;
    this.rotation.settled(token);
    if (this.#ladder.ready(transport.kind)) this.#switch?.probeLater();
    this.#host.ready(ready);
    this.connected(transport.kind);
    // The server forgot every room with the last connection (a new one is a new client to it).
    this.#rooms = this.#host.protocol.rooms?.membership() ?? null;
    this.roomsChanged();
    this.rotation.schedule(ready.tokenExpiresAt, ready.serverTime);
    // The source may have emitted while this connection was opening.
    const newest = this.tokens.current();
    if (newest !== null && newest !== this.tokens.inUse) this.rotation.useToken(newest);
  }

  #onClosed(info: TransportClosed): void {
    this.transport = null;
    this.lost();
    this.#switch?.liveLost();
    const timedOut = info.heartbeatTimeout || info.connectTimeout === true;
    const code = timedOut ? null : info.code;
    const meaning = timedOut ? null : (this.#host.protocol.closeReason?.(info.code) ?? reasonForCloseCode(info.code));
    if (meaning !== 'token_expired') this.#refreshing = false;
    if (meaning === 'unauthorized' || meaning === 'session_revoked') return this.stop(meaning, info.code);
    // The server would refuse every retry the same way (the protocol says which codes mean that).
    if (meaning !== null && this.#host.protocol.closeIsFinal?.(info.code) === true) return this.stop(meaning, info.code);
    if (meaning === 'token_expired') return this.rotation.recoverExpired(info.code);
    const reason: DisconnectReason = info.heartbeatTimeout ? 'heartbeat_timeout' : info.connectTimeout ? 'connect_timeout' : meaning!;
    if (!info.reachedReady && this.#ladder.failed(info.upgradeRefused === true)) {
      this.#host.dispatch({ type: 'retry_scheduled', attempt: this.#host.state().attempt, nextRetryAt: this.#host.clock.now(), closeCode: code, reason });
      this.attempt();
      return;
    }
    this.retryLater(reason, code, info.retryAfterMs);
  }
}


function noop(): void {}
