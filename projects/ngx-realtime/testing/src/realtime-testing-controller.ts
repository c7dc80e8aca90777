import { Injectable, inject } from '@angular/core';
import type { ServerFrame, WelcomeFrame } from 'ngx-realtime';
import { FakeNetworkStatus } from './fake-network-status';
import { FakeRealtimeBackend, type TestConnection, type TestFrame, type TestPoll } from './fake-realtime-backend';
import { FakeRealtimeClock } from './fake-realtime-clock';
import type { TestStream } from './test-stream';

/**
 * Picks a connection or poll by URL substring or predicate.
 *
 * @example
 * ```ts
 * controller.expectConnection('lastSeq=41');
 * controller.expectPoll((poll) => poll.since === 41);
 * ```
 */
export type TestMatch<T> = string | ((candidate: T) => boolean);

/**
 * Plays the server for specs, like `HttpTestingController` does for HTTP: the real
 * `WebSocketService` (deduplication, state machine, backoff, fallback) runs on top of it.
 *
 * @example
 * ```ts
 * TestBed.configureTestingModule({
 *   providers: [provideZonelessChangeDetection(), provideRealtime({ url: '/ws/events' }), provideRealtimeTesting()],
 * });
 * const realtime = TestBed.inject(WebSocketService);
 * const controller = TestBed.inject(RealtimeTestingController);
 * realtime.connect('token');
 * controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1' });
 * controller.verify();
 * ```
 */
@Injectable()
export class RealtimeTestingController {
  /** The fake clock every SDK timer runs on; advance it with {@link tick}. */
  readonly clock = inject(FakeRealtimeClock);
  /** The fake network: go offline, come back, make the tab visible. */
  readonly network = inject(FakeNetworkStatus);
  /** The fake transport, for inspection (`connections`, `polls`, `openSockets`). */
  readonly backend = inject(FakeRealtimeBackend);
  private readonly claimedConnections = new Set<TestConnection>();
  private readonly claimedPolls = new Set<TestPoll>();
  private readonly claimedStreams = new Set<TestStream>();

  /**
   * Shortcuts that drive the connection state as a server would.
   *
   * @example
   * ```ts
   * controller.connection.open();              // status 'connected'
   * controller.connection.drop();              // status 'reconnecting'
   * controller.connection.close(4003);         // status 'disconnected', reason 'unauthorized'
   * ```
   */
  readonly connection = {
    /** Opens the socket the SDK is waiting on (expected or not yet) and sends `welcome`. */
    open: (welcome: Partial<WelcomeFrame> = {}): TestConnection => {
      const waiting = this.backend.connections.filter((c) => c.state === 'connecting');
      const target = waiting.find((c) => !this.claimedConnections.has(c)) ?? waiting.at(-1);
      if (!target) {
        throw new Error(`ngx-realtime/testing: connection.open() found no socket waiting to be opened.${this.hint()}`);
      }
      this.claimedConnections.add(target);
      return target.open(welcome);
    },
    /** Cuts the newest socket (1006). */
    drop: (): void => this.live('drop()').drop(),
    /** The server closes the newest socket (open or still connecting). */
    close: (code: number, reason?: string): void => this.live(`close(${code})`).close(code, reason),
    /** The newest socket that is not closed, if any. */
    current: (): TestConnection | null => this.backend.connections.filter((c) => c.state !== 'closed').at(-1) ?? null,
  };

  /** Sockets neither side has closed. */
  get openSockets(): number {
    return this.backend.openSockets;
  }

  /** Advances the fake clock by `ms`, firing due timers (retries, pings, probes) in order. */
  tick(ms: number): void {
    this.clock.tick(ms);
  }

  /**
   * Expects the SDK to have opened exactly one socket not yet expected (matching `match`, if given),
   * and returns it. Throws otherwise, saying what it found.
   */
  expectConnection(match?: TestMatch<TestConnection>): TestConnection {
    const found = this.unclaimedConnections(match);
    if (found.length !== 1) {
      throw new Error(
        `ngx-realtime/testing: expected one new WebSocket connection${describe(match)}, found ${found.length}.` +
          (found.length === 0 ? this.hint() : ` URLs: ${found.map((c) => c.url).join(', ')}`),
      );
    }
    this.claimedConnections.add(found[0]);
    return found[0];
  }

  /** Expects that the SDK opened no socket that was not yet expected. */
  expectNoConnection(match?: TestMatch<TestConnection>): void {
    const found = this.unclaimedConnections(match);
    if (found.length > 0) {
      throw new Error(`ngx-realtime/testing: expected no new WebSocket connection${describe(match)}, found ${found.length}: ${found.map((c) => c.url).join(', ')}`);
    }
  }

