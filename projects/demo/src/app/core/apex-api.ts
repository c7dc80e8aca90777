import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, catchError, map, of, throwError } from 'rxjs';
import type { HealthBody, KeyListBody, KeyValueBody, SnapshotInfo, StatsBody } from 'ngx-realtime';

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

  /** `GET /keys`. */
  listKeys(query: KeyQuery = {}): Observable<KeyListBody> {
    let params = new HttpParams();
    if (query.prefix) params = params.set('prefix', query.prefix);
    if (query.cf) params = params.set('cf', query.cf);
    if (query.limit) params = params.set('limit', query.limit);
    return this.http.get<KeyListBody>('/keys', { params });
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

  /** `GET /stats`. */
  stats(): Observable<StatsBody> {
    return this.http.get<StatsBody>('/stats');
  }

  /** `POST /admin/compact`: answers 202; progress arrives as `compaction_status` events. */
  compact(cf?: string): Observable<unknown> {
    return this.http.post('/admin/compact', cf ? { cf } : {});
  }

  /** `GET /health`. An unhealthy server answers 503 with the same body: that is data, not an error. */
  health(): Observable<HealthBody> {
    return this.http.get<HealthBody>('/health').pipe(
      catchError((error: unknown) => {
        const body = error instanceof HttpErrorResponse && error.status === 503 ? (error.error as HealthBody | null) : null;
        return body?.probes ? of(body) : throwError(() => error);
      }),
    );
  }

  /** `GET /admin/snapshots`. */
  listSnapshots(): Observable<SnapshotInfo[]> {
    return this.http.get<{ snapshots: SnapshotInfo[] }>('/admin/snapshots').pipe(map((body) => body.snapshots));
  }

  /** `POST /admin/snapshots`: the outcome arrives as `snapshot_event`s. */
  createSnapshot(): Observable<unknown> {
    return this.http.post('/admin/snapshots', {});
  }
}
