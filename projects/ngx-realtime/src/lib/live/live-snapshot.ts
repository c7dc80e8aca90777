import { HttpResponse } from '@angular/common/http';
import { parseLastSeqHeader } from '../protocol/frame-validation';
import { LAST_SEQ_HEADER } from '../protocol/protocol';

/**
 * A loaded state and the newest event seq it reflects (`null` when the server did not say). A
 * {@link liveResource} applies only events above `seq` to it, so an event that happened while
 * the state was loading is applied exactly once.
 *
 * @example
 * ```ts
 * load: () => fetch('/keys').then(async (r) => liveSnapshot(await r.json(), Number(r.headers.get('X-Last-Seq'))))
 * ```
 */
export class LiveSnapshot<T> {
  constructor(
    readonly value: T,
    readonly seq: number | null,
  ) {}
}

/**
 * A {@link LiveSnapshot} of `value` taken at `seq`; without a seq every event that arrived during
 * the load is applied to it.
 *
 * @example
 * ```ts
 * load: () => from(db.readAll()).pipe(map(({ rows, seq }) => liveSnapshot(rows, seq)))
 * ```
 */
export function liveSnapshot<T>(value: T, seq: number | null = null): LiveSnapshot<T> {
  return new LiveSnapshot(value, seq);
}

/**
 * A {@link LiveSnapshot} of an `HttpClient` response (`observe: 'response'`): the seq comes from
 * its `X-Last-Seq` header, the value from its body, optionally projected.
 *
 * @example
 * ```ts
 * load: ({ prefix }) =>
 *   http.get<KeyListBody>('/keys', { params: { prefix }, observe: 'response' })
 *     .pipe(map((response) => snapshotFromResponse(response, (body) => body.keys)))
 * ```
 */
export function snapshotFromResponse<B, T = B>(response: HttpResponse<B>, project?: (body: B) => T): LiveSnapshot<T> {
  const body = response.body as B;
  const value = project ? project(body) : (body as unknown as T);
  return new LiveSnapshot(value, parseLastSeqHeader(response.headers.get(LAST_SEQ_HEADER)));
}

/**
 * What a `load` may produce: a snapshot, or an `HttpResponse` whose body is the state.
 *
 * @example
 * ```ts
 * const load = (): Observable<LiveLoadResult<StatsBody>> => http.get<StatsBody>('/stats', { observe: 'response' });
 * ```
 */
export type LiveLoadResult<T> = LiveSnapshot<T> | HttpResponse<T>;

/**
 * Normalises a load result. Anything else is a programmer mistake, reported with how to fix it.
 *
 * @example
 * ```ts
 * toLiveSnapshot(response).seq; // the response's X-Last-Seq, or null
 * ```
 */
export function toLiveSnapshot<T>(result: LiveLoadResult<T>): LiveSnapshot<T> {
  if (result instanceof LiveSnapshot) return result;
  if (result instanceof HttpResponse) return snapshotFromResponse(result);
  throw new Error(
    "ngx-realtime: liveResource's load must produce an HttpResponse (HttpClient with observe: 'response') " +
      'or a liveSnapshot(value, seq); wrap a plain value in liveSnapshot(value).',
  );
}
