import { isApexStoreKeyChange, readCdcFrame } from './apexstore-cdc-codec';
import type { ConnectContext, ConnectRequest, ProtocolCapabilities, RealtimeEvent, RealtimeProtocol } from './realtime-protocol';

/**
 * Options of {@link apexStoreCdc}.
 *
 * - `transport`: `'sse'` (the default) reads `GET /events` with `fetch`, the token in an
 *   `Authorization: Bearer` header. `'websocket'` opens `/ws/events` (the configured `url`) and falls
 *   back to `/events` when the socket cannot be opened; a browser's WebSocket cannot carry that
 *   header, so it needs `auth: false`.
 * - `auth`: `false` says the server runs with authentication disabled, which is what makes
 *   `transport: 'websocket'` usable. The app still calls `connect()` with some non-empty token (any
 *   string): the stream sends it as the bearer, and a server without auth lets every bearer through.
 * - `operation`: only `'put'`s or only `'delete'`s, filtered by the server (`?type=`).
 *
 * @example
 * ```ts
 * const options: ApexStoreCdcOptions = { operation: 'put' };
 * provideRealtime({ url: 'https://store.example.com/ws/events' }, withProtocol(apexStoreCdc(options)));
 * ```
 */
export interface ApexStoreCdcOptions {
  readonly transport?: 'sse' | 'websocket';
  readonly auth?: boolean;
  readonly operation?: 'put' | 'delete';
}

/**
 * ApexStore 2.2's own change stream (`GET /events` as Server-Sent Events, `GET /ws/events` as a
 * WebSocket; the same JSON on both), as a protocol for `withProtocol()`. Each `put`/`delete` becomes
 * a `key_change` event (`ApexStoreKeyChange`: the native event's fields without `seq`), so
 * `onKeyChanges()` and `liveResource()` work unchanged.
 *
 * Where it connects: the Server-Sent Events stream is `/events` on the origin of the configured
 * `url`, so `provideRealtime({ url: 'https://store.example.com/ws/events' })` reads
 * `https://store.example.com/events` (`sseUrl` overrides it). The WebSocket is the `url` itself.
 *
 * What it can do, and so what the SDK does with it:
 * - No replay: ApexStore numbers nothing and keeps no history. Every reconnect emits `resync$` with
 *   reason `reconnected` (reload what you show); a `lag` message (the server dropped changes for
 *   this slow client) emits `resync$` with reason `lag` and `skipped`.
 * - No rotation on the open connection: a fresh token from `withAuth()` opens a new stream beside
 *   the live one and switches when it is ready (which is a reconnect, so `resync$` follows).
 * - Tokens: ApexStore refuses a bad or expired token alike with 401, so every 401 counts as
 *   expired: the SDK asks for a fresh token once, and ends `unauthorized` only when that one is
 *   refused too. A 403 (the token lacks the Read permission) ends `unauthorized` at once.
 * - Filters: `provideRealtime({ filter: { keyPrefix } })` is sent as `?prefix=`, and the `operation`
 *   option as `?type=`. ApexStore has no server-side filter by column family or topic: `filter.cf`
 *   and `topics` are not sent (dev mode warns about `cf`; filter with `onKeyChanges({ cf })`).
 * - No server heartbeat: the server writes nothing while idle, so silence is never judged by default
 *   (a quiet store would look dead). A dead stream is noticed when the browser's request fails or
 *   ends (a reset connection, a network change, a proxy's idle timeout), which reconnects. For a
 *   server known to write more often than some interval, `withHeartbeat({ timeoutMs })` declares a
 *   stream dead after that much silence. See `docs/apexstore-2.2.md`, "Noticing a dead stream".
 *
 * @throws Error (`ngx-realtime: …`), in dev mode, at the call: for `transport: 'websocket'` without
 * `auth: false` (no token could reach the server: every connection would be refused with 401), and
 * for option values it does not know.
 *
 * @example
 * ```ts
 * provideRealtime(
 *   { url: 'https://store.example.com/ws/events', filter: { keyPrefix: 'user:' } },
 *   withProtocol(apexStoreCdc()),
 *   withAuth(() => inject(AuthService).token$),
 * );
 * // a server running without authentication, over its WebSocket:
 * provideRealtime({ url: 'wss://store.example.com/ws/events' }, withProtocol(apexStoreCdc({ transport: 'websocket', auth: false })));
 * ```
 */
