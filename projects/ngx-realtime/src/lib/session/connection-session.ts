import type { Subscription } from 'rxjs';
import { backoffDelayMs } from './backoff';
import { schedule } from '../platform/clock';
import { reasonForCloseCode, type DisconnectReason } from '../stream/connection-state';
import type { SequencedEvent, ServerFrame, WelcomeFrame } from '../protocol/protocol';
import { filterParams } from '../config/realtime-config';
import type { RealtimeSource } from './realtime-source';
import type { SessionHost } from './session-host';
import { SessionToken, type Credentials } from './session-token';
import { TokenRotation } from './token-rotation';
import { TransportSwitch } from './transport-switch';
import { WebSocketTransport, type TransportClosed } from '../transport/websocket-transport';

/**
 * One connection session: from `connect()` (or a token from `withAuth`) until `disconnect()` or a
 * final close. It owns the credentials, the retries and the WebSocket, with a {@link TransportSwitch}
 * for the fallback to long polling and a {@link TokenRotation} for tokens. Ended, it ignores every
 * late callback.
 *
 * @example
 * ```ts
 * const session = new ConnectionSession(host, credentials, { socket: 'wss://h/ws', poll: 'https://h/events/poll' });
 * session.start();
 * session.end(); // releases every socket, poll, timer and listener
 * ```
 */
export class ConnectionSession implements RealtimeSource {
  readonly tokens: SessionToken;
  /** The socket events arrive on (plain, not #private: it is read on every frame). */
  socket: WebSocketTransport | null = null;
  readonly #host: SessionHost;
  readonly #switch: TransportSwitch;
  #ended = false;
  /** Recovering from an expired token: another expiry or rejection in a row is final. */
  #refreshing = false;
  #waiting = false;
  readonly rotation: TokenRotation;
  #cancelRetry: () => void = noop;
  #cancelStable: () => void = noop;
  #wake: Subscription | null = null;

