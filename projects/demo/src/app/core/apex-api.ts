import { HttpClient, HttpErrorResponse, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, throwError } from 'rxjs';
import {
  LAST_SEQ_HEADER,
  parseLastSeqHeader,
  snapshotFromResponse,
  type ColumnFamiliesBody,
  type CompactionEvent,
  type CompactionStatusBody,
  type HealthBody,
  type KeyListBody,
  type KeyValueBody,
  type LiveSnapshot,
  type SnapshotInfo,
  type StatsBody,
  type SyncEvent,
  type SyncStatusBody,
} from 'ngx-realtime';
import { keyPath } from './key-name';

/** Query of the key list. */
export interface KeyQuery {
  prefix?: string;
  cf?: string;
  limit?: number;
  /** Exclusive cursor: only keys after it (a page's `next`). */
  after?: string;
}

/**
 * One page of the key list: `total` counts every key of the query, `next` is the cursor of the page after (or null).
 *
 * @example
 * ```ts
 * api.listKeys({ prefix: 'user:', after: page.next ?? undefined }).subscribe(({ value }) => show(value.keys, value.total));
 * ```
 */
export interface KeyListPageBody {
  keys: KeyValueBody[];
  total: number;
  next: string | null;
}

/**
 * What a write's answer says: the seq at or after its own event (`X-Last-Seq`), null if the server did not say.
 *
 * @example
 * ```ts
 * api.putKey('user:1', 'Ada').subscribe(({ seq }) => (confirmedOnceLastSeqReaches = seq));
 * ```
 */
export interface WriteReceipt {
  seq: number | null;
}

/**
 * ApexStore's REST API, same origin. The auth interceptor adds the bearer token; this class only
 * knows paths and bodies.
 */
@Injectable({ providedIn: 'root' })
export class ApexApi {
  private readonly http = inject(HttpClient);

  /** `GET /keys`: one page, with the seq it reflects (for `liveResource`). */
  listKeys(query: KeyQuery = {}): Observable<LiveSnapshot<KeyListPageBody>> {
    let params = new HttpParams();
    if (query.prefix) params = params.set('prefix', query.prefix);
    if (query.cf) params = params.set('cf', query.cf);
    if (query.limit) params = params.set('limit', query.limit);
    if (query.after !== undefined) params = params.set('after', query.after);
    return this.http.get<KeyListBody>('/keys', { params, observe: 'response' }).pipe(
      map((response) =>
        snapshotFromResponse(response, (body): KeyListPageBody => {
          // A server without paging sends neither: its list is then all there is.
          const paged = body as Partial<KeyListPageBody>;
          return { keys: body.keys, total: paged.total ?? body.keys.length, next: paged.next ?? null };
        }),
      ),
    );
  }

  /** `PUT /keys/{key}`; the receipt tells when the live stream has the write. */
  putKey(key: string, value: string): Observable<WriteReceipt> {
    return this.http.put(keyPath(key), { value }, { observe: 'response' }).pipe(map(receipt));
  }

  /** `DELETE /keys/{key}`; the receipt tells when the live stream has the delete. */
  deleteKey(key: string): Observable<WriteReceipt> {
    return this.http.delete(keyPath(key), { observe: 'response' }).pipe(map(receipt));
  }

  /** `GET /keys/{key}`. */
  getKey(key: string): Observable<KeyValueBody> {
    return this.http.get<KeyValueBody>(keyPath(key));
  }

  /** `GET /stats`, with the seq it reflects. */
  stats(): Observable<HttpResponse<StatsBody>> {
    return this.http.get<StatsBody>('/stats', { observe: 'response' });
  }

  /** `GET /admin/compact`: the newest compaction status, so a page opened mid-run shows it. */
  latestCompaction(): Observable<LiveSnapshot<CompactionEvent | null>> {
    return this.http
      .get<CompactionStatusBody>('/admin/compact', { observe: 'response' })
      .pipe(map((response) => snapshotFromResponse(response, (body) => body.latest)));
  }

  /** `POST /admin/compact`: answers 202; progress arrives as `compaction_status` events. */
  compact(cf?: string): Observable<unknown> {
    return this.http.post('/admin/compact', cf ? { cf } : {});
  }

  /** `GET /admin/column-families`: the column families that exist ("default" and every one holding a key), sorted. */
  columnFamilies(): Observable<string[]> {
    return this.http.get<ColumnFamiliesBody>('/admin/column-families').pipe(map((body) => body.columnFamilies));
  }

  /** `GET /admin/sync`: the newest `sync_event`, with the seq it reflects (for `liveResource`). */
  latestSync(): Observable<LiveSnapshot<SyncEvent | null>> {
    return this.http
      .get<SyncStatusBody>('/admin/sync', { observe: 'response' })
      .pipe(map((response) => snapshotFromResponse(response, (body) => body.latest)));
  }

  /** `POST /admin/sync` (Admin): answers 202; the run reports as `sync_event`s. */
  startSync(): Observable<unknown> {
    return this.http.post('/admin/sync', {});
  }

  /** `GET /health`. An unhealthy server answers 503 with the same body: that is data, not an error. */
  health(): Observable<HttpResponse<HealthBody>> {
    return this.http.get<HealthBody>('/health', { observe: 'response' }).pipe(
      catchError((error: unknown) => {
        const body = error instanceof HttpErrorResponse && error.status === 503 ? (error.error as HealthBody | null) : null;
        return body?.probes ? of(new HttpResponse({ body, headers: (error as HttpErrorResponse).headers, status: 503 })) : throwError(() => error);
      }),
    );
  }

  /** `GET /admin/snapshots`, with the seq the list reflects. */
  listSnapshots(): Observable<LiveSnapshot<SnapshotInfo[]>> {
    return this.http
      .get<{ snapshots: SnapshotInfo[] }>('/admin/snapshots', { observe: 'response' })
      .pipe(map((response) => snapshotFromResponse(response, (body) => body.snapshots)));
  }

  /** `POST /admin/snapshots`: the outcome arrives as `snapshot_event`s. */
  createSnapshot(): Observable<unknown> {
    return this.http.post('/admin/snapshots', {});
  }
}

function receipt(response: HttpResponse<unknown>): WriteReceipt {
  return { seq: parseLastSeqHeader(response.headers.get(LAST_SEQ_HEADER)) };
}
