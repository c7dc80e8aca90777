import type { SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { EventDraft } from './event-log';

/**
 * Who hears about events once this instance has logged them: in seq order, with each event's JSON
 * (serialised once, for the log and the wire alike).
 *
 * @example
 * ```ts
 * const deliver: EventsListener = (events, texts) => hub.broadcastEvents(events, texts);
 * ```
 */
export type EventsListener = (events: readonly SequencedEvent[], texts: readonly string[]) => void;

/**
 * Where every change becomes an event: the engine gives drafts their seqs, applies them to the
 * store, logs them, and only then hands them to its {@link EventsListener}. One implementation per
 * engine (the embedded sqlite store alone, or Redis with a local replica).
 *
 * @example
 * ```ts
 * events.emit({ type: 'sync_event', status: 'started', details: {} });
 * const seq = await events.settled(); // X-Last-Seq of an answer that includes the write
 * ```
 */
export interface EventWriter {
  /** Emits without waiting; a failure (Redis down) surfaces through {@link settled}. */
  emit(draft: EventDraft): void;
  emitMany(drafts: readonly EventDraft[]): void;
  /** Emits and resolves with the seqs given (null when nothing was emitted: the server is stopping). */
  emitAsync(drafts: readonly EventDraft[]): Promise<{ firstSeq: number; lastSeq: number } | null>;
  /**
   * Resolves once every write so far is applied here, with a seq at or after each of their events;
   * rejects with {@link EventStoreUnavailableError} when the engine did not take one.
   */
  settled(): Promise<number>;
  /** From now on nothing is emitted (shutdown). */
  stop(): void;
}

/**
 * A write the event store did not take (Redis down): the request that wrote answers 503 with this
 * message, so nothing is answered as done that was not given its seq.
 *
 * @example
 * ```ts
 * if (error instanceof EventStoreUnavailableError) return json({ error: error.message }, 503);
 * ```
 */
export class EventStoreUnavailableError extends Error {}
