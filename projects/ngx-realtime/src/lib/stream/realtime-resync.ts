/**
 * Events were missed and will not come: what `resync$` emits. Reload the state you keep, then
 * carry on with the events that follow.
 * - `history_expired`: the server's history no longer reaches back to the last event seen.
 * - `epoch_changed`: the server lost its history and started a new one.
 * - `reconnected`: a protocol without replay reconnected; whatever happened meanwhile is unknown.
 * - `lag`: the server skipped events for this slow client (`skipped` says how many, when it says).
 *
 * @example
 * ```ts
 * realtime.resync$.subscribe((r: RealtimeResync) => console.warn('reloading after', r.reason));
 * ```
 */
export interface RealtimeResync {
  readonly type: 'resync';
  readonly reason: 'history_expired' | 'epoch_changed' | 'reconnected' | 'lag' | (string & {});
  /** Where the stream continues, for protocols with sequence numbers; `null` without. */
  readonly lastSeq: number | null;
  readonly skipped?: number;
}
