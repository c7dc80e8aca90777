/*
 * Public API surface of ngx-realtime.
 */
export * from './lib/protocol/protocol';
export {
  parseServerFrame,
  readServerFrame,
  checkServerFrame,
  FrameRejection,
  parseClientFrame,
  isSequencedEvent,
  matchesSubscription,
  parseTopics,
  parseFilter,
  parseLastSeqHeader,
  type ParseResult,
} from './lib/protocol/frame-validation';

export {
  type RealtimeProtocol,
  type RealtimeEvent,
  type StreamPosition,
  type ProtocolCapabilities,
  type ProtocolReady,
  type ProtocolGap,
  type ProtocolSink,
  type ConnectContext,
  type ConnectRequest,
} from './lib/protocol/realtime-protocol';
export { protocolRooms, type ProtocolRooms, type RoomFrames, type RoomMembership } from './lib/protocol/protocol-rooms';
export { nativeProtocol } from './lib/protocol/native-protocol';
export { type RealtimeEventMap } from './lib/protocol/realtime-event-map';
export { apexStoreCdc, type ApexStoreCdcOptions } from './lib/protocol/apexstore-cdc';
export { type ApexStoreKeyChange } from './lib/protocol/apexstore-cdc-codec';

export { WebSocketService, type KeyChangeFilter } from './lib/service/websocket.service';
export { liveResource, type LiveResourceOptions } from './lib/live/live-resource';
export { LiveSnapshot, liveSnapshot, snapshotFromResponse, type LiveLoadResult } from './lib/live/live-snapshot';
export { reduceKeyed, reduceKeyChanges, type KeyedReducer, type KeyedReducerOptions } from './lib/live/reduce-keyed';
export { batchReducer, type LiveReducer } from './lib/live/live-reducer';
export {
  provideRealtime,
  withReconnect,
  withHeartbeat,
  withPollingFallback,
  withNoPollingFallback,
  withAuth,
  withBatching,
  withTabSharing,
  withProtocol,
  withTransports,
} from './lib/config/provide-realtime';
export { type RealtimeFeature, type RealtimeFeatureKind } from './lib/config/realtime-feature';
export {
  REALTIME_CONFIG,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_POLLING_FALLBACK_OPTIONS,
  DEFAULT_TOKEN_WAIT_MS,
  resolveSocketUrl,
  resolvePollUrl,
  resolveSseUrl,
  type RealtimeConfig,
  type ReconnectOptions,
  type HeartbeatOptions,
  type AuthOptions,
  type PollingFallbackOptions,
  type ResolvedRealtimeConfig,
} from './lib/config/realtime-config';
export {
  INITIAL_CONNECTION_STATE,
  connectionReducer,
  reasonForCloseCode,
  type ConnectionStatus,
  type TransportKind,
  type TabRole,
  type ConnectionState,
  type DisconnectReason,
  type ConnectionAction,
} from './lib/stream/connection-state';
export { type RealtimeError } from './lib/stream/realtime-error';
export { type RealtimeResync } from './lib/stream/realtime-resync';
export { type TokenProvider } from './lib/session/token-provider';
export { tokenRefreshDelayMs } from './lib/session/token-refresh';
export { RealtimeClock, BrowserRealtimeClock, RANDOM_SOURCE, type TimerHandle } from './lib/platform/clock';
export { backoffDelayMs, type BackoffOptions } from './lib/session/backoff';
export {
  RealtimeBackend,
  BrowserRealtimeBackend,
  type RealtimeIo,
  type RealtimeSocket,
  type SocketListener,
  type SocketCloseInfo,
  type PollRequest,
  type StreamRequest,
  type StreamListener,
  type StreamCloseInfo,
  type RealtimeStream,
} from './lib/transport/realtime-backend';
export { RealtimePollError } from './lib/transport/realtime-poll-error';
export { preloadRealtimeFallbacks } from './lib/fallbacks/load-fallbacks';
export { NetworkStatus, BrowserNetworkStatus, type WakeReason } from './lib/platform/network-status';
export { TabSharingPlatform, BrowserTabSharingPlatform, type TabLocks, type TabChannel } from './lib/platform/tab-sharing-platform';

export {
  ignisProtocol,
  type IgnisProtocolOptions,
  type IgnisEvent,
  type IgnisConnectedEvent,
} from './lib/protocol/ignis-protocol';
export { jsonEventsProtocol, type JsonEventsOptions, type JsonEvent } from './lib/protocol/json-events-protocol';
