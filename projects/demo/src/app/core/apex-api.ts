import { HttpClient, HttpErrorResponse, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, throwError } from 'rxjs';
import {
  snapshotFromResponse,
  type CompactionEvent,
  type CompactionStatusBody,
  type HealthBody,
  type KeyListBody,
  type KeyValueBody,
  type LiveSnapshot,
  type SnapshotInfo,
  type StatsBody,
} from 'ngx-realtime';

/** Query of the key list. */
export interface KeyQuery {
  prefix?: string;
  cf?: string;
  limit?: number;
}

/**
 * ApexStore's REST API, same origin. The auth interceptor adds the bearer token; this class only
 * knows paths and bodies.
 */
@Injectable({ providedIn: 'root' })
export class ApexApi {
  private readonly http = inject(HttpClient);

  /** `GET /keys`, with the seq the list reflects (for `liveResource`). */
  listKeys(query: KeyQuery = {}): Observable<LiveSnapshot<KeyValueBody[]>> {
    let params = new HttpParams();
    if (query.prefix) params = params.set('prefix', query.prefix);
    if (query.cf) params = params.set('cf', query.cf);
    if (query.limit) params = params.set('limit', query.limit);
    return this.http
      .get<KeyListBody>('/keys', { params, observe: 'response' })
      .pipe(map((response) => snapshotFromResponse(response, (body) => body.keys)));
  }

  /** `PUT /keys/{key}`. */
  putKey(key: string, value: string): Observable<unknown> {
    return this.http.put(`/keys/${encodeURIComponent(key)}`, { value });
  }

  /** `DELETE /keys/{key}`. */
  deleteKey(key: string): Observable<unknown> {
    return this.http.delete(`/keys/${encodeURIComponent(key)}`);
  }

  /** `GET /keys/{key}`. */
  getKey(key: string): Observable<KeyValueBody> {
    return this.http.get<KeyValueBody>(`/keys/${encodeURIComponent(key)}`);
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
