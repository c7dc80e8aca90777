import type { EventFilter, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { HttpError, epochParam, intParam } from './http-util';
import { subscriptionFromQuery } from './subscription-query';

/**
 * The query of a realtime stream, the same on `/ws/events` and `/events/stream`.
 *
 * @example
 * ```ts
 * const { lastSeq, epoch, batch, topics, filter } = streamQuery(url);
 * ```
 */
export interface StreamQuery {
  /** `?lastSeq=`: replay everything after it right after `welcome`; null without it. */
  lastSeq: number | null;
  /** `?epoch=`: the history `lastSeq` belongs to. */
  epoch: string | null;
  /** `?batch=1`: the client takes `batch` frames. */
  batch: boolean;
  topics: Topic[] | null;
  filter: EventFilter;
}

/**
 * Reads `?lastSeq=&epoch=&batch=&topics=&cf=&keyPrefix=`; a bad one is a 400 naming it (an unknown
 * topic, a `lastSeq` that is not a non-negative integer, a `batch` other than 0 or 1, an epoch that
 * is not 1 to 64 characters).
 *
 * @example
 * ```ts
 * streamQuery(new URL('http://x/events/stream?lastSeq=41&batch=1')); // { lastSeq: 41, batch: true, ... }
 * ```
 */
export function streamQuery(url: URL): StreamQuery {
  const { topics, filter } = subscriptionFromQuery(url);
  const lastSeq = intParam(url, 'lastSeq');
  const batch = url.searchParams.get('batch');
  if (batch !== null && batch !== '0' && batch !== '1') throw new HttpError(400, 'Query parameter "batch" must be 0 or 1');
  const epoch = epochParam(url);
  return { lastSeq, epoch, batch: batch === '1', topics, filter };
}