  /** Expects the SDK to have opened exactly one Server-Sent Events stream not yet expected, and returns it. */
  expectStream(match?: TestMatch<TestStream>): TestStream {
    const found = this.unclaimedStreams(match);
    if (found.length !== 1) {
      throw new Error(
        `ngx-realtime/testing: expected one new Server-Sent Events stream${describe(match)}, found ${found.length}.` +
          (found.length === 0 ? this.hint() + FALLBACK_HINT : ` URLs: ${found.map((s) => s.url).join(', ')}`),
      );
    }
    this.claimedStreams.add(found[0]);
    return found[0];
  }

  /** Expects that the SDK opened no stream that was not yet expected. */
  expectNoStream(match?: TestMatch<TestStream>): void {
    const found = this.unclaimedStreams(match);
    if (found.length > 0) {
      throw new Error(`ngx-realtime/testing: expected no new Server-Sent Events stream${describe(match)}, found ${found.length}: ${found.map((s) => s.url).join(', ')}`);
    }
  }

  /** Expects exactly one pending long poll not yet expected, and returns it. */
  expectPoll(match?: TestMatch<TestPoll>): TestPoll {
    const found = this.unclaimedPolls(match);
    if (found.length !== 1) {
      throw new Error(
        `ngx-realtime/testing: expected one pending long poll${describe(match)}, found ${found.length}.` +
          (found.length === 0 ? this.hint() + FALLBACK_HINT : ''),
      );
    }
    this.claimedPolls.add(found[0]);
    return found[0];
  }

  /** Expects that no long poll is pending unexpected. */
  expectNoPoll(match?: TestMatch<TestPoll>): void {
    const found = this.unclaimedPolls(match);
    if (found.length > 0) {
      throw new Error(`ngx-realtime/testing: expected no pending long poll${describe(match)}, found ${found.length} (since=${found.map((p) => p.since).join(', ')}).`);
    }
  }

  /**
   * Sends an event (or frame) to the SDK on the live socket. When the SDK is still connecting, opens
   * its socket first (with `welcome`), so a component spec can just `connect()` and `emit()`.
   */
  emit(frame: TestFrame): ServerFrame {
    const welcomed = this.backend.connections.filter((c) => c.state === 'open' && c.welcomeSent).at(-1);
    if (welcomed) return welcomed.emit(frame);
    return this.connection.open().emit(frame);
  }

  /**
   * Throws if the SDK opened a socket or started a poll that the spec never expected (and that is
   * still live). Call it in `afterEach`.
   */
  verify(): void {
    const sockets = this.unclaimedConnections();
    const streams = this.unclaimedStreams();
    const polls = this.unclaimedPolls();
    if (sockets.length === 0 && streams.length === 0 && polls.length === 0) return;
    const lines = [
      ...sockets.map((c) => `  WebSocket ${c.url} (${c.state})`),
      ...streams.map((s) => `  stream ${s.url} (${s.state})`),
      ...polls.map((p) => `  poll ${p.url} since=${p.since}`),
    ];
    throw new Error(`ngx-realtime/testing: ${lines.length} unexpected connection(s) or poll(s) left open:\n${lines.join('\n')}`);
  }

  private unclaimedConnections(match?: TestMatch<TestConnection>): TestConnection[] {
    return this.backend.connections.filter(
      (c) => !this.claimedConnections.has(c) && c.state !== 'closed' && matches(c, c.url, match),
    );
  }

  private unclaimedStreams(match?: TestMatch<TestStream>): TestStream[] {
    return this.backend.streams.filter((s) => !this.claimedStreams.has(s) && s.state !== 'closed' && matches(s, s.url, match));
  }

  private unclaimedPolls(match?: TestMatch<TestPoll>): TestPoll[] {
    return this.backend.polls.filter(
      (p) => !this.claimedPolls.has(p) && !p.answered && !p.cancelled && matches(p, p.url, match),
    );
  }

  private live(call: string): TestConnection {
    const current = this.connection.current();
    if (!current) {
      throw new Error(`ngx-realtime/testing: connection.${call} needs a socket that is not closed, but there is none.${this.hint()}`);
    }
    this.claimedConnections.add(current);
    return current;
  }

  private hint(): string {
    const next = this.clock.nextTimerInMs();
    const timer = next === null ? '' : ` A timer is due in ${next} ms: call controller.tick(${next}).`;
    return ` Did the code under test call WebSocketService.connect()?${timer}`;
  }
}

/** Streams and polls come from the fallback transports, which load on first need. */
const FALLBACK_HINT =
  ' The fallback transports load with a dynamic import the first time they are needed: a spec that falls back should ' +
  'await preloadRealtimeFallbacks() (from ngx-realtime) in a beforeAll.';

function matches<T>(candidate: T, url: string, match: TestMatch<T> | undefined): boolean {
  if (match === undefined) return true;
  return typeof match === 'string' ? url.includes(match) : match(candidate);
}

function describe(match: unknown): string {
  if (match === undefined) return '';
  return typeof match === 'string' ? ` matching "${match}"` : ' matching the predicate';
}
