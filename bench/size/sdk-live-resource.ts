/**
 * The minimal app (`sdk-app.ts`) keeping a list of keys live with `liveResource()` and
 * `reduceKeyChanges()`: what live state adds.
 *
 * @example
 * readonly users = usersResource(() => this.http.get<KeyValueBody[]>('/keys', { observe: 'response' }));
 */
import type { HttpResponse } from '@angular/common/http';
import type { Observable } from 'rxjs';
import { liveResource, reduceKeyChanges, type KeyValueBody } from 'ngx-realtime';

export { realtimeProviders, token$, watchUsers } from './sdk-app';

/**
 * Called in an injection context: the `user:` keys, loaded once (the response's `X-Last-Seq` says
 * where they stand) and kept live from key changes.
 *
 * @example
 * readonly users = usersResource(() => this.http.get<KeyValueBody[]>('/keys', { observe: 'response' }));
 */
export function usersResource(load: () => Observable<HttpResponse<KeyValueBody[]>>) {
  return liveResource({
    load,
    events: (rt) => rt.onKeyChanges({ keyPrefix: 'user:' }),
    reduce: reduceKeyChanges(),
    defaultValue: [],
  });
}
