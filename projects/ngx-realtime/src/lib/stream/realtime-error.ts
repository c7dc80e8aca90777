/**
 * A problem the app may want to know about, delivered as a value on `WebSocketService.errors$`
 * (the streams of events never error). Known codes:
 * - `invalid_json`, `invalid_frame`, `unknown_type`: a frame from the server failed validation and was dropped.
 * - `server_error`: the server sent an `error` frame (`detail` is the frame).
 * - `token_provider_failed`: the `TokenProvider` threw, rejected or produced no token.
 * - `token_refresh_failed`: `withAuth(source, {refresh})` threw, rejected or produced no token.
 * - `token_rejected`: the server refused a rotated token (`auth_failed`); the connection keeps the
 *   one it had until that expires (`detail` is the frame).
 * - `poll_failed`: a long poll failed (`detail` is the `RealtimePollError`).
 * - `history_lost`: the server's sequence went backwards (e.g. it lost its data); a resync follows.
 * - `fallback_load_failed`: the fallback transports' code (a chunk loaded on first need) could not be
 *   loaded; the session goes back to the WebSocket and retries (`detail` is the import's error).
 *
 * Messages are for people; production builds shorten some (a rejected frame's says only its type).
 * Act on `code`.
 *
 * @example
 * ```ts
 * realtime.errors$.subscribe((e) => console.warn(`[realtime] ${e.code}: ${e.message}`));
 * ```
 */
export interface RealtimeError {
  code: string;
  message: string;
  detail?: unknown;
}
