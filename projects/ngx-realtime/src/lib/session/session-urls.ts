/**
 * The endpoints of one session, one per transport, read again on each use (a `url` function is
 * asked before each attempt).
 *
 * @example
 * ```ts
 * const stream = new SseTransport({ ..., request: protocol.connect({ url: urls.sse, ... }) });
 * ```
 */
export interface SessionUrls {
  readonly socket: string;
  readonly sse: string;
  readonly poll: string;
}
