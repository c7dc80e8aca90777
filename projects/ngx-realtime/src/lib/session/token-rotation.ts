import { schedule } from '../platform/clock';
import type { SessionHost } from './session-host';
import type { SessionToken } from './session-token';
import { tokenRefreshDelayMs } from './token-refresh';
import type { Transport } from '../transport/transport';

/**
 * What a {@link TokenRotation} needs of the session it rotates tokens for.
 *
 * @example
 * ```ts
 * const rotation = new TokenRotation(session satisfies RotationOwner, host);
 * ```
 */
export interface RotationOwner {
  readonly ended: boolean;
  readonly tokens: SessionToken;
  readonly transport: Transport | null;
  readonly pollingActive: boolean;
  /** Moves the live connection to `token` by reconnecting beside it (protocols without rotation on the open connection). */
  renew(token: string): void;
  beginRefresh(): boolean;
  attempt(): void;
  stop(reason: 'unauthorized', closeCode: number | null): void;
}

/**
 * A session's tokens over time: rotated on the open connection ahead of each expiry the server
 * announces (an `auth` frame, or simply the next poll), and replaced after an expiry that happened
 * anyway (a laptop slept past it) before the session reconnects.
 *
 * @example
 * ```ts
 * rotation.schedule(welcome.tokenExpiresAt, welcome.serverTime);
 * rotation.rotateIfDue(); // on each server ping, in case a throttled timer is late
 * ```
 */
export class TokenRotation {
  readonly #session: RotationOwner;
  readonly #host: SessionHost;
  /** When to rotate the token in use (client clock), or `null` when unknown. */
  #rotateAt: number | null = null;
  #rotating = false;
  /** A token sent in an `auth` frame, waiting for `auth_ok`. */
  #rotationSent: string | null = null;
  #cancelRotation: () => void = noop;

  constructor(session: RotationOwner, host: SessionHost) {
    this.#session = session;
    this.#host = host;
  }

  /** Plans the next rotation from the token's remaining life, measured on the server's clock. */
  schedule(tokenExpiresAt: number | undefined, serverTime: number | undefined): void {
    if (tokenExpiresAt === undefined || serverTime === undefined) return;
    const clock = this.#host.clock;
    const delayMs = tokenRefreshDelayMs(tokenExpiresAt - serverTime);
    this.#cancelRotation();
    this.#rotateAt = clock.now() + delayMs;
    // The timer firing is what makes the rotation due. Judged again by `clock.now()` it could be
    // found a hair early (a browser runs `setTimeout` on whole milliseconds of its own clock, half
    // a 3 s token's life is often 1499.5 ms), and nothing would be left to try again before expiry.
    this.#cancelRotation = schedule(clock, () => this.#rotate(), delayMs);
  }

  /** Whether a rotation is planned or under way (a poll answer then does not plan another). */
  get planned(): boolean {
    return this.#rotateAt !== null || this.#rotating;
  }

  /**
   * Rotates if the planned time has passed: for a server ping or a poll answer, which arrive on time
   * where the rotation timer may not (a background tab's timers are throttled). One that comes
   * early changes nothing: the timer is still set.
   */
  rotateIfDue(): void {
    if (this.#rotateAt !== null && this.#host.clock.now() >= this.#rotateAt) this.#rotate();
  }

  #rotate(): void {
    if (this.#session.ended || this.#rotating || this.#rotateAt === null) return;
    this.#rotateAt = null;
    this.#cancelRotation();
    this.#rotating = true;
    this.#session.tokens.fresh(
      false,
      (token) => {
        if (this.#session.ended) return;
        this.#rotating = false;
        this.useToken(token);
      },
      (error) => {
        if (this.#session.ended) return;
        this.#rotating = false;
        if (error !== undefined) this.#host.report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        // Nothing fresher yet: a token the source emits later is used at once; otherwise the
        // server closes with 4004 at expiry and the recovery path asks again.
      },
    );
  }

  /**
   * Switches the live connection to `token`: a rotation frame where the protocol and transport
   * allow one, else a new connection opened beside the live one (no gap: it resumes where the old
   * one is), or simply the next poll.
   */
  useToken(token: string): void {
    if (token === this.#session.tokens.inUse || token === this.#rotationSent) return;
    const transport = this.#session.transport;
    if (transport?.reachedReady) {
      this.#rotationSent = token;
      const frame = transport.canSend ? this.#host.protocol.rotate(token) : null;
      if (frame !== null) transport.send(frame);
      else this.#session.renew(token);
    } else if (this.#session.pollingActive) {
      this.#session.tokens.inUse = token;
    }
    // Otherwise the connection is down or still connecting: the next attempt takes the newest token.
  }

  /**
   * The token expired before it was rotated (a laptop slept past it, a refresh failed). Get a
   * fresh one the way the credentials allow and reconnect; a second expiry in a row, or no fresh
   * token at all, is final.
   */
  recoverExpired(closeCode: number | null): void {
    if (!this.#session.beginRefresh()) {
      this.#session.stop('unauthorized', closeCode);
      return;
    }
    this.cancel();
    this.#host.dispatch({ type: 'token_expired', closeCode });
    this.#session.tokens.fresh(
      true,
      () => {
        if (!this.#session.ended) this.#session.attempt();
      },
      (error) => {
        if (this.#session.ended) return;
        if (error !== undefined) this.#host.report('token_provider_failed', 'the TokenProvider did not produce a token', error);
        this.#session.stop('unauthorized', closeCode);
      },
    );
  }

  /** The server took the token sent: it is the one in use until `tokenExpiresAt`. */
  accepted(tokenExpiresAt: number | undefined, serverTime: number | undefined): void {
    if (this.#rotationSent !== null) this.#session.tokens.inUse = this.#rotationSent;
    this.#rotationSent = null;
    this.schedule(tokenExpiresAt, serverTime);
  }

  /** A connection got ready with `token` (a renewal took over): nothing is waiting for an answer any more. */
  settled(token: string): void {
    if (this.#rotationSent === token) this.#rotationSent = null;
  }

  /** The server refused the token sent: the connection keeps its own until it expires, then recovery takes over. */
  refused(message: string, detail: unknown): void {
    this.#rotationSent = null;
    this.#host.report('token_rejected', message, detail);
  }

  /**
   * Forgets the planned rotation and drops the token it asked for and was not yet given: a rotation
   * belongs to the connection it was planned on. Left "under way" past that connection, it would
   * block every later rotation, since the next attempt or recovery asks for a token of its own,
   * which drops the rotation's answer, and nothing else would ever end it.
   */
  cancel(): void {
    if (this.#rotating) this.#session.tokens.cancel();
    this.#cancelRotation();
    this.#rotateAt = null;
    this.#rotating = false;
    this.#rotationSent = null;
  }
}

function noop(): void {}
