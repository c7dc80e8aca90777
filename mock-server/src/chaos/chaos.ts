import type { CdcHub } from '../compat/cdc-hub';
import type { ConnectionHub } from '../realtime/connection-hub';
import type { LongPolls } from '../realtime/long-poll';
import type { Socket } from '../realtime/socket-data';

/**
 * `GET /__chaos/counters`: requests since start, so a test can tell how hard a client tried (every
 * request to `/ws/events` and to `/events/stream`, accepted or refused, and every `/events/poll`;
 * CORS preflights excluded).
 *
 * @example
 * ```ts
 * const { upgradeAttempts } = (await (await fetch(`${url}/__chaos/counters`)).json()) as ChaosCounters;
 * ```
 */
export interface ChaosCounters {
  upgradeAttempts: number;
  polls: number;
  sseStreams: number;
}

/** The paths whose requests are counted, and the counter each one adds to. */
const COUNTED: Readonly<Record<string, keyof ChaosCounters>> = {
  '/ws/events': 'upgradeAttempts',
  '/events/poll': 'polls',
  '/events/stream': 'sseStreams',
};

/** With `--compat apexstore-2.2`, ApexStore's own stream counts with the other event streams. */
const COUNTED_WITH_CDC: Readonly<Record<string, keyof ChaosCounters>> = { ...COUNTED, '/events': 'sseStreams' };

/**
 * What chaos acts on: the connections it stalls and drops, the polls it freezes, and what a socket
 * needs when a stall ends.
 *
 * @example
 * ```ts
 * const chaos = new Chaos({ hub, polls, thaw: ws.thaw, cdc: null });
 * ```
 */
export interface ChaosParts {
  hub: Pick<ConnectionHub, 'hold' | 'release' | 'terminateAll' | 'all'>;
  polls: Pick<LongPolls, 'freeze'>;
  thaw(ws: Socket): void;
  /** ApexStore's change-stream clients (`--compat apexstore-2.2`), stalled and dropped with the rest; null without. */
  cdc: Pick<CdcHub, 'hold' | 'release' | 'terminateAll'> | null;
}

/**
 * Every chaos state of one server in one place: the switches, the request counters and the stall.
 * The `/__chaos/*` routes change it; the request handling reads it (it is there with or without
 * `--chaos`, then simply never switched).
 *
 * @example
 * ```ts
 * chaos.stall(3000);       // sockets and parked polls hear nothing for 3 s
 * await chaos.whenThawed(); // a poll arriving meanwhile waits for the end
 * ```
 */
export class Chaos {
  /** While true, `/ws/events` upgrades answer 503. */
  blockWebsocket = false;
  /** While true, `/events/stream` answers 503. */
  blockSse = false;
  readonly counters: ChaosCounters = { upgradeAttempts: 0, polls: 0, sseStreams: 0 };
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly thawWaiters: Array<() => void> = [];
  private readonly counted: Readonly<Record<string, keyof ChaosCounters>>;

  constructor(private readonly parts: ChaosParts) {
    this.counted = parts.cdc ? COUNTED_WITH_CDC : COUNTED;
  }

  /** Counts a request by its path, before anything can refuse it, so a test sees every attempt. */
  countRequest(pathname: string): void {
    const counter = this.counted[pathname];
    if (counter) this.counters[counter]++;
  }

  /** Cuts every connection (sockets and SSE streams, of both protocols) without a close frame; returns how many there were. */
  drop(): number {
    const dropped = this.parts.hub.all.size;
    this.parts.hub.terminateAll();
    return dropped + (this.parts.cdc?.terminateAll() ?? 0);
  }

  /**
   * A half-open link for `ms`: the connections open now get nothing and have their frames left
   * unanswered, parked polls get no answer. Everything held flows again when it ends.
   */
  stall(ms: number): void {
    this.parts.hub.hold();
    this.parts.cdc?.hold();
    this.parts.polls.freeze(ms);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => this.endStall(), ms);
  }

  get stalled(): boolean {
    return this.stallTimer !== null;
  }

  /** Resolves when the current stall ends (at once when there is none). */
  whenThawed(): Promise<void> {
    if (!this.stalled) return Promise.resolve();
    return new Promise((resolve) => this.thawWaiters.push(resolve));
  }

  /** Ends a stall now (also on shutdown): held frames flow out, held client frames are processed. */
  endStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    for (const resolve of this.thawWaiters.splice(0)) resolve();
    this.parts.hub.release(this.parts.thaw);
    this.parts.cdc?.release();
  }
}
