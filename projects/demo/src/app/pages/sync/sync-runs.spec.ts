import type { SyncEvent } from 'ngx-realtime';
import { addSyncEvent, type SyncRun } from './sync-runs';

const event = (seq: number, status: SyncEvent['status'], details: Record<string, unknown> = {}): SyncEvent => ({
  type: 'sync_event',
  status,
  details,
  seq,
  timestamp: seq * 1_000,
});

describe('addSyncEvent', () => {
  it('opens a run on started and closes it on completed', () => {
    let runs: readonly SyncRun[] = [];
    runs = addSyncEvent(runs, event(1, 'started'));
    expect(runs.map((r) => r.status)).toEqual(['started']);
    runs = addSyncEvent(runs, event(2, 'completed', { keysSynced: 60 }));
    expect(runs).toEqual([{ status: 'completed', startedAt: 1_000, finishedAt: 2_000, details: { keysSynced: 60 }, seqs: [1, 2] }]);
  });

  it('keeps runs newest first, a conflict closing its own run', () => {
    let runs: readonly SyncRun[] = [];
    for (const e of [event(1, 'started'), event(2, 'completed'), event(5, 'started'), event(6, 'conflict', { key: 'a' })]) runs = addSyncEvent(runs, e);
    expect(runs.map((r) => [r.status, r.startedAt])).toEqual([['conflict', 5_000], ['completed', 1_000]]);
  });

  it('records an outcome whose start it never saw', () => {
    const runs = addSyncEvent([], event(9, 'completed'));
    expect(runs[0]).toEqual(jasmine.objectContaining({ status: 'completed', startedAt: null, finishedAt: 9_000 }));
  });

  it('ignores an event it already applied and never mutates its input', () => {
    const once = addSyncEvent([], event(1, 'started'));
    const frozen = Object.freeze([...once]);
    expect(addSyncEvent(frozen, event(1, 'started'))).toBe(frozen);
    const twice = addSyncEvent(addSyncEvent(frozen, event(2, 'completed')), event(2, 'completed'));
    expect(twice.length).toBe(1);
    expect(frozen[0].status).toBe('started');
  });
});
