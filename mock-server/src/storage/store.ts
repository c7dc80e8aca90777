import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyValueBody, SnapshotInfo } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { DataFileInUseError, isLockedError } from './data-file-in-use-error';

/** A stored token row; only the sha-256 hash of the token is kept. */
export interface TokenRow {
  hash: string;
  userId: string;
  expiresAt: number;
}

/** One page of `GET /keys`: the rows, how many keys match in all, and the cursor of the next page. */
export interface KeyPage {
  keys: KeyValueBody[];
  total: number;
  next: string | null;
}

/**
 * The mock's persistence: keys, hashed tokens, snapshots, the event log and its sequence, all in one
 * bun:sqlite database so a restart with the same file keeps everything. A file is held by one
 * instance at a time: opening one another process holds throws {@link DataFileInUseError}.
 *
 * @example
 * ```ts
 * const store = new Store(':memory:');
 * store.putKey('default', 'a', '1');
 * store.close();
 * ```
 */
export class Store {
  readonly db: Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { create: true, strict: true });
    if (path !== ':memory:') {
      try {
        // One instance per file: two writing one file would give out the same seqs. The exclusive
        // lock is taken here and held until this instance closes the file or dies (the OS drops
        // it then), so a second instance is refused now instead of failing mid-write later.
        this.db.run('PRAGMA locking_mode = EXCLUSIVE');
        // WAL + NORMAL keeps bursts of thousands of appends fast while surviving a process kill.
        this.db.run('PRAGMA journal_mode = WAL');
      } catch (error) {
        this.db.close();
        if (isLockedError(error)) throw new DataFileInUseError(path);
        throw error;
      }
      this.db.run('PRAGMA synchronous = NORMAL');
    }
    this.db.run(`CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    this.db.run(`CREATE TABLE IF NOT EXISTS meta_text (name TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.db.run(`CREATE TABLE IF NOT EXISTS keys (
      cf TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (cf, key))`);
    this.db.run(`CREATE TABLE IF NOT EXISTS tokens (
      hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
    this.db.run(`CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
    this.db.run(`CREATE TABLE IF NOT EXISTS snapshots (
      id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, records INTEGER NOT NULL)`);
  }

  getMeta(name: string): number | null {
    const row = this.db.query<{ value: number }, [string]>('SELECT value FROM meta WHERE name = ?').get(name);
    return row ? row.value : null;
  }

  setMeta(name: string, value: number): void {
    this.db.query('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value')
      .run(name, value);
  }

  /**
   * The epoch of this database's event history, made when the database is: a new file (or
   * `:memory:`) is a new history, so clients holding seqs of another one resync.
   */
  epoch(): string {
    const row = this.db.query<{ value: string }, [string]>('SELECT value FROM meta_text WHERE name = ?').get('epoch');
    if (row) return row.value;
    const epoch = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
    this.db.query('INSERT INTO meta_text (name, value) VALUES (?, ?)').run('epoch', epoch);
    return epoch;
  }

  getKey(cf: string, key: string): KeyValueBody | null {
    return this.db.query<KeyValueBody, [string, string]>('SELECT key, value, cf FROM keys WHERE cf = ? AND key = ?')
      .get(cf, key);
  }

  putKey(cf: string, key: string, value: string): void {
    this.db.query('INSERT INTO keys (cf, key, value) VALUES (?, ?, ?) ON CONFLICT(cf, key) DO UPDATE SET value = excluded.value')
      .run(cf, key, value);
  }

  /** Forgets every key (the Redis engine, when Redis lost its data). */
  clearKeys(): void {
    this.db.run('DELETE FROM keys');
  }

  /** Returns whether the key existed. */
  deleteKey(cf: string, key: string): boolean {
    return this.db.query('DELETE FROM keys WHERE cf = ? AND key = ?').run(cf, key).changes > 0;
  }

  /**
   * One page of a column family's keys with a prefix, sorted, after an exclusive cursor (null: from
   * the start), with the count of every key with that prefix and the cursor of the next page (null
   * on the last). Paging and counting stay in sqlite, so a page costs the same however many keys exist.
   */
  listKeys(cf: string, prefix: string, limit: number, after: string | null): KeyPage {
    // substr instead of LIKE so '%' and '_' in a prefix are literal; one row more than asked tells
    // whether another page follows.
    const rows = this.db.query<KeyValueBody, [string, string, string, string | null, string | null, number]>(
      'SELECT key, value, cf FROM keys WHERE cf = ? AND substr(key, 1, length(?)) = ? AND (? IS NULL OR key > ?) ORDER BY key LIMIT ?',
    ).all(cf, prefix, prefix, after, after, limit + 1);
    const keys = rows.slice(0, limit);
    const total = this.db.query<{ total: number }, [string, string, string]>(
      'SELECT COUNT(*) AS total FROM keys WHERE cf = ? AND substr(key, 1, length(?)) = ?',
    ).get(cf, prefix, prefix)!.total;
    const next = rows.length > limit && keys.length > 0 ? keys[keys.length - 1]!.key : null;
    return { keys, total, next };
  }

  /** The column families that hold at least one key, sorted. */
  keyColumnFamilies(): string[] {
    return this.db.query<{ cf: string }, []>('SELECT DISTINCT cf FROM keys ORDER BY cf').all().map((row) => row.cf);
  }

  keyTotals(): { records: number; bytes: number } {
    const row = this.db.query<{ records: number; bytes: number | null }, []>(
      'SELECT COUNT(*) AS records, SUM(length(key) + length(value)) AS bytes FROM keys',
    ).get();
    return { records: row?.records ?? 0, bytes: row?.bytes ?? 0 };
  }

  insertToken(row: TokenRow): void {
    this.db.query('INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)').run(row.hash, row.userId, row.expiresAt);
  }

  findToken(hash: string): TokenRow | null {
    return this.db.query<TokenRow, [string]>(
      'SELECT hash, user_id AS userId, expires_at AS expiresAt FROM tokens WHERE hash = ?',
    ).get(hash);
  }

  deleteToken(hash: string): boolean {
    return this.db.query('DELETE FROM tokens WHERE hash = ?').run(hash).changes > 0;
  }

  /** Forget tokens that expired long ago; recently expired ones stay so clients still get "Token has expired". */
  pruneTokens(expiredBefore: number): void {
    this.db.query('DELETE FROM tokens WHERE expires_at < ?').run(expiredBefore);
  }

  insertSnapshot(info: SnapshotInfo): void {
    this.db.query('INSERT INTO snapshots (id, created_at, records) VALUES (?, ?, ?)')
      .run(info.snapshotId, info.createdAt, info.records);
  }

  listSnapshots(): SnapshotInfo[] {
    return this.db.query<SnapshotInfo, []>(
      'SELECT id AS snapshotId, created_at AS createdAt, records FROM snapshots ORDER BY created_at, id',
    ).all();
  }

  close(): void {
    this.db.close();
  }
}
