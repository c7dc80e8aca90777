/**
 * How events arrive: a WebSocket, a Server-Sent Events stream read with `fetch`, or HTTP long
 * polling. The order is the fallback order: each is tried only when the one before cannot work.
 *
 * @example
 * ```ts
 * const degraded = computed(() => realtime.connectionState().transport !== 'websocket');
 * ```
 */
export type TransportKind = 'websocket' | 'sse' | 'polling';

/**
 * Every {@link TransportKind}, best first.
 *
 * @example
 * ```ts
 * const next = TRANSPORT_ORDER[TRANSPORT_ORDER.indexOf('websocket') + 1]; // 'sse'
 * ```
 */
export const TRANSPORT_ORDER: readonly TransportKind[] = ['websocket', 'sse', 'polling'];
