import type { EventFilter, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseTopics } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { HttpError } from './http-util';

/**
 * Reads `?topics=a,b&cf=&keyPrefix=` (shared by `/ws/events` and `/events/poll`). Absent or empty
 * `topics` means every topic; an unknown topic is a 400.
 *
 * @example
 * ```ts
 * subscriptionFromQuery(new URL('http://x/events/poll?topics=key_change&keyPrefix=user:'));
 * // { topics: ['key_change'], filter: { keyPrefix: 'user:' } }
 * ```
 */
export function subscriptionFromQuery(url: URL): { topics: Topic[] | null; filter: EventFilter } {
  const rawTopics = url.searchParams.get('topics');
  let topics: Topic[] | null = null;
  if (rawTopics !== null && rawTopics !== '') {
    topics = parseTopics(rawTopics.split(',').map((t) => t.trim()));
    if (topics === null) throw new HttpError(400, 'Query parameter "topics" lists an unknown topic');
  }
  const filter: EventFilter = {};
  const cf = url.searchParams.get('cf');
  const keyPrefix = url.searchParams.get('keyPrefix');
  if (cf !== null && cf !== '') filter.cf = cf;
  if (keyPrefix !== null && keyPrefix !== '') filter.keyPrefix = keyPrefix;
  return { topics, filter };
}
