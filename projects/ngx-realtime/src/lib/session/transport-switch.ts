import { DEFAULT_POLLING_FALLBACK_OPTIONS, filterParams } from '../config/realtime-config';
import { schedule } from '../platform/clock';
import type { ProtocolReady } from '../protocol/realtime-protocol';
import { PollingTransport } from '../transport/polling-transport';
import type { RealtimePollError } from '../transport/realtime-backend';
import type { Transport, TransportClosed } from '../transport/transport';
import type { TransportKind } from '../transport/transport-kind';
import type { SessionHost } from './session-host';
import type { SessionToken } from './session-token';
import type { SessionUrls } from './session-urls';
import type { TokenRotation } from './token-rotation';

/**
 * What a {@link TransportSwitch} needs of the session it switches transports for.
 *
 * @example
 * ```ts
 * const transports = new TransportSwitch(session satisfies SwitchOwner, host);
 * ```
 */
export interface SwitchOwner {
  readonly tokens: SessionToken;
  readonly rotation: TokenRotation;
  readonly urls: SessionUrls;
  transport: Transport | null;
  connected(transport: TransportKind): void;
  lost(): void;
  stop(reason: 'unauthorized', closeCode: number | null): void;
  retryLater(reason: 'network', closeCode: number | null): void;
  open(kind: 'websocket' | 'sse', token: string, role: 'probe' | 'renew'): Transport;
  onReady(transport: Transport, ready: ProtocolReady, token: string): void;
}

/**
 * The transports a session may use, best first: the protocol's (or `withTransports()`), less
 * those it does not run on. `withNoPollingFallback()` keeps only the first: no fallback at all.
 *
 * @example
 * ```ts
 * transportTiers(host); // ['websocket', 'sse', 'polling']
 * ```
 */
export function transportTiers(host: SessionHost): TransportKind[] {
  const wanted = (host.config.transports ?? host.protocol.capabilities.transports).filter((kind) => host.protocol.capabilities.transports.includes(kind));
  return host.config.polling === null ? wanted.slice(0, 1) : wanted;
}

/**
 * A session's choice of transport, and the way back up. Down: after enough attempts on one
 * transport that never got ready (or at once when it is refused outright: a refused upgrade, a
 * stream answered 404 or 503) the next one is tried, WebSocket -> Server-Sent Events -> long
 * polling. Up: while a fallback runs, every `probeIntervalMs` it tries the better transports, best
 * first; the first that gets ready takes over, resuming from the position the fallback reached.
 * It also opens the replacement connection when a token must be renewed by reconnecting.
 *
 * @example
 * ```ts
 * if (!info.reachedReady && transportSwitch.failed(info.upgradeRefused === true)) session.attempt();
 * ```
 */
export class TransportSwitch {
  readonly #session: SwitchOwner;
  readonly #host: SessionHost;
  readonly #tiers: TransportKind[];
  #tier = 0;
  #failures = 0;
  #poller: PollingTransport | null = null;
  #pollingConnected = false;
  /** A connection opened beside the live one: a probe of a better transport, or a token renewal. */
  #candidate: { transport: Transport; role: 'probe' | 'renew' } | null = null;
  /** Better transports still to try in this round of probes. */
  #toProbe: TransportKind[] = [];
  #cancelProbe: () => void = noop;

