import type {
  CompactionEvent,
  HealthBody,
  HealthProbe,
  KeyValueBody,
  SnapshotInfo,
  StatsBody,
  SyncEvent,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { ServerConfig } from '../config';
import type { EventLog } from '../storage/event-log';
import type { EventWriter } from '../storage/event-writer';
import type { KeyPage, Store } from '../storage/store';

/** The column family that always exists, and the one key routes use without `?cf=`. */
export const DEFAULT_CF = 'default';

/** Every health probe name. */
export const HEALTH_PROBES: readonly HealthProbe[] = ['liveness', 'readiness', 'startup'];

/**
 * How many realtime connections there are, for `/stats` and `/health`.
 *
 * @example
 * ```ts
 * const connections: ConnectionCounts = { here: () => hub.size, everywhere: () => hub.size };
 * ```
 */
export interface ConnectionCounts {
  /** Authenticated connections on this instance. */
  here(): number;
  /** On every instance of the stream (the same as `here()` on one). */
  everywhere(): number;
}

/**
 * What the domain is built from: the store it reads, the log it reads the latest jobs from, the
 * writer every change goes through, and the figures and counts it reports.
 *
 * @example
 * ```ts
 * const domain = new Domain({ store, log, events, connections, config });
 * ```
 */
export interface DomainParts {
  store: Store;
  log: EventLog;
  events: EventWriter;
  connections: ConnectionCounts;
  config: Pick<ServerConfig, 'now' | 'compactionDurationMs' | 'jobDurationMs'>;
}

/**
 * The pretend ApexStore behind the REST routes: keys, stats, health probes and the background jobs
 * (compaction, snapshots, sync). Every change is an event written through the engine, which applies
 * it to the store, so the domain itself only reads the store.
 *
 * @example
 * ```ts
 * domain.putKey('default', 'user:1', 'Ada'); // emits key_change put
 * domain.startCompaction('default');         // emits compaction_status started ... completed
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
  private readonly startedAt: number;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(private readonly parts: DomainParts) {
    this.startedAt = parts.config.now();
  }

  getKey(cf: string, key: string): KeyValueBody | null {
    return this.parts.store.getKey(cf, key);
  }

  listKeys(cf: string, prefix: string, limit: number, after: string | null): KeyPage {
    return this.parts.store.listKeys(cf, prefix, limit, after);
  }

  /** `default` and every column family that holds a key, sorted: the ones that exist. */
  columnFamilies(): string[] {
    return [...new Set([DEFAULT_CF, ...this.parts.store.keyColumnFamilies()])].sort();
  }

  putKey(cf: string, key: string, value: string): KeyValueBody {
    this.memRecords++;
    this.memBytes += key.length + value.length;
    this.parts.events.emit({ type: 'key_change', operation: 'put', key, cf, value });
    return { key, value, cf };
  }

  /** Returns false (and emits nothing) when the key did not exist. */
  deleteKey(cf: string, key: string): boolean {
    if (!this.parts.store.getKey(cf, key)) return false;
    this.memRecords++;
    this.parts.events.emit({ type: 'key_change', operation: 'delete', key, cf });
    return true;
  }

  stats(): StatsBody {
    const totals = this.parts.store.keyTotals();
    const memKb = Math.ceil(this.memBytes / 1024);
    return {
      sst_files: this.compactions + (totals.records > this.memRecords ? 1 : 0),
      sst_kb: Math.ceil(Math.max(0, totals.bytes - this.memBytes) / 1024),
      mem_records: Math.min(this.memRecords, totals.records),
      mem_kb: memKb,
      wal_kb: memKb,
      total_records: totals.records,
      wsConnections: this.parts.connections.here(),
      wsConnectionsTotal: this.parts.connections.everywhere(),
      uptimeMs: this.parts.config.now() - this.startedAt,
    };
  }

  /**
   * started now, progress at 1/4, 2/4, 3/4 of the duration, completed at the end. Returns false
   * (and emits nothing) when the column family does not exist.
   */
  startCompaction(cf: string): boolean {
    if (!this.columnFamilies().includes(cf)) return false;
    const durationMs = this.parts.config.compactionDurationMs;
    const totals = this.parts.store.keyTotals();
    const filesMerged = this.compactions + 1;
    this.parts.events.emit({ type: 'compaction_status', status: 'started', cf, details: { progress: 0 } });
    for (const step of [1, 2, 3]) {
      this.later((durationMs * step) / 4, () => {
        this.parts.events.emit({
          type: 'compaction_status',
          status: 'progress',
          cf,
          details: { progress: step / 4, bytesRead: Math.round((totals.bytes * step) / 4) },
        });
      });
    }
    this.later(durationMs, () => {
      this.compactions++;
      this.memRecords = 0;
      this.memBytes = 0;
      this.parts.events.emit({
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
    return this.parts.log.latestOfType('compaction_status') as CompactionEvent | null;
  }

  /** Returns the new snapshot's id; it is listed once `completed` has been emitted. */
  createSnapshot(): string {
    const snapshotId = this.startSnapshot();
    this.later(this.parts.config.jobDurationMs, () => this.completeSnapshot(snapshotId));
    return snapshotId;
  }

  /** A snapshot started and completed at once (the sample data), both as events. */
  snapshotNow(): string {
    const snapshotId = this.startSnapshot();
    this.completeSnapshot(snapshotId);
    return snapshotId;
  }

  private startSnapshot(): string {
    const snapshotId = `snap-${this.parts.config.now()}-${crypto.randomUUID().slice(0, 8)}`;
    this.parts.events.emit({ type: 'snapshot_event', status: 'started', snapshotId, details: {} });
    return snapshotId;
  }

  private completeSnapshot(snapshotId: string): void {
    // The engine stores the snapshot from this event (createdAt is the event's timestamp).
    const records = this.parts.store.keyTotals().records;
    this.parts.events.emit({ type: 'snapshot_event', status: 'completed', snapshotId, details: { records } });
  }

  listSnapshots(): SnapshotInfo[] {
    return this.parts.store.listSnapshots();
  }

  /** The newest `sync_event` still in the log, so a page opened mid-sync shows it. */
  latestSync(): SyncEvent | null {
    return this.parts.log.latestOfType('sync_event') as SyncEvent | null;
  }

  startSync(): void {
    this.parts.events.emit({ type: 'sync_event', status: 'started', details: {} });
    this.later(this.parts.config.jobDurationMs, () => {
      this.parts.events.emit({ type: 'sync_event', status: 'completed', details: { keysSynced: this.parts.store.keyTotals().records } });
    });
  }

  probe(probe: HealthProbe): { status: 'healthy' | 'unhealthy'; reason?: string } {
    return this.probes.get(probe)!;
  }

  /** Changes a probe and emits `health_change` (also when the status is unchanged, so chaos is observable). */
  setHealth(probe: HealthProbe, status: 'healthy' | 'unhealthy', reason?: string): void {
    this.probes.set(probe, reason === undefined ? { status } : { status, reason });
    this.parts.events.emit(reason === undefined ? { type: 'health_change', probe, status } : { type: 'health_change', probe, status, reason });
  }

  health(): HealthBody {
    const probes = Object.fromEntries(HEALTH_PROBES.map((p) => [p, this.probe(p).status])) as HealthBody['probes'];
    const healthy = HEALTH_PROBES.every((p) => probes[p] === 'healthy');
    return { status: healthy ? 'healthy' : 'unhealthy', probes, wsConnections: this.parts.connections.here() };
  }

  /** Cancels the background jobs (shutdown): nothing they would still emit happens. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A job step that {@link stop} cancels, so background jobs never outlive the server. */
  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(timer);
  }
}
