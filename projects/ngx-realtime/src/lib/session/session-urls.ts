import { resolvePollUrl, resolveSocketUrl, resolveSseUrl, type ResolvedRealtimeConfig } from '../config/realtime-config';

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

/**
 * The endpoints of `config`, read again on each use, so a `url` function is asked before each
 * attempt; the stream and poll URLs derive from the socket URL last used, without asking the
 * function twice.
 *
 * @example
 * ```ts
 * const urls = sessionUrls(config, document.baseURI);
 * urls.socket; // 'wss://app.example.com/ws/events'
 * ```
 */
export function sessionUrls(config: ResolvedRealtimeConfig, base: string): SessionUrls {
  const read = (url: string | (() => string)) => (typeof url === 'function' ? url() : url);
  const paths = config.protocol.paths ?? {};
  let lastSocket: string | null = null;
  return {
    get socket() {
      return (lastSocket = resolveSocketUrl(read(config.url), base));
    },
    get sse() {
      const socket = lastSocket ?? this.socket;
      return resolveSseUrl(config.sseUrl === null ? null : read(config.sseUrl), socket, base, paths.sse ?? '/events');
    },
    get poll() {
      const socket = lastSocket ?? this.socket;
      return resolvePollUrl(config.pollUrl === null ? null : read(config.pollUrl), socket, base, paths.poll);
    },
  };
}
