import { DEFAULT_POLLING_FALLBACK_OPTIONS } from '../config/realtime-config';
import type { TransportKind } from '../transport/transport-kind';
import type { SessionHost } from './session-host';

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
  const supported = host.protocol.capabilities.transports;
  const wanted = (host.config.transports ?? supported).filter((kind) => supported.includes(kind));
  return host.config.polling === null ? wanted.slice(0, 1) : wanted;
}

/**
 * Which transport a session's next attempt uses: the best one until enough attempts on it never
 * got ready (or at once when it was refused outright: a refused upgrade, a stream answered 404 or
 * 503), then the next, WebSocket -> Server-Sent Events -> long polling. Only this much of the
 * choice is in the initial code; running a fallback and probing back up (`TransportSwitch`) load
 * when the ladder first steps down.
 *
 * @example
 * ```ts
 * if (!info.reachedReady && ladder.failed(info.upgradeRefused === true)) session.attempt(); // on the next transport
 * ```
 */
export class TransportLadder {
  /** The transports to use, best first (never empty). */
  readonly tiers: TransportKind[];
  /** Where in {@link tiers} the next attempt is. */
  tier = 0;
  /** Attempts in a row on this tier that never got ready. */
  failures = 0;

  readonly #host: SessionHost;

  constructor(host: SessionHost) {
    this.#host = host;
    const tiers = transportTiers(host);
    this.tiers = tiers.length === 0 ? ['websocket'] : tiers;
  }

  /** The transport the next attempt uses. */
  get current(): TransportKind {
    return this.tiers[this.tier]!;
  }

  /** A transport got ready: failures start over. Returns whether it is a fallback (better ones are probed). */
  ready(kind: TransportKind): boolean {
    this.failures = 0;
    this.tier = Math.max(0, this.tiers.indexOf(kind));
    return this.tier > 0;
  }

  /** An attempt failed before it got ready; returns whether to move to the next transport now. */
  failed(refused: boolean): boolean {
    this.failures++;
    const options = this.#host.config.polling ?? DEFAULT_POLLING_FALLBACK_OPTIONS;
    if (this.tier + 1 >= this.tiers.length || (!refused && this.failures < options.afterFailedAttempts)) return false;
    this.tier++;
    this.failures = 0;
    return true;
  }

  /** Back to the best transport, as if nothing had failed. */
  reset(): void {
    this.tier = 0;
    this.failures = 0;
  }
}