export function apexStoreCdc(options: ApexStoreCdcOptions = {}): RealtimeProtocol {
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkOptions(options);
  const operation = options.operation;
  const capabilities: ProtocolCapabilities = {
    replay: false,
    serverHeartbeat: false,
    rotation: false,
    batching: false,
    rooms: false,
    transports: options.transport === 'websocket' ? ['websocket', 'sse'] : ['sse'],
  };
  let cfWarned = false;
  return {
    name: 'apexstore-cdc',
    capabilities,
    paths: { sse: '/events' },

    connect(context: ConnectContext): ConnectRequest {
      const url = new URL(context.url);
      const prefix = context.params['keyPrefix'];
      if (prefix !== undefined) url.searchParams.set('prefix', prefix);
      if (operation !== undefined) url.searchParams.set('type', operation);
      if ((typeof ngDevMode === 'undefined' || ngDevMode) && !cfWarned && context.params['cf'] !== undefined) {
        cfWarned = true;
        console.warn(
          `ngx-realtime: ApexStore 2.2 cannot filter its change stream by column family, so provideRealtime({filter: {cf: '${context.params['cf']}'}}) ` +
            'is not applied by the server. Filter on the client with onKeyChanges({cf}).',
        );
      }
      // The token never goes into the URL (ApexStore reads only the header, and URLs end up in logs),
      // so a WebSocket carries none: apexStoreCdc() refused that combination unless auth is off.
      if (context.transport === 'websocket' || context.token === null) return { url: url.toString() };
      return { url: url.toString(), headers: { Authorization: `Bearer ${context.token}` } };
    },

    read: readCdcFrame,

    // A stream cannot carry it, and ApexStore ignores what a socket client sends: a fresh token reconnects.
    rotate: () => null,
    // The server answers only WebSocket-level pings, which browsers cannot send.
    ping: () => null,

    checkEvent(value: unknown): value is RealtimeEvent {
      return isApexStoreKeyChange(value);
    },

    // A bad token and an expired one both come back as 401; refreshing once tells them apart.
    tokenExpired: (status: number) => status === 401,
  };
}

function checkOptions(options: ApexStoreCdcOptions): void {
  const { transport, auth, operation } = options;
  if (transport !== undefined && transport !== 'sse' && transport !== 'websocket') {
    throw new Error(`ngx-realtime: apexStoreCdc({transport}) must be 'sse' or 'websocket', got '${String(transport)}'.`);
  }
  if (operation !== undefined && operation !== 'put' && operation !== 'delete') {
    throw new Error(`ngx-realtime: apexStoreCdc({operation}) must be 'put' or 'delete', got '${String(operation)}'.`);
  }
  if (auth !== undefined && typeof auth !== 'boolean') {
    throw new Error(`ngx-realtime: apexStoreCdc({auth}) must be true or false, got '${String(auth)}'.`);
  }
  if (transport === 'websocket' && auth !== false) {
    throw new Error(
      "ngx-realtime: apexStoreCdc({transport: 'websocket'}) cannot send a token: a browser's WebSocket carries no headers, " +
        'and ApexStore 2.2 reads the token only from the Authorization header, so every connection would be refused with 401. ' +
        "Keep the default Server-Sent Events transport (apexStoreCdc()), which sends it, or pass {transport: 'websocket', auth: false} " +
        'if the server runs with authentication disabled.',
    );
  }
}
