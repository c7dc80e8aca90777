import { signal, type Signal } from '@angular/core';
import { ConnectionSession } from '../session/connection-session';
import type { RealtimeSource } from '../session/realtime-source';
import type { SessionHost } from '../session/session-host';
import type { Credentials } from '../session/session-token';
import { sessionUrls } from '../session/session-urls';
import type { SharedSourceFactory } from '../tab-sharing/tab-share';

/**
 * The programmer error of using the service without `provideRealtime()`: the long text in
 * development builds, a short code in production builds.
 *
 * @example
 * ```ts
 * if (!config) throw new Error(NO_CONFIG);
 * ```
 */
export const NO_CONFIG = (typeof ngDevMode === 'undefined' || !!ngDevMode)
  ? 'ngx-realtime: no configuration found. Add provideRealtime({url: ...}) to your application providers.'
  : 'ngx-realtime: RT01';

/**
 * Which session runs for `WebSocketService`, from which credentials: the service's second job,
 * apart from its public streams. One session at a time; a new start ends the old one first, and a
 * token from the `withAuth()` source either starts a session or is offered to the running one.
 *
 * @example
 * ```ts
 * const connection = new RealtimeConnection(host, shared, () => document.baseURI);
 * connection.start({ kind: 'static', token: 't' });
 * connection.stop();
 * ```
 */
export class RealtimeConnection {
  /** The connection from start() until stop() or a final close; `null` when there is none. */
  #session: RealtimeSource | null = null;
  readonly #rooms = signal<readonly string[]>([]);
  /** The rooms this tab asked to be in, across sessions; the protocol (one with rooms) keeps the set's rules. */
  readonly rooms: Signal<readonly string[]> = this.#rooms.asReadonly();

  readonly #host: SessionHost;
  readonly #shared: SharedSourceFactory | null;
  readonly #baseUrl: () => string;

  constructor(host: SessionHost, shared: SharedSourceFactory | null, baseUrl: () => string) {
    this.#host = host;
    this.#shared = shared;
    this.#baseUrl = baseUrl;
  }

  /** Ends any running session, then starts one with `credentials`. */
  start(credentials: Credentials): void {
    this.end();
    const urls = sessionUrls(this.#host.config, this.#baseUrl());
    // Without withTabSharing(), or without Web Locks and BroadcastChannel, this tab connects alone.
    this.#session = this.#shared?.(this.#host, credentials, urls) ?? new ConnectionSession(this.#host, credentials, urls);
    this.#session.start();
  }

  /** Ends the session as the app asked: the state reads `disconnected` with reason `client`. */
  stop(): void {
    this.end();
    this.#host.dispatch({ type: 'stopped', reason: 'client', closeCode: null });
  }

  /** Ends the session, releasing its socket, timers and listeners; the state is left as it is. */
  end(): void {
    this.#session?.end();
    this.#session = null;
  }

  /**
   * `join()` or `leave()` of `rooms`: the set changes, and the live connection joins and leaves to
   * match. Throws an `ngx-realtime:` error on a protocol without rooms, or for an empty room name.
   */
  changeRooms(call: 'join' | 'leave', rooms: readonly string[]): void {
    const protocol = this.#host.protocol;
    if (!protocol.capabilities.rooms || !protocol.rooms) {
      // The messages are for development builds; production builds keep a short code.
      throw new Error(
        (typeof ngDevMode === 'undefined' || !!ngDevMode)
          ? `ngx-realtime: ${call}() needs a protocol with rooms, and the ${protocol.name} protocol has none. ` +
              'Use withProtocol() with one that has rooms (ignisProtocol()), or filter events with on(type, filter).'
          : 'ngx-realtime: RT03',
      );
    }
    this.#rooms.set(protocol.rooms.change(this.#rooms(), call, rooms));
    this.#session?.roomsChanged();
  }

  /** A value of the `withAuth()` source: `null` signs out, a token signs in or is offered to the session. */
  onAuthToken(token: string | null): void {
    const session = this.#session?.ended ? null : this.#session;
    if (token === null) {
      if (session) this.stop();
      return;
    }
    if (!session || session.credentials.kind !== 'source' || this.#host.state().status === 'disconnected') {
      if (!this.#host.config) throw new Error(NO_CONFIG);
      this.start({ kind: 'source', first: token });
      return;
    }
    // Already running: a recovery waiting for a token takes it; a live connection switches to it
    // on the open socket, without reconnecting.
    session.offerToken(token);
  }
}
