/**
 * What an ApexStore 2.2 change-stream client asked for: `?prefix=` (keys starting with it) and
 * `?type=put|delete`. Null means "not asked", so everything passes.
 *
 * @example
 * ```ts
 * const filter: CdcFilter = { prefix: 'user:', operation: 'put' };
 * ```
 */
export interface CdcFilter {
  readonly prefix: string | null;
  readonly operation: 'put' | 'delete' | null;
}

/**
 * Reads the filter of `GET /ws/events` or `GET /events` the way ApexStore 2.2 does: `type` is
 * compared case-insensitively, and any value other than `put` or `delete` filters nothing (it is
 * never refused). Other parameters, `lastSeq` and `token` included, mean nothing there.
 *
 * @example
 * ```ts
 * cdcFilterFromQuery(new URL('http://x/events?prefix=user:&type=DELETE')); // { prefix: 'user:', operation: 'delete' }
 * cdcFilterFromQuery(new URL('http://x/events?type=everything'));          // { prefix: null, operation: null }
 * ```
 */
export function cdcFilterFromQuery(url: URL): CdcFilter {
  const type = url.searchParams.get('type')?.toLowerCase();
  return {
    prefix: url.searchParams.get('prefix'),
    operation: type === 'put' || type === 'delete' ? type : null,
  };
}

/**
 * Whether a change passes a client's filter. The key is the change's UTF-8 text, which is what
 * ApexStore compares the prefix with (its key bytes read as UTF-8).
 *
 * @example
 * ```ts
 * matchesCdcFilter({ operation: 'put', key: 'user:1' }, { prefix: 'user:', operation: null }); // true
 * ```
 */
export function matchesCdcFilter(change: { operation: 'put' | 'delete'; key: string }, filter: CdcFilter): boolean {
  if (filter.prefix !== null && !change.key.startsWith(filter.prefix)) return false;
  return filter.operation === null || filter.operation === change.operation;
}
