import { schedule } from '../platform/clock';
import type { SessionHost } from './session-host';
import type { SessionToken } from './session-token';
import type { TokenRotation } from './token-rotation';
import { PollingTransport } from '../transport/polling-transport';
import type { WelcomeFrame } from '../protocol/protocol';
import type { RealtimePollError } from '../transport/realtime-backend';
import { filterParams } from '../config/realtime-config';
import type { WebSocketTransport } from '../transport/websocket-transport';

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
  readonly urls: { socket: string; poll: string };
  socket: WebSocketTransport | null;
  connected(transport: 'websocket' | 'polling'): void;
  lost(): void;
  stop(reason: 'unauthorized', closeCode: number | null): void;
  retryLater(reason: 'network', closeCode: number | null): void;
  openSocket(token: string, role: 'main' | 'probe'): WebSocketTransport;
  onWelcome(transport: WebSocketTransport, frame: WelcomeFrame, token: string): void;
}

/**
 * A session's choice between the WebSocket and long polling, and the way back: after enough
 * WebSocket attempts that never reached `welcome` (or at once when the upgrade is refused) it long
 * polls, and while polling it tries a WebSocket every `probeIntervalMs`; the first probe that is
 * welcomed takes over.
 *
 * @example
 * ```ts
 * if (!info.reachedWelcome && transportSwitch.socketFailed(info.upgradeRefused === true)) session.attempt();
 * ```
 */
export class TransportSwitch {
  readonly #session: SwitchOwner;
  readonly #host: SessionHost;
  #mode: 'websocket' | 'polling' = 'websocket';
  #failedSocketAttempts = 0;
  #poller: PollingTransport | null = null;
  #pollingConnected = false;
  #probe: WebSocketTransport | null = null;
  #cancelProbe: () => void = noop;

  constructor(session: SwitchOwner, host: SessionHost) {
    this.#session = session;
    this.#host = host;
  }

  /** The next attempt long-polls. */
  get polling(): boolean {
    return this.#mode === 'polling';
  }

  /** A polling loop is running (so a rotated token is simply used by its next request). */
  get pollingActive(): boolean {
    return this.#poller !== null;
  }

  /** A WebSocket reached `welcome`: failures start over. */
  welcomed(): void {
    this.#failedSocketAttempts = 0;
  }

  /** A WebSocket attempt failed before `welcome`; returns whether to switch to polling now. */
  socketFailed(upgradeRefused: boolean): boolean {
    this.#failedSocketAttempts++;
    const polling = this.#host.config.polling;
    if (!polling || (!upgradeRefused && this.#failedSocketAttempts < polling.afterFailedAttempts)) return false;
    this.#mode = 'polling';
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
      waitMs: host.config.polling!.waitMs,
      params: filterParams(host.config),
      since: () => host.lastSeq(),
      epoch: () => host.epoch(),
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
          host.adoptEpoch(answer.epoch);
          if (resync) host.resync(resync);
          for (const event of events) host.deliver(event);
          host.advanceTo(lastSeq);
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
    // endpoint): go back to the WebSocket. Polling that worked stays the transport to retry, and so
    // does polling refused for auth, which is about the token, not the transport.
    if (!pollingWorked && error.status !== 401) {
      this.#mode = 'websocket';
      this.#failedSocketAttempts = 0;
    }
    session.lost();
    this.#stopProbe('polling stopped');
    this.#host.report('poll_failed', error.message, error);
    if (error.status === 401) {
      if (error.tokenExpired) session.rotation.recoverExpired(null);
      else session.stop('unauthorized', null);
      return;
    }
    session.retryLater('network', null);
  }

  #scheduleProbe(): void {
    this.#cancelProbe();
    this.#cancelProbe = schedule(
      this.#host.clock,
      () => {
        const token = this.#session.tokens.current();
        if (this.#mode !== 'polling' || !this.#poller || token === null) return;
        this.#probe = this.#session.openSocket(token, 'probe');
      },
      this.#host.config.polling!.probeIntervalMs,
    );
  }

  onProbeWelcome(transport: WebSocketTransport, frame: WelcomeFrame, token: string): void {
    if (transport !== this.#probe) return;
    // The socket resumes from the lastSeq it was opened with; the host drops the overlap with what
    // polling delivered meanwhile, so the switch has neither a gap nor a duplicate.
    this.#probe = null;
    this.#poller?.stop();
    this.#poller = null;
    this.#pollingConnected = false;
    this.#mode = 'websocket';
    this.#session.socket = transport;
    this.#session.onWelcome(transport, frame, token);
  }

  onProbeClosed(transport: WebSocketTransport): void {
    if (transport !== this.#probe) return;
    this.#probe = null;
    if (this.#mode === 'polling' && this.#poller) this.#scheduleProbe();
  }

  /** Stops polling and any probe (the session ends). */
  end(): void {
    this.#poller?.stop();
    this.#poller = null;
    this.#pollingConnected = false;
    this.#stopProbe('client disconnect');
  }

  #stopProbe(reason: string): void {
    this.#cancelProbe();
    this.#probe?.close(1000, reason);
    this.#probe = null;
  }
}

function noop(): void {}
