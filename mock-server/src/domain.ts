import type {
  CompactionEvent,
  HealthBody,
  HealthProbe,
  KeyValueBody,
  SnapshotInfo,
  StatsBody,
  SyncEvent,
} from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { ServerContext } from './context';
import type { KeyPage } from './store';

/** The column family that always exists, and the one key routes use without `?cf=`. */
export const DEFAULT_CF = 'default';

/** Every health probe name. */
export const HEALTH_PROBES: readonly HealthProbe[] = ['liveness', 'readiness', 'startup'];

/**
 * The pretend ApexStore behind the REST routes: keys, stats, health probes and the background jobs
 * (compaction, snapshots, sync). Every change goes through `ctx.emit`, so it becomes an event.
 *
 * @example
 * ```ts
 * ctx.domain.putKey('default', 'user:1', 'Ada'); // emits key_change put
 * ctx.domain.startCompaction('default');         // emits compaction_status started ... completed
 * ```
 */
export class Domain {
  private readonly probes = new Map<HealthProbe, { status: 'healthy' | 'unhealthy'; reason?: string }>(
    HEALTH_PROBES.map((p) => [p, { status: 'healthy' }]),
  );
  /** Writes since the last compaction: the mock's "memtable". */
  private memRecords = 0;
  private memBytes = 0;
  private compactions = 0;

  constructor(private readonly ctx: ServerContext) {}

  getKey(cf: string, key: string): KeyValueBody | null {
    return this.ctx.store.getKey(cf, key);
  }

  listKeys(cf: string, prefix: string, limit: number, after: string | null): KeyPage {
    return this.ctx.store.listKeys(cf, prefix, limit, after);
  }

  /** `default` and every column family that holds a key, sorted: the ones that exist. */
  columnFamilies(): string[] {
    return [...new Set([DEFAULT_CF, ...this.ctx.store.keyColumnFamilies()])].sort();
  }

  putKey(cf: string, key: string, value: string): KeyValueBody {
    // With Redis the replica applies the key when the event comes back, on every instance alike.
    if (!this.ctx.replica) this.ctx.store.putKey(cf, key, value);
    this.memRecords++;
    this.memBytes += key.length + value.length;
    this.ctx.emit({ type: 'key_change', operation: 'put', key, cf, value });
    return { key, value, cf };
  }

  /** Returns false (and emits nothing) when the key did not exist. */
  deleteKey(cf: string, key: string): boolean {
    if (this.ctx.replica ? !this.ctx.store.getKey(cf, key) : !this.ctx.store.deleteKey(cf, key)) return false;
    this.memRecords++;
    this.ctx.emit({ type: 'key_change', operation: 'delete', key, cf });
    return true;
  }

  stats(): StatsBody {
    const totals = this.ctx.store.keyTotals();
    const memKb = Math.ceil(this.memBytes / 1024);
    return {
      sst_files: this.compactions + (totals.records > this.memRecords ? 1 : 0),
      sst_kb: Math.ceil(Math.max(0, totals.bytes - this.memBytes) / 1024),
      mem_records: Math.min(this.memRecords, totals.records),
      mem_kb: memKb,
      wal_kb: memKb,
      total_records: totals.records,
      wsConnections: this.ctx.hub.size,
      wsConnectionsTotal: this.ctx.replica?.connectionsTotal() ?? this.ctx.hub.size,
      uptimeMs: this.ctx.config.now() - this.ctx.startedAt,
    };
  }

  /**
   * started now, progress at 1/4, 2/4, 3/4 of the duration, completed at the end. Returns false
   * (and emits nothing) when the column family does not exist.
   */
  startCompaction(cf: string): boolean {
    if (!this.columnFamilies().includes(cf)) return false;
    const durationMs = this.ctx.config.compactionDurationMs;
    const totals = this.ctx.store.keyTotals();
    const filesMerged = this.compactions + 1;
    this.ctx.emit({ type: 'compaction_status', status: 'started', cf, details: { progress: 0 } });
    for (const step of [1, 2, 3]) {
      this.ctx.later((durationMs * step) / 4, () => {
        this.ctx.emit({
          type: 'compaction_status',
          status: 'progress',
          cf,
          details: { progress: step / 4, bytesRead: Math.round((totals.bytes * step) / 4) },
        });
      });
    }
    this.ctx.later(durationMs, () => {
      this.compactions++;
      this.memRecords = 0;
      this.memBytes = 0;
      this.ctx.emit({
        type: 'compaction_status',
        status: 'completed',
        cf,
        details: { progress: 1, filesMerged, bytesRead: totals.bytes, bytesWritten: totals.bytes },
      });
    });
    return true;
  }

  /** The newest `compaction_status` event still in the log, so a page opened mid-compaction shows it. */
  latestCompaction(): CompactionEvent | null {
    return this.ctx.log.latestOfType('compaction_status') as CompactionEvent | null;
  }

  /** Returns the new snapshot's id; it is listed once `completed` has been emitted. */
  createSnapshot(): string {
    const snapshotId = this.startSnapshot();
    this.ctx.later(this.ctx.config.jobDurationMs, () => this.completeSnapshot(snapshotId));
    return snapshotId;
  }

  /** A snapshot started and completed at once (the sample data), both as events. */
  snapshotNow(): string {
    const snapshotId = this.startSnapshot();
    this.completeSnapshot(snapshotId);
    return snapshotId;
  }

  private startSnapshot(): string {
    const snapshotId = `snap-${this.ctx.config.now()}-${crypto.randomUUID().slice(0, 8)}`;
    this.ctx.emit({ type: 'snapshot_event', status: 'started', snapshotId, details: {} });
    return snapshotId;
  }

  private completeSnapshot(snapshotId: string): void {
    const info: SnapshotInfo = { snapshotId, createdAt: this.ctx.config.now(), records: this.ctx.store.keyTotals().records };
    if (!this.ctx.replica) this.ctx.store.insertSnapshot(info);
    this.ctx.emit({ type: 'snapshot_event', status: 'completed', snapshotId, details: { records: info.records } });
  }

  listSnapshots(): SnapshotInfo[] {
    return this.ctx.store.listSnapshots();
  }

  /** The newest `sync_event` still in the log, so a page opened mid-sync shows it. */
  latestSync(): SyncEvent | null {
    return this.ctx.log.latestOfType('sync_event') as SyncEvent | null;
  }

  startSync(): void {
    this.ctx.emit({ type: 'sync_event', status: 'started', details: {} });
    this.ctx.later(this.ctx.config.jobDurationMs, () => {
      this.ctx.emit({ type: 'sync_event', status: 'completed', details: { keysSynced: this.ctx.store.keyTotals().records } });
    });
  }

  probe(probe: HealthProbe): { status: 'healthy' | 'unhealthy'; reason?: string } {
    return this.probes.get(probe)!;
  }

  /** Changes a probe and emits `health_change` (also when the status is unchanged, so chaos is observable). */
  setHealth(probe: HealthProbe, status: 'healthy' | 'unhealthy', reason?: string): void {
    this.probes.set(probe, reason === undefined ? { status } : { status, reason });
    this.ctx.emit(reason === undefined ? { type: 'health_change', probe, status } : { type: 'health_change', probe, status, reason });
  }

  health(): HealthBody {
    const probes = Object.fromEntries(HEALTH_PROBES.map((p) => [p, this.probe(p).status])) as HealthBody['probes'];
    const healthy = HEALTH_PROBES.every((p) => probes[p] === 'healthy');
    return { status: healthy ? 'healthy' : 'unhealthy', probes, wsConnections: this.ctx.hub.size };
  }
}