  constructor(
    host: SessionHost,
    credentials: Credentials,
    readonly urls: { socket: string; poll: string },
  ) {
    this.#host = host;
    this.tokens = new SessionToken(credentials, {
      clock: host.clock,
      refresh: host.config.auth.refresh,
      tokenWaitMs: host.config.auth.tokenWaitMs,
      run: (fn) => host.run(fn),
      report: (error) => host.report('token_refresh_failed', 'withAuth({refresh}) did not produce a token', error),
    });
    this.#switch = new TransportSwitch(this, host);
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
    return this.#switch.pollingActive;
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
    this.#wake = this.#host.network.wake$.subscribe(() => {
      // Only a connection that is down and waiting benefits; a live one is left alone.
      if (this.#waiting) this.attempt();
    });
    this.#host.dispatch({ type: 'stable' });
    this.attempt();
  }

  /** Releases everything; callbacks that come later find the session ended and do nothing. */
  end(): void {
    this.#ended = true;
    this.tokens.cancel();
    this.rotation.cancel();
    this.#cancelRetry();
    this.#cancelStable();
    this.socket?.close(1000, 'client disconnect');
    this.socket = null;
    this.#switch.end();
    this.#wake?.unsubscribe();
    this.#wake = null;
  }

  /** A token from the `withAuth` source: a recovery waiting for one takes it, else it is rotated to. */
  offerToken(token: string): void {
    if (!this.tokens.offer(token)) this.rotation.useToken(token);
  }

  attempt(): void {
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
        if (this.#switch.polling) this.#switch.startPolling();
        else this.socket = this.openSocket(token, 'main');
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

  retryLater(reason: DisconnectReason, closeCode: number | null): void {
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
    const delayMs = backoffDelayMs(attempt, options, this.#host.random);
    this.#host.dispatch({ type: 'retry_scheduled', attempt: attempt + 1, nextRetryAt: this.#host.clock.now() + delayMs, closeCode, reason });
    this.#cancelRetry = schedule(this.#host.clock, () => this.attempt(), delayMs);
  }

  /** A transport delivers: the retry count starts over once it stays up long enough. */
  connected(transport: 'websocket' | 'polling'): void {
    this.#refreshing = false;
    this.#host.dispatch({ type: 'connected', transport });
    this.#cancelStable();
    this.#cancelStable = schedule(this.#host.clock, () => this.#host.dispatch({ type: 'stable' }), this.#host.config.reconnect.stableAfterMs);
  }

  /** The transport went down: no stability to wait for. */
  lost(): void {
    this.#cancelStable();
  }

  // ------------------------------------------------------------------------------------------
  // WebSocket
  // ------------------------------------------------------------------------------------------

  openSocket(token: string, role: 'main' | 'probe'): WebSocketTransport {
    const host = this.#host;
    const config = host.config;
    const url = new URL(this.urls.socket);
    if (config.authMode === 'query') url.searchParams.set('token', token);
    if (config.batching) url.searchParams.set('batch', '1');
    const lastSeq = host.lastSeq();
    if (lastSeq !== null) url.searchParams.set('lastSeq', String(lastSeq));
    const epoch = host.epoch();
    if (lastSeq !== null && epoch !== null) url.searchParams.set('epoch', epoch);
    for (const [k, v] of Object.entries(filterParams(config))) url.searchParams.set(k, v);
    const transport: WebSocketTransport = new WebSocketTransport({
      backend: host.backend,
      clock: host.clock,
      url: url.toString(),
      authToken: config.authMode === 'frame' ? token : null,
      batching: config.batching,
      heartbeat: config.heartbeat,
      connectTimeoutMs: config.reconnect.connectTimeoutMs,
      handlers: {
        welcome: (frame) => (role === 'probe' ? this.#switch.onProbeWelcome(transport, frame, token) : this.onWelcome(transport, frame, token)),
        frame: (frame) => {
          if (transport === this.socket) this.onFrame(frame);
        },
        invalid: (code, message, raw) => host.report(code, message, raw),
        latency: (latencyMs) => {
          if (transport === this.socket) host.dispatch({ type: 'latency', latencyMs });
        },
        heartbeat: () => {
          // Heartbeats arrive on time even where timers are throttled: a late rotation timer is caught up here.
          if (transport === this.socket) this.rotation.rotateIfDue();
        },
        closed: (info) => {
          if (transport === this.socket) this.#onSocketClosed(info);
          else this.#switch.onProbeClosed(transport);
        },
      },
    });
    return transport;
  }

  onWelcome(transport: WebSocketTransport, frame: WelcomeFrame, token: string): void {
    if (transport !== this.socket) return;
    this.tokens.inUse = token;
    this.#switch.welcomed();
    this.#host.adopt(frame.lastSeq, frame);
    this.connected('websocket');
    this.rotation.schedule(frame.tokenExpiresAt, frame.serverTime);
    // The source may have emitted while this socket was connecting.
    const newest = this.tokens.current();
    if (newest !== null && newest !== this.tokens.inUse) this.rotation.useToken(newest);
  }

  onFrame(frame: ServerFrame): void {
    // Sequenced events are nearly every frame: they skip the switch.
    if ((frame as SequencedEvent).seq !== undefined) {
      this.#host.deliver(frame as SequencedEvent);
      return;
    }
    switch (frame.type) {
      case 'stats_update':
        this.#host.emitVolatile(frame);
        return;
      case 'resync':
        this.#host.resync(frame);
        return;
      case 'resumed':
        this.#host.advanceTo(frame.toSeq);
        return;
      case 'batch':
        this.#host.deliverBatch(frame.events);
        return;
      case 'auth_ok':
        this.rotation.accepted(frame);
        return;
      case 'error':
        if (frame.code === 'auth_failed') {
          this.rotation.refused(frame);
          return;
        }
        this.#host.report('server_error', frame.message, frame);
        return;
      default:
        return;
    }
  }

  #onSocketClosed(info: TransportClosed): void {
    this.socket = null;
    this.lost();
    const timedOut = info.heartbeatTimeout || info.connectTimeout === true;
    const code = timedOut ? null : info.code;
    if (info.code !== 4004) this.#refreshing = false;
    if (info.code === 4003) return this.stop('unauthorized', 4003);
    if (info.code === 4005) return this.stop('session_revoked', 4005);
    if (info.code === 4004) return this.rotation.recoverExpired(4004);
    const reason: DisconnectReason = info.heartbeatTimeout
      ? 'heartbeat_timeout'
      : info.connectTimeout
        ? 'connect_timeout'
        : reasonForCloseCode(info.code);
    if (!info.reachedWelcome && this.#switch.socketFailed(info.upgradeRefused === true)) {
      this.#host.dispatch({ type: 'retry_scheduled', attempt: this.#host.state().attempt, nextRetryAt: this.#host.clock.now(), closeCode: code, reason });
      this.attempt();
      return;
    }
    this.retryLater(reason, code);
  }
}

function noop(): void {}
