import { RealtimeClock, schedule } from '../platform/clock';
import { resolveToken, type TokenProvider } from './token-provider';

/**
 * Where a session's tokens come from: one fixed token (`connect('apx_...')`), a provider asked for
 * each connection (`connect(() => ...)`), or the stream given to `withAuth()`.
 *
 * @example
 * ```ts
 * const credentials: Credentials = { kind: 'provider', provider: () => auth.freshToken() };
 * ```
 */
export type Credentials =
  | { kind: 'static'; token: string }
  | { kind: 'provider'; provider: TokenProvider }
  | { kind: 'source'; first: string };

/**
 * What a {@link SessionToken} needs besides its credentials.
 *
 * @example
 * ```ts
 * new SessionToken(credentials, { clock, refresh: null, tokenWaitMs: 15_000, run: (fn) => fn(), report: console.error });
 * ```
 */
export interface SessionTokenOptions {
  clock: RealtimeClock;
  /** `withAuth(source, {refresh})`: asked when the source has nothing newer. */
  refresh: TokenProvider | null;
  /** How long to wait for the source after an expiry that `refresh` could not cover. */
  tokenWaitMs: number;
  /** Runs `refresh` in the app's injection context. */
  run: <T>(fn: () => T) => T;
  /** Told when `refresh` fails. */
  report: (error: unknown) => void;
}

/**
 * The tokens of one connection session: which one is in use, which is newest, and how to get a
 * fresh one ahead of an expiry or after it. It opens nothing and knows nothing about sockets.
 *
 * @example
 * ```ts
 * const tokens = new SessionToken({ kind: 'source', first: 't1' }, options);
 * tokens.forAttempt((token) => open(token), (error) => report(error));
 * tokens.fresh(false, (token) => rotateTo(token), () => undefined);
 * ```
 */
export class SessionToken {
  /** The token the live connection (or the last attempt) authenticated with. */
  inUse: string | null = null;
  /** With `withAuth`: the newest token known, from the source or from `refresh`. */
  #offered: string | null;
  /** A fresh token obtained for an expiry, used by the next attempt instead of asking again. */
  #preset: string | null = null;
  #waiter: ((token: string) => void) | null = null;
  #cancelPending: () => void = noop;

  readonly #options: SessionTokenOptions;

  constructor(
    readonly credentials: Credentials,
    options: SessionTokenOptions,
  ) {
    this.#options = options;
    this.#offered = credentials.kind === 'source' ? credentials.first : null;
  }

  /** The newest token this session knows, for requests that carry it each time (long polling). */
  current(): string | null {
    if (this.credentials.kind === 'static') return this.credentials.token;
    return this.#offered ?? this.inUse;
  }

  /**
   * The token for a new connection attempt: a preset fresh one, else the newest from the source,
   * else the provider's answer. Calls back synchronously when it can.
   */
  forAttempt(onToken: (token: string) => void, onError: (error: unknown) => void): void {
    this.cancel();
    const use = (token: string) => {
      this.inUse = token;
      onToken(token);
    };
    const preset = this.#preset;
    this.#preset = null;
    if (preset !== null) return use(preset);
    const c = this.credentials;
    if (c.kind === 'static') return use(c.token);
    if (c.kind === 'source') return use(this.#offered ?? c.first);
    this.#cancelPending = resolveToken(c.provider, use, onError);
  }

  /**
   * A token other than the one in use. `forExpiry` is for after an expiry: the provider is asked
   * once, the source may be waited for up to `tokenWaitMs`, and the token becomes the next attempt's.
   * Ahead of an expiry nothing is waited for: a token the source emits later arrives by {@link offer}.
   * `onNone` gets the provider's error when there was one.
   */
  fresh(forExpiry: boolean, onToken: (token: string) => void, onNone: (error?: unknown) => void): void {
    this.cancel();
    const accept = (token: string) => {
      if (token === this.inUse) return onNone();
      if (forExpiry) this.#preset = token;
      // What `refresh` gave is the newest token now, ahead of what the source emitted before it.
      if (this.credentials.kind === 'source') this.#offered = token;
      onToken(token);
    };
    const c = this.credentials;
    if (c.kind === 'static') return onNone();
    if (c.kind === 'provider') {
      this.#cancelPending = resolveToken(c.provider, accept, onNone);
      return;
    }
    if (this.#offered !== null && this.#offered !== this.inUse) return accept(this.#offered);
    const refresh = this.#options.refresh;
    const wait = () => {
      if (!forExpiry) return onNone();
      this.#waiter = accept;
      this.#cancelPending = schedule(this.#options.clock, () => {
        this.#waiter = null;
        onNone();
      }, this.#options.tokenWaitMs);
    };
    if (refresh === null) return wait();
    this.#cancelPending = resolveToken(
      () => this.#options.run(refresh),
      (token) => (token === this.inUse ? wait() : accept(token)),
      (error) => {
        // The app may still be refreshing on its own: after an expiry its source gets its chance.
        this.#options.report(error);
        wait();
      },
    );
  }

  /**
   * The `withAuth` source emitted a token. Returns `true` when a {@link fresh} call was waiting
   * for it (and now has it).
   */
  offer(token: string): boolean {
    this.#offered = token;
    const waiter = this.#waiter;
    if (waiter === null) return false;
    this.#waiter = null;
    this.#cancelPending();
    this.#cancelPending = noop;
    waiter(token);
    return true;
  }

  /** Drops every pending provider answer and wait. */
  cancel(): void {
    this.#waiter = null;
    this.#cancelPending();
    this.#cancelPending = noop;
  }
}

function noop(): void {}