  constructor(session: SwitchOwner, host: SessionHost) {
    this.#session = session;
    this.#host = host;
    this.#tiers = transportTiers(host);
    if (this.#tiers.length === 0) this.#tiers = ['websocket'];
  }

  /** The transport the next attempt uses. */
  get current(): TransportKind {
    return this.#tiers[this.#tier]!;
  }

  /** A polling loop is running (so a rotated token is simply used by its next request). */
  get pollingActive(): boolean {
    return this.#poller !== null;
  }

  /** The live transport got ready: failures start over, and a fallback starts probing. */
  ready(kind: TransportKind): void {
    this.#failures = 0;
    this.#tier = Math.max(0, this.#tiers.indexOf(kind));
    if (this.#tier > 0) this.#scheduleProbe();
  }

  /** An attempt failed before it got ready; returns whether to move to the next transport now. */
  failed(refused: boolean): boolean {
    this.#failures++;
    const options = this.#host.config.polling ?? DEFAULT_POLLING_FALLBACK_OPTIONS;
    if (this.#tier + 1 >= this.#tiers.length || (!refused && this.#failures < options.afterFailedAttempts)) return false;
    this.#tier++;
    this.#failures = 0;
    return true;
  }

  startPolling(): void {
    const session = this.#session;
    const host = this.#host;
    this.#pollingConnected = false;
    const poller: PollingTransport = new PollingTransport({
      backend: host.backend,
      url: session.urls.poll,
      token: () => session.tokens.current() ?? '',
      waitMs: (host.config.polling ?? DEFAULT_POLLING_FALLBACK_OPTIONS).waitMs,
      params: filterParams(host.config),
      since: () => host.position()?.seq ?? null,
      epoch: () => host.position()?.epoch ?? null,
      handlers: {
        response: (events, lastSeq, resync, answer) => {
          if (poller !== this.#poller) return;
          // An answer to a poll sent before a rotation says nothing about the token now in use.
          const current = answer.token === session.tokens.current();
          if (current) session.tokens.inUse = answer.token;
          if (!this.#pollingConnected) {
            this.#pollingConnected = true;
            session.connected('polling');
            this.#scheduleProbe();
          }
          if (answer.epoch !== undefined) host.adoptPosition({ seq: null, epoch: answer.epoch });
          if (resync) host.resync({ reason: resync.reason, position: { seq: resync.lastSeq, epoch: null } });
          if (events.length !== 0) host.deliverMany(events);
          host.adoptPosition({ seq: lastSeq, epoch: null });
          if (current && answer.tokenExpiresAt !== undefined && !session.rotation.planned) {
            session.rotation.schedule(answer.tokenExpiresAt, answer.serverTime);
          }
          session.rotation.rotateIfDue();
        },
        invalid: (message, raw) => host.report('invalid_frame', message, raw),
        failed: (error) => {
          if (poller === this.#poller) this.#onPollFailed(error);
        },
      },
    });
    this.#poller = poller;
    poller.start();
  }

  #onPollFailed(error: RealtimePollError): void {
    const session = this.#session;
    const pollingWorked = this.#pollingConnected;
    this.#poller = null;
    this.#pollingConnected = false;
    // Polling that never got through proves nothing (the server may be down, or have no poll
    // endpoint): go back to the top. Polling that worked stays the transport to retry, and so
    // does polling refused for auth, which is about the token, not the transport.
    if (!pollingWorked && error.status !== 401) {
      this.#tier = 0;
      this.#failures = 0;
    }
    session.lost();
    this.#stopCandidate('polling stopped');
    this.#host.report('poll_failed', error.message, error);
    if (error.status === 401) {
      if (error.tokenExpired) session.rotation.recoverExpired(null);
      else session.stop('unauthorized', null);
      return;
    }
    session.retryLater('network', null);
  }

  /** Opens `transport` beside the live one to move to a fresh token; it takes over once ready. */
  renew(transport: Transport): void {
    this.#stopCandidate('replaced');
    this.#candidate = { transport, role: 'renew' };
  }

  #scheduleProbe(): void {
    this.#cancelProbe();
    this.#cancelProbe = schedule(
      this.#host.clock,
      () => {
        this.#toProbe = this.#tiers.slice(0, this.#tier);
        this.#probeNext();
      },
      (this.#host.config.polling ?? DEFAULT_POLLING_FALLBACK_OPTIONS).probeIntervalMs,
    );
  }

  #probeNext(): void {
    const token = this.#session.tokens.current();
    const kind = this.#toProbe.shift();
    if (this.#tier === 0 || this.#candidate !== null || token === null) return;
    if (kind === undefined || kind === 'polling') {
      this.#scheduleProbe();
      return;
    }
    // Still on the fallback only if it is still running.
    if (this.#poller === null && this.#session.transport === null) return;
    this.#candidate = { transport: this.#session.open(kind, token, 'probe'), role: 'probe' };
  }

  onCandidateReady(transport: Transport, ready: ProtocolReady, token: string): void {
    if (transport !== this.#candidate?.transport) return;
    // The new connection resumed from the position it was opened with; the host drops the overlap
    // with what the old one delivered meanwhile, so the switch has neither a gap nor a duplicate.
    this.#candidate = null;
    this.#cancelProbe();
    this.#poller?.stop();
    this.#poller = null;
    this.#pollingConnected = false;
    const old = this.#session.transport;
    this.#session.transport = transport;
    old?.close(1000, 'switched');
    this.#session.onReady(transport, ready, token);
  }

  onCandidateClosed(transport: Transport, info: TransportClosed): void {
    const candidate = this.#candidate;
    if (transport !== candidate?.transport) return;
    this.#candidate = null;
    if (candidate.role === 'renew') {
      // The live connection keeps its token until it expires; the expiry path takes over then.
      if (!info.reachedReady) this.#session.rotation.refused(`the connection with a fresh token was refused (${info.code})`, info);
      return;
    }
    this.#probeNext();
  }

  /** The live transport went down: a probe or renewal opened beside it has nothing left to replace. */
  liveLost(): void {
    this.#stopCandidate('connection lost');
  }

  /** Stops polling and any probe (the session ends). */
  end(): void {
    this.#poller?.stop();
    this.#poller = null;
    this.#pollingConnected = false;
    this.#stopCandidate('client disconnect');
  }

  #stopCandidate(reason: string): void {
    this.#cancelProbe();
    this.#candidate?.transport.close(1000, reason);
    this.#candidate = null;
    this.#toProbe = [];
  }
}

function noop(): void {}
