import { Injectable } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { FakeRealtimeClock, type RealtimeTestingController, type TestConnection, type TestEvent } from 'ngx-realtime/testing';
import type { TimerHandle } from '../platform/clock';
import { flushMicrotasks, put, setup } from './websocket-service-test-bed.spec';

/*
 * Rotation with a TokenProvider and tokens of a few seconds, on the fake clock, against a model of
 * the mock server run with `--token-ttl 3`. What the model keeps from the real one: a token's life
 * starts when the provider's login issues it, not when the socket presents it; `auth` frames are
 * answered a millisecond after they were sent, with that token's own expiry; the socket is closed
 * with 4004 the millisecond its token runs out; a reconnecting client is replayed what it missed.
 */

const TTL_MS = 3_000;
const MINUTE = 60_000;
const PING_EVERY_MS = 15_000;
const WRITE_EVERY_MS = 700;

/**
 * Timers as a browser runs them: `setTimeout` takes whole milliseconds (its delay is a WebIDL
 * `long`), so a timer asked for 1496.5 ms fires at 1496, while `Date.now()` is whole milliseconds
 * too. The plain fake clock fires at the fraction and would hide what that does to a deadline.
 */
@Injectable()
class WholeMillisecondClock extends FakeRealtimeClock {
  override setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return super.setTimeout(callback, Math.trunc(delayMs));
  }
}

/** The mock server's side: logins, the live socket's token, the event log, pings and writes. */
class ShortTokenServer {
  /** When each issued token expires. */
  readonly expiries = new Map<string, number>();
  /** What was written, in seq order; a reconnecting client is replayed what it has not seen. */
  readonly log: TestEvent[] = [];
  logins = 0;
  rotations = 0;
  expiryCloses = 0;
  #answered = false;
  #connection: TestConnection | null = null;
  #expiresAt = 0;
  #seen = 0;
  #arrived = 0;
  readonly #start: number;

  constructor(private readonly controller: RealtimeTestingController) {
    this.#start = controller.clock.now();
  }

  /**
   * `POST /auth/login`, answered after `latencyMs` like a real request: the token is issued (its
   * 3 s start) halfway through, and reaches the app a while later.
   */
  login(latencyMs: number): Promise<string> {
    const clock = this.controller.clock;
    return new Promise((resolve) => {
      clock.setTimeout(() => {
        const token = `token-${++this.logins}`;
        this.expiries.set(token, clock.now() + TTL_MS);
        clock.setTimeout(() => {
          this.#answered = true;
          resolve(token);
        }, latencyMs - Math.floor(latencyMs / 2));
      }, Math.floor(latencyMs / 2));
    });
  }

  /** Runs the clock for `durationMs`, a millisecond at a time, the server acting after each. */
  async run(durationMs: number): Promise<void> {
    const clock = this.controller.clock;
    const end = clock.now() + durationMs;
    while (clock.now() < end) {
      this.controller.tick(1);
      // A login answered: its promise settles, and the SDK acts on the token, before the server looks again.
      if (this.#answered) {
        this.#answered = false;
        await flushMicrotasks();
      }
      this.#step(clock.now() - this.#start);
    }
  }

  #step(elapsed: number): void {
    const now = this.controller.clock.now();
    const live = this.controller.connection.current();
    if (live !== this.#connection && live?.state === 'connecting') this.#accept(live, now);
    const connection = this.#connection;
    if (connection?.state === 'open') {
      this.#answerAuthFrames(connection, now);
      if (now >= this.#expiresAt) {
        this.expiryCloses++;
        connection.close(4004, 'Token has expired');
      } else if (elapsed % PING_EVERY_MS === 0) {
        connection.ping();
      }
    }
    if (elapsed % WRITE_EVERY_MS === 0) {
      const event = put(`k${this.log.length + 1}`, 'v', this.log.length + 1);
      this.log.push(event);
      if (this.#connection?.state === 'open') this.#connection.emit(event);
    }
  }

  /** The upgrade: the token in the URL must still be alive; `welcome`, then what the client missed. */
  #accept(connection: TestConnection, now: number): void {
    this.#connection = connection;
    this.#seen = this.#arrived = 0;
    const expiresAt = this.expiries.get(connection.params.get('token') ?? '');
    if (expiresAt === undefined || expiresAt <= now) {
      connection.close(4004, 'Token has expired');
      return;
    }
    this.#expiresAt = expiresAt;
    connection.open({ tokenExpiresAt: expiresAt, serverTime: now, lastSeq: this.log.length });
    const from = Number(connection.params.get('lastSeq') ?? this.log.length);
    for (const event of this.log.slice(from)) connection.emit(event);
  }

