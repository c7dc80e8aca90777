import type { Credentials } from './session-token';

/**
 * Where the service's events come from, whether this tab connects itself or follows another.
 *
 * @example
 * ```ts
 * const source: RealtimeSource = new ConnectionSession(host, credentials, urls);
 * source.start();
 * ```
 */
export interface RealtimeSource {
  readonly ended: boolean;
  readonly credentials: Credentials;
  start(): void;
  end(): void;
  /** A newer token from the `withAuth` source. */
  offerToken(token: string): void;
  /** The rooms the app wants changed (`join()`/`leave()`): bring the live connection in line. */
  roomsChanged(): void;
}
