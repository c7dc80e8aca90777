import type { SyncEvent } from 'ngx-realtime';

/**
 * One sync run as this page saw it: its start (when seen), its outcome (once it came).
 *
 * @example
 * ```ts
 * const tookMs = run.startedAt !== null && run.finishedAt !== null ? run.finishedAt - run.startedAt : null;
 * ```
 */
export interface SyncRun {
  status: SyncEvent['status'];
  /** When it started; null when only its outcome was seen (it started before the page looked). */
  startedAt: number | null;
  /** When it completed or hit a conflict; null while it runs. */
  finishedAt: number | null;
  /** The server's details of the newest event of the run (e.g. `keysSynced`). */
  details: Readonly<Record<string, unknown>>;
  /** Seqs of the run's events, so an event applied twice changes nothing. */
  seqs: readonly number[];
}

const KEEP = 50;

/**
 * Applies one `sync_event` to the runs (newest first): `started` opens a run, `completed` or
 * `conflict` closes the newest open one (or records a run whose start was not seen). Idempotent
 * by seq and never mutates `runs`, as a `liveResource` reducer must be.
 *
 * @example
 * ```ts
 * let runs: readonly SyncRun[] = [];
 * runs = addSyncEvent(runs, { type: 'sync_event', status: 'started', details: {}, seq: 4, timestamp: 1 });
 * runs[0].status; // 'started'
 * ```
 */
export function addSyncEvent(runs: readonly SyncRun[], event: SyncEvent): readonly SyncRun[] {
  if (runs.some((run) => run.seqs.includes(event.seq))) return runs;
  const open = runs[0]?.status === 'started' ? runs[0] : null;
  if (event.status === 'started') {
    const run: SyncRun = { status: 'started', startedAt: event.timestamp, finishedAt: null, details: event.details, seqs: [event.seq] };
    return [run, ...runs].slice(0, KEEP);
  }
  if (open) {
    const closed: SyncRun = { ...open, status: event.status, finishedAt: event.timestamp, details: event.details, seqs: [...open.seqs, event.seq] };
    return [closed, ...runs.slice(1)];
  }
  const seenEnd: SyncRun = { status: event.status, startedAt: null, finishedAt: event.timestamp, details: event.details, seqs: [event.seq] };
  return [seenEnd, ...runs].slice(0, KEEP);
}