  /** Answers the `auth` frames that arrived before this millisecond, in order, each with its own token's expiry. */
  #answerAuthFrames(connection: TestConnection, now: number): void {
    for (; this.#seen < this.#arrived; this.#seen++) {
      const frame = connection.sent[this.#seen]!;
      if (frame.type !== 'auth') continue;
      const expiresAt = this.expiries.get(frame.token);
      if (expiresAt === undefined || expiresAt <= now) {
        connection.authFailed('Token has expired; the connection keeps its current token');
        continue;
      }
      this.rotations++;
      this.#expiresAt = expiresAt;
      connection.authOk(expiresAt);
    }
    this.#arrived = connection.sent.length;
  }
}

describe('WebSocketService rotating short tokens from a TokenProvider', () => {
  afterEach(() => TestBed.resetTestingModule());

  /** Connects with a provider that logs in each time it is asked, taking `latencyMs(call, connected)`. */
  function start(latencyMs: (call: number, connected: boolean) => number) {
    const bed = setup({ providers: [{ provide: FakeRealtimeClock, useClass: WholeMillisecondClock }] });
    const server = new ShortTokenServer(bed.controller);
    let calls = 0;
    bed.service.connect(() => server.login(latencyMs(++calls, bed.service.connectionState().status === 'connected')));
    return { ...bed, server, calls: () => calls };
  }

  /** Everything written arrived exactly once, in order, and the stream never needed a resync. */
  function expectEveryEventOnce(bed: ReturnType<typeof start>): void {
    expect(bed.server.log.length).toBeGreaterThan(0);
    expect(bed.seqs()).toEqual(bed.server.log.map((_, i) => i + 1));
    expect(bed.resyncs).toEqual([]);
  }

  it('3 s tokens from a login that answers in 5 to 41 ms, through ten minutes: every expiry rotated on the open socket, nothing missed', async () => {
    // Latencies of both parities: the remaining life the server announces is then odd or even, and
    // half of an odd one is a fraction of a millisecond.
    const latencies = [12, 7, 30, 5, 18, 41, 9];
    const bed = start((call) => latencies[call % latencies.length]!);
    await bed.server.run(10 * MINUTE);

    expect(bed.server.expiryCloses).toBe(0);
    expect(bed.controller.backend.connections.length).toBe(1);
    const fromConnected = bed.states.slice(bed.states.findIndex((s) => s.status === 'connected'));
    expect(fromConnected.every((s) => s.status === 'connected')).toBeTrue();
    // One rotation per half life (1.5 s): about 400 in ten minutes, each a login of its own.
    expect(bed.server.rotations).toBeGreaterThanOrEqual(390);
    expect(bed.calls()).toBe(bed.server.rotations + 1);
    expectEveryEventOnce(bed);
    expect(bed.errors).toEqual([]);
    bed.service.disconnect();
  });

  it('a login slower than the rest of a token’s life costs that one expiry: the session reconnects once, then rotates again on the open socket', async () => {
    // The first rotation's login answers after the token expired; the recovery asks again at once.
    let slow = true;
    const bed = start((_call, connected) => {
      const first = connected && slow;
      if (first) slow = false;
      return first ? 2_500 : 10;
    });
    await bed.server.run(MINUTE);

    expect(bed.server.expiryCloses).toBe(1);
    expect(bed.controller.backend.connections.length).toBe(2);
    const left = bed.states.filter((s, i) => i > 0 && bed.states[i - 1]!.status === 'connected' && s.status !== 'connected');
    expect(left.map((s) => s.reason)).toEqual(['token_expired']);
    expect(bed.service.connectionState().status).toBe('connected');
    expect(bed.server.rotations).toBeGreaterThanOrEqual(35);
    expectEveryEventOnce(bed);
    bed.service.disconnect();
  });
});
