/*
 * Public API surface of ngx-realtime.
 */
export * from './lib/protocol';
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
} from './lib/frame-validation';

export { WebSocketService, type KeyChangeFilter } from './lib/websocket.service';
export { liveResource, type LiveResourceOptions } from './lib/live-resource';
export { LiveSnapshot, liveSnapshot, snapshotFromResponse, type LiveLoadResult } from './lib/live-snapshot';
export { reduceKeyed, reduceKeyChanges, type KeyedReducerOptions } from './lib/reduce-keyed';
export {
  provideRealtime,
  withReconnect,
  withHeartbeat,
  withPollingFallback,
  withNoPollingFallback,
  withAuth,
  withBatching,
  withTabSharing,
  type RealtimeFeature,
  type RealtimeFeatureKind,
} from './lib/provide-realtime';
export {
  REALTIME_CONFIG,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_POLLING_FALLBACK_OPTIONS,
  DEFAULT_TOKEN_WAIT_MS,
  resolveSocketUrl,
  resolvePollUrl,
  type RealtimeConfig,
  type ReconnectOptions,
  type HeartbeatOptions,
  type AuthOptions,
  type PollingFallbackOptions,
  type ResolvedRealtimeConfig,
} from './lib/realtime-config';
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
} from './lib/connection-state';
export { type RealtimeError } from './lib/realtime-error';
export { type TokenProvider } from './lib/token-provider';
export { tokenRefreshDelayMs } from './lib/token-refresh';
export { RealtimeClock, BrowserRealtimeClock, RANDOM_SOURCE, type TimerHandle } from './lib/clock';
export { backoffDelayMs, type BackoffOptions } from './lib/backoff';
export {
  RealtimeBackend,
  BrowserRealtimeBackend,
  RealtimePollError,
  type RealtimeSocket,
  type SocketListener,
  type SocketCloseInfo,
  type PollRequest,
} from './lib/realtime-backend';
export { NetworkStatus, BrowserNetworkStatus, type WakeReason } from './lib/network-status';
export { TabSharingPlatform, BrowserTabSharingPlatform, type TabLocks, type TabChannel } from './lib/tab-sharing-platform';
