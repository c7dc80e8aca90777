import type { RealtimeClock, SequencedEvent, ServerFrame, WelcomeFrame } from 'ngx-realtime';
import type { TestEvent, TestFrame } from './test-frames';

/**
 * What a fake connection needs of the fake server behind it: its clock, the `welcome` it opens
 * with, and its sequence, which fills in what a spec's frames leave out.
 *
 * @example
 * ```ts
 * const server: FakeServer = TestBed.inject(FakeRealtimeBackend);
 * ```
 */
export interface FakeServer {
  readonly clock: RealtimeClock;
  welcome(connectionId: string, overrides: Partial<WelcomeFrame>): WelcomeFrame;
  complete(frame: TestFrame): ServerFrame;
}

/**
 * Where one fake connection is in its life, as a spec sees it.
 *
 * @example
 * ```ts
 * expect(controller.expectConnection().state).toBe('connecting');
 * ```
 */
export type FakeLinkState = 'connecting' | 'open' | 'closed';

/**
 * What a fake WebSocket ({@link TestConnection}) and a fake Server-Sent Events stream
 * ({@link TestStream}) share: the spec plays the server of one connection, which it accepts, opens
 * with `welcome`, then sends frames to, one by one or in a batch. Each subclass says how a frame
 * travels on its wire.
 *
 * @example
 * ```ts
 * connection.open({ lastSeq: 10 });
 * connection.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default' });
 * ```
 */
export abstract class FakeServerLink {
  /** @internal */
  protected status: FakeLinkState = 'connecting';
  #welcomed = false;

  /** @internal */
  protected constructor(
    protected readonly server: FakeServer,
    private readonly noun: 'connection' | 'stream',
  ) {}

  /** The URL the SDK opened, query included. */
  abstract readonly url: string;

  /** The query parameters of {@link url}. */
  get params(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  /** Where the connection is in its life. */
  get state(): FakeLinkState {
    return this.status;
  }

  /** Whether `welcome` has been sent. */
  get welcomeSent(): boolean {
    return this.#welcomed;
  }

  /** Answers the SDK without sending `welcome` yet (e.g. to check what it sent first). */
  accept(): this {
    this.assertState('connecting', 'accept()');
    this.status = 'open';
    this.accepted();
    return this;
  }

  /**
   * Answers (if not yet done) and sends `welcome`; unset fields get defaults, `lastSeq` being the
   * fake server's newest seq.
   */
  open(welcome: Partial<WelcomeFrame> = {}): this {
    if (this.status === 'connecting') this.accept();
    this.assertState('open', 'open()');
    const frame = this.server.welcome(this.connectionId(), welcome);
    this.#welcomed = true;
    this.send(JSON.stringify(frame));
    return this;
  }

  /** Sends an event (seq and timestamp filled in when missing) or a control frame; returns what was sent. */
  emit(frame: TestFrame): ServerFrame {
    this.assertState('open', 'emit()');
    const complete = this.server.complete(frame);
    this.send(JSON.stringify(complete), (complete as { seq?: number }).seq);
    return complete;
  }

  /**
   * Sends several events in one `batch` frame, as a server does for a client that announced
   * batching (seq and timestamp filled in when missing); returns the events sent.
   */
  emitBatch(events: TestEvent[]): SequencedEvent[] {
    this.assertState('open', 'emitBatch()');
    const complete = events.map((e) => this.server.complete(e) as SequencedEvent);
    this.send(JSON.stringify({ type: 'batch', events: complete }), complete.at(-1)?.seq);
    return complete;
  }

  /** @internal The SDK is told the connection is open. */
  protected abstract accepted(): void;
  /** @internal One frame's JSON on this wire; `seq` is the newest event's in it, if any. */
  protected abstract send(json: string, seq?: number): void;
  /** @internal The `connectionId` of this connection's `welcome`. */
  protected abstract connectionId(): string;

  /** @internal */
  protected assertState(expected: FakeLinkState, call: string): void {
    if (this.status !== expected) {
      throw new Error(`ngx-realtime/testing: ${call} needs a ${this.noun} that is ${expected}, but ${this.url} is ${this.status}.`);
    }
  }
}
