import type { Subscription } from 'rxjs';
import { isSequencedEvent, isEpoch } from '../protocol/frame-validation';
import type { PollResponse, ResyncFrame, SequencedEvent } from '../protocol/protocol';
import type { PollRequest, RealtimeIo } from './backend-io';
import { RealtimePollError } from './realtime-poll-error';

/**
 * What a {@link PollingTransport} reports to its owner.
 *
 * @example
 * ```ts
 * const handlers: PollingTransportHandlers = { response: deliver, invalid: report, failed: retryLater };
 * ```
 */
export interface PollingTransportHandlers {
  /**
   * A poll answered: the valid events in order, the server's position, and the token the request
   * carried with its expiry as the server reported it. Called for every answer.
   */
  response(events: SequencedEvent[], lastSeq: number, resync: ResyncFrame | null, session: PollSession): void;
  /** Events in an answer that failed validation. */
  invalid(message: string, raw: unknown): void;
  /** The loop stopped on an error; the owner decides about retrying. */
  failed(error: RealtimePollError): void;
}

/**
 * The token a poll carried, and what the server said about it.
 *
 * @example
 * ```ts
 * response: (events, lastSeq, resync, { token, tokenExpiresAt }) => rotateBefore(tokenExpiresAt)
 * ```
 */
export interface PollSession {
  token: string;
  tokenExpiresAt?: number;
  serverTime?: number;
  /** The server's epoch, when it says. */
  epoch?: string;
}

/**
 * Options of one {@link PollingTransport}.
 *
 * @example
 * ```ts
 * new PollingTransport({ backend, url, token: () => token, waitMs: 25_000, params: {}, since: () => lastSeq, handlers });
 * ```
 */
export interface PollingTransportOptions {
  backend: RealtimeIo;
  url: string;
  /** Read before every request, so a rotated token is used by the next poll. */
  token: () => string;
  waitMs: number;
  params: Record<string, string>;
  /** The position to poll from, read before every request so another transport's progress counts. */
  since: () => number | null;
  /** The epoch of `since`. */
  epoch?: () => string | null;
  handlers: PollingTransportHandlers;
}

/**
 * A long-polling loop: one request at a time, the next one as soon as the previous answered.
 * The first request does not wait, so the owner learns quickly whether polling works.
 *
 * @example
 * ```ts
 * const polling = new PollingTransport({ backend, url, token: () => token, waitMs: 25000, params: {}, since: () => seq.lastSeq, handlers });
 * polling.start();
 * polling.stop();
 * ```
 */
export class PollingTransport {
  #current: Subscription | null = null;
  #stopped = false;
  #first = true;

  readonly #options: PollingTransportOptions;

  constructor(options: PollingTransportOptions) {
    this.#options = options;
  }

  /** Sends the first request. Separate from construction so the owner holds the handle before any answer. */
  start(): void {
    this.#next();
  }

  /** Aborts the request in flight; no callback follows. */
  stop(): void {
    this.#stopped = true;
    this.#current?.unsubscribe();
    this.#current = null;
  }

  #next(): void {
    if (this.#stopped) return;
    const request: PollRequest = {
      url: this.#options.url,
      token: this.#options.token(),
      since: this.#options.since(),
      epoch: this.#options.epoch?.() ?? null,
      waitMs: this.#first ? 0 : this.#options.waitMs,
      params: this.#options.params,
    };
    this.#first = false;
    let answered = false;
    const subscription = this.#options.backend.poll(request).subscribe({
      next: (body) => {
        answered = true;
        this.#current = null;
        this.#handle(body, request.token);
        this.#next();
      },
      error: (error: unknown) => {
        this.#current = null;
        if (this.#stopped) return;
        this.#stopped = true;
        this.#options.handlers.failed(error instanceof RealtimePollError ? error : new RealtimePollError(0));
      },
    });
    // The backend may answer synchronously (tests); only keep a handle on a request still in flight.
    if (!answered && !this.#stopped && !subscription.closed) this.#current = subscription;
  }

  #handle(body: PollResponse, token: string): void {
    if (this.#stopped) return;
    const raw: unknown[] = Array.isArray(body?.events) ? body.events : [];
    const events: SequencedEvent[] = [];
    for (const item of raw) {
      if (isSequencedEvent(item)) events.push(item);
      else this.#options.handlers.invalid('poll response held an invalid event', item);
    }
    const lastSeq = typeof body?.lastSeq === 'number' ? body.lastSeq : (events.at(-1)?.seq ?? this.#options.since() ?? 0);
    const r = body?.resync;
    const resync: ResyncFrame | null =
      r && typeof r.lastSeq === 'number'
        ? { type: 'resync', reason: r.reason === 'epoch_changed' ? 'epoch_changed' : 'history_expired', lastSeq: r.lastSeq }
        : null;
    const session: PollSession = { token };
    if (isEpoch(body?.epoch)) session.epoch = body.epoch;
    if (typeof body?.tokenExpiresAt === 'number' && typeof body?.serverTime === 'number') {
      session.tokenExpiresAt = body.tokenExpiresAt;
      session.serverTime = body.serverTime;
    }
    this.#options.handlers.response(events, lastSeq, resync, session);
  }
}
