import { LAST_SEQ_HEADER } from 'ngx-realtime';
import type { StreamMode } from './stream-mode';

/**
 * Asks the server which change stream it speaks, before the app starts, so one build serves both:
 * `GET /health` (no sign-in needed). A server that numbers its events says where its answer stands
 * (`X-Last-Seq`, on every read): the native protocol. An ApexStore 2.2 numbers nothing, so its
 * answer (`200`, or `503` while unhealthy) has no such header: its own change stream, read with
 * `apexStoreCdc()`. This asks nothing of the stream endpoints, so it opens no stream and is not
 * counted as a connection attempt. Anything else (the server down, a proxy's error page) keeps the
 * native protocol, the console's own.
 *
 * @example
 * ```ts
 * detectStreamMode().then((mode) => bootstrapApplication(App, appConfig(mode)));
 * ```
 */
export async function detectStreamMode(fetchFn: typeof fetch = (...args) => fetch(...args)): Promise<StreamMode> {
  try {
    const response = await fetchFn('/health', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (response.headers.has(LAST_SEQ_HEADER)) return 'native';
    return response.status === 200 || response.status === 503 ? 'apexstore-2.2' : 'native';
  } catch {
    return 'native';
  }
}
