/**
 * The ApexStore realtime wire protocol, version 1: every frame, event, close code and HTTP body
 * that crosses the wire between the SDK and a server.
 *
 * This module is framework-free on purpose (no Angular, no RxJS): the SDK and the Bun mock server
 * both import it, so the two can never disagree about the shape of a message.
 * `docs/protocol.md` is its prose companion and must change with it.
 *
 * @example
 * ```ts
 * import { CLOSE_CODES, type ServerEvent } from 'ngx-realtime';
 * if (closeEvent.code === CLOSE_CODES.tokenExpired) refreshToken();
 * ```
 */

/** Version number sent in `welcome.protocol`. Bumped only on breaking changes. */
export const PROTOCOL_VERSION = 1 as const;

// ---------------------------------------------------------------------------------------------
// Close codes
// ---------------------------------------------------------------------------------------------

/**
 * WebSocket close codes the server uses, by meaning.
 *
 * @example
 * ```ts
 * socket.onclose = (e) => { if (e.code === CLOSE_CODES.invalidToken) showLogin(); };
 * ```
 */
export const CLOSE_CODES = {
  /** Client asked to close. */
  normal: 1000,
  /** Graceful server shutdown: reconnect with backoff. */
  goingAway: 1001,
  /** A binary frame was sent; the protocol is JSON text only. */
  unsupportedData: 1003,
  /** No close frame at all (network cut). Never sent on the wire, only observed. */
  abnormal: 1006,
  /** Rate limit: too many client frames in the window. */
  rateLimited: 1008,
  /** A client frame was larger than the size limit. */
  messageTooBig: 1009,
  /** No `auth` frame arrived within `authTimeoutMs`. */
  authTimeout: 4001,
  /** No client frame for `heartbeat.timeoutMs` (a client answers every server `ping` with a `pong`). */
  heartbeatTimeout: 4002,
  /** The token is unknown or malformed: do not retry with it. */
  invalidToken: 4003,
  /** The token expired (at connect or mid-session): refresh it, then reconnect. */
  tokenExpired: 4004,
  /** The session was revoked by logout: do not reconnect. */
  sessionRevoked: 4005,
} as const;

/** One of the numeric values of {@link CLOSE_CODES}. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

// ---------------------------------------------------------------------------------------------
// Defaults and limits (server side; the SDK reads the ones that matter from `welcome`)
// ---------------------------------------------------------------------------------------------

/**
 * Default numbers of the protocol. A server may be configured otherwise; `welcome` tells the
 * client the heartbeat figures actually in force.
 *
 * @example
 * ```ts
 * const tooBig = new TextEncoder().encode(frame).length > PROTOCOL_DEFAULTS.maxFrameBytes;
 * ```
 */
export const PROTOCOL_DEFAULTS = {
  authTimeoutMs: 5_000,
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 45_000,
  statsIntervalMs: 5_000,
  maxFrameBytes: 4_096,
  rateLimitFrames: 20,
  rateLimitWindowMs: 10_000,
  retainEvents: 10_000,
  pollMaxWaitMs: 30_000,
  pollMaxEvents: 500,
  maxBatchBytes: 65_536,
} as const;

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** Names of every event type; also the topic names accepted by `subscribe` and `?topics=`. */
export const EVENT_TYPES = [
  'key_change',
  'compaction_status',
  'health_change',
  'sync_event',
  'snapshot_event',
  'stats_update',
] as const;

/** An event type name, used as a topic. */
export type EventType = (typeof EVENT_TYPES)[number];

/** A topic a client can subscribe to: one per event type. */
export type Topic = EventType;

/** Fields every durable (sequenced) event carries. */
export interface SequencedEventBase {
  /** Strictly increasing across the whole server and across restarts. */
  seq: number;
  /** Milliseconds since the Unix epoch when the event happened. */
  timestamp: number;
}

/** A key was written or deleted. `value` is present for `put` only. */
export interface KeyChangeEvent extends SequencedEventBase {
  type: 'key_change';
  operation: 'put' | 'delete';
  key: string;
  cf: string;
  value?: string;
}

/** Progress figures of a compaction; which ones are present depends on `status`. */
export interface CompactionDetails {
  /** 0..1 */
  progress?: number;
  filesMerged?: number;
  bytesRead?: number;
  bytesWritten?: number;
  error?: string;
}

/** A compaction of one column family started, progressed, completed or failed. */
export interface CompactionEvent extends SequencedEventBase {
  type: 'compaction_status';
  status: 'started' | 'progress' | 'completed' | 'failed';
  cf: string;
  details: CompactionDetails;
}

/** Names of the health probes. */
export type HealthProbe = 'liveness' | 'readiness' | 'startup';

/** A health probe changed state. */
export interface HealthEvent extends SequencedEventBase {
  type: 'health_change';
  probe: HealthProbe;
  status: 'healthy' | 'unhealthy';
  reason?: string;
}

/** Replication / sync progress. */
export interface SyncEvent extends SequencedEventBase {
  type: 'sync_event';
  status: 'started' | 'completed' | 'conflict';
  details: Record<string, unknown>;
}

/** A snapshot was started, completed or failed. */
export interface SnapshotEvent extends SequencedEventBase {
  type: 'snapshot_event';
  status: 'started' | 'completed' | 'failed';
  snapshotId: string;
  details: Record<string, unknown>;
}

/** Every durable event: these have a `seq`, are retained and can be replayed. */
export type SequencedEvent = KeyChangeEvent | CompactionEvent | HealthEvent | SyncEvent | SnapshotEvent;

/** Body of `GET /stats`, also carried by `stats_update`. */
export interface StatsBody {
  sst_files: number;
  sst_kb: number;
  mem_records: number;
  mem_kb: number;
  wal_kb: number;
  total_records: number;
  /** Authenticated sockets on the instance that answered. */
  wsConnections: number;
  /** Authenticated sockets on every instance of the stream (equal to `wsConnections` on one); absent on older servers. */
  wsConnectionsTotal?: number;
  uptimeMs: number;
}

/** Volatile periodic stats push: no `seq`, never replayed, never sent over long polling. */
export interface StatsUpdateEvent {
  type: 'stats_update';
  timestamp: number;
  stats: StatsBody;
}

/** Every event an app can receive: the durable ones and the volatile stats push. */
export type ServerEvent = SequencedEvent | StatsUpdateEvent;

// ---------------------------------------------------------------------------------------------
// Server control frames
// ---------------------------------------------------------------------------------------------

/** Heartbeat figures in force on a connection. */
export interface HeartbeatConfig {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * First frame after successful auth. `lastSeq` is the newest seq the server has issued;
 * `tokenExpiresAt` is when the connection's token expires (server clock), so the client can rotate
 * it in time with an `auth` frame. `epoch` names the event history: it changes whenever the history
 * was lost (a new database, a flushed Redis), so a seq is only meaningful with its epoch.
 */
export interface WelcomeFrame {
  type: 'welcome';
  protocol: typeof PROTOCOL_VERSION;
  connectionId: string;
  userId: string;
  serverTime: number;
  heartbeat: HeartbeatConfig;
  lastSeq: number;
  tokenExpiresAt: number;
  /** Absent on servers that predate epochs. */
  epoch?: string;
}

/** Answer to a client `ping`, echoing its `id`. */
export interface PongFrame {
  type: 'pong';
  id: string;
  serverTime: number;
}

/**
 * The server's heartbeat, every `heartbeat.intervalMs` after `welcome`; the client answers with a
 * {@link ClientPongFrame} at once. `rttMs` is the round trip of the previous ping as the server
 * measured it (absent on the first ping).
 */
export interface ServerPingFrame {
  type: 'ping';
  id: string;
  serverTime: number;
  rttMs?: number;
}

/** Answer to an `auth` frame on an authenticated socket: the new token is in force until `tokenExpiresAt`. */
export interface AuthOkFrame {
  type: 'auth_ok';
  tokenExpiresAt: number;
  serverTime: number;
}

/** Server-side filter on `key_change` (and `compaction_status` for `cf`). */
export interface EventFilter {
  cf?: string;
  keyPrefix?: string;
}

/** Answer to `subscribe`: the topics and filter now in force. */
export interface SubscribedFrame {
  type: 'subscribed';
  topics: Topic[];
  filter: EventFilter;
}

/** End of a replay: events `fromSeq..toSeq` (inclusive, `count` of them after filtering) were sent. */
export interface ResumedFrame {
  type: 'resumed';
  fromSeq: number;
  toSeq: number;
  count: number;
}

/** The requested history is gone: the client must refetch its state, then continue from `lastSeq`. */
export interface ResyncFrame {
  type: 'resync';
  /** `history_expired`: the missed events are no longer retained; `epoch_changed`: the history they belonged to is gone. */
  reason: ResyncReason;
  lastSeq: number;
}

/**
 * Why a resume could not replay.
 *
 * @example
 * ```ts
 * realtime.resync$.subscribe((r) => r.reason === 'epoch_changed' && console.warn('server history was lost'));
 * ```
 */
export type ResyncReason = 'history_expired' | 'epoch_changed';

/** Codes of non-fatal `error` frames. */
export type ProtocolErrorCode =
  | 'invalid_json'
  | 'unknown_type'
  | 'invalid_frame'
  | 'not_authenticated'
  | 'auth_failed';

/** A non-fatal error; the connection stays open. */
export interface ErrorFrame {
  type: 'error';
  code: ProtocolErrorCode;
  message: string;
}

/**
 * Several sequenced events in one frame, for a client that announced support (`?batch=1`, or
 * `batch: true` in its `auth` frame). Each element is a normal sequenced event; elements are in seq
 * order. Sent only when more than one event is waiting: a lone event goes out as its own frame.
 */
export interface BatchFrame {
  type: 'batch';
  events: SequencedEvent[];
}

/**
 * The server is ending a Server-Sent Events stream ({@link SSE_STREAM_PATH}), which has no close
 * code of its own: `code` is the one a WebSocket would have been closed with (4004 token expired,
 * 4005 session revoked, 1001 shutting down), and the response ends right after this frame. Never
 * sent on a WebSocket. A stream that ends without it was cut (like close code 1006).
 *
 * @example
 * ```ts
 * if (frame.type === 'closing' && frame.code === CLOSE_CODES.tokenExpired) reconnectWithFreshToken();
 * ```
 */
export interface ClosingFrame {
  type: 'closing';
  /** A close code (1000..4999); see {@link CLOSE_CODES}. */
  code: number;
  /** Informative only, like a close reason. */
  reason: string;
}

/** Frames the server sends that are not events. */
export type ControlFrame =
  | WelcomeFrame
  | PongFrame
  | ServerPingFrame
  | AuthOkFrame
  | SubscribedFrame
  | ResumedFrame
  | ResyncFrame
  | ErrorFrame
  | BatchFrame
  | ClosingFrame;

/** Everything the server can send, over the WebSocket or as the `data` of a Server-Sent Event. */
export type ServerFrame = ServerEvent | ControlFrame;

// ---------------------------------------------------------------------------------------------
// Server-Sent Events: the same server frames over a streaming HTTP response
// ---------------------------------------------------------------------------------------------

/**
 * The native protocol over Server-Sent Events, for networks that break WebSocket upgrades:
 * `GET /events/stream?lastSeq=&epoch=&batch=1&topics=&cf=&keyPrefix=` with
 * `Authorization: Bearer <token>` (or `?token=`). Each server frame is one event, `data: <frame
 * JSON>`, with `id: <seq>` on sequenced events and batches (their last seq); there is no `event:`
 * line. Refusals before the stream starts are plain JSON answers (401, 403, 400, 503); ends decided
 * by the server arrive in-band as a {@link ClosingFrame}. One-way: no pongs, no token rotation
 * (reconnect with a fresh token and `lastSeq`).
 *
 * @example
 * ```ts
 * const res = await fetch(`${base}${SSE_STREAM_PATH}?lastSeq=${lastSeq}&epoch=${epoch}`, { headers: { Authorization: `Bearer ${token}` } });
 * ```
 */
export const SSE_STREAM_PATH = '/events/stream';

/**
 * The `Content-Type` of a successful {@link SSE_STREAM_PATH} answer; anything else (JSON) is a refusal.
 *
 * @example
 * ```ts
 * if (res.ok && res.headers.get('content-type')?.startsWith('text/event-stream')) readStream(res.body!);
 * ```
 */
export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

// ---------------------------------------------------------------------------------------------
// Client frames
// ---------------------------------------------------------------------------------------------

/**
 * Authenticate after connecting, when the token is not in the URL or a header; on an authenticated
 * socket, rotate to a fresh token of the same user (answered by `auth_ok` or an `auth_failed` error).
 */
export interface AuthFrame {
  type: 'auth';
  token: string;
  /** First-frame auth only: the client can receive `batch` frames (as `?batch=1` says in the URL). */
  batch?: boolean;
}

/** Measure the round trip; the server answers `pong` with the same `id`. */
export interface PingFrame {
  type: 'ping';
  id: string;
}

/** Answer to a server `ping`, echoing its `id`. */
export interface ClientPongFrame {
  type: 'pong';
  id: string;
}

/** Replace the connection's topics and filter. Omitted `topics` means all. */
export interface SubscribeFrame {
  type: 'subscribe';
  topics?: Topic[];
  filter?: EventFilter;
}

/** Ask for a replay of every retained event after `lastSeq`. */
export interface ResumeFrame {
  type: 'resume';
  lastSeq: number;
  /** The epoch `lastSeq` belongs to; a different one than the server's means `resync`. */
  epoch?: string;
}

/** Everything a client can send. */
export type ClientFrame = AuthFrame | PingFrame | ClientPongFrame | SubscribeFrame | ResumeFrame;

// ---------------------------------------------------------------------------------------------
// HTTP bodies
// ---------------------------------------------------------------------------------------------

/**
 * `GET /events/poll` answer. `lastSeq` is where the next poll's `since` should start;
 * `tokenExpiresAt` and `serverTime` let a polling client rotate its token in time.
 */
export interface PollResponse {
  events: SequencedEvent[];
  lastSeq: number;
  resync?: ResyncFrame;
  tokenExpiresAt?: number;
  serverTime?: number;
  /** The server's epoch; the next poll sends it back as `?epoch=`. */
  epoch?: string;
}

/** `POST /auth/login` body. */
export interface LoginRequest {
  username: string;
  password: string;
}

/** Permissions a user can hold, as ApexStore names them. */
export type Permission = 'Read' | 'Write' | 'Admin';

/** A signed-in user. */
export interface AuthUser {
  id: string;
  name: string;
  permissions: Permission[];
}

/** `POST /auth/login` and `POST /auth/refresh` answer. `expiresAt` is ms since epoch. */
export interface LoginResponse {
  token: string;
  expiresAt: number;
  user: AuthUser;
}

/** Every HTTP error body: `{ "error": "..." }`. */
export interface HttpErrorBody {
  error: string;
}

/** The exact 401/403 messages ApexStore uses. */
export const HTTP_ERRORS = {
  missingAuth: 'Missing authorization header',
  invalidToken: 'Invalid authentication token',
  tokenExpired: 'Token has expired',
  forbidden: 'Insufficient permissions',
} as const;

/** `GET /keys/{key}` answer. */
export interface KeyValueBody {
  key: string;
  value: string;
  cf: string;
}

/**
 * `GET /keys?prefix=&limit=&cf=&after=` answer: one page, sorted by key.
 *
 * @example
 * ```ts
 * http.get<KeyListBody>('/keys', { params: { prefix: 'user:', limit: 50 } }).subscribe((page) => {
 *   show(`${page.count} of ${page.total}`);
 *   // The next page: the same query with after=page.next; next is null on the last page.
 *   if (page.next !== null) loadPage({ prefix: 'user:', limit: 50, after: page.next });
 * });
 * ```
 */
export interface KeyListBody {
  keys: KeyValueBody[];
  /** Rows in this page. */
  count: number;
  /** Every key of the column family with the prefix, in all pages. */
  total: number;
  /** The last key of this page when more keys follow it (pass it as `after`), else null. */
  next: string | null;
}

/**
 * The largest request body the server reads, in bytes; a larger one is answered `413` with a
 * {@link BodyTooLargeBody}. A `PUT /keys/{key}` body is `{"value":"..."}` as JSON, so the value
 * itself must be a little smaller.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ value });
 * if (new TextEncoder().encode(body).length > MAX_REQUEST_BODY_BYTES) return tooLarge(MAX_REQUEST_BODY_BYTES);
 * ```
 */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;

/**
 * The `413` answer to a body over {@link MAX_REQUEST_BODY_BYTES}:
 * `{"error":"Request body is too large: the limit is 1 MiB (1048576 bytes)","limitBytes":1048576}`.
 *
 * @example
 * ```ts
 * if (error.status === 413) show(`Too large: at most ${(error.error as BodyTooLargeBody).limitBytes} bytes`);
 * ```
 */
export interface BodyTooLargeBody extends HttpErrorBody {
  limitBytes: number;
}

/**
 * The longest key the server takes, in bytes of UTF-8; a longer one in `/keys/{key}` is a `400`.
 * Neither are the empty key nor `.` and `..` allowed: URLs resolve those as path segments (also as
 * `%2E`), so `/keys/..` never reaches the server as that key; refuse them before sending.
 *
 * @example
 * ```ts
 * const tooLong = new TextEncoder().encode(key).length > MAX_KEY_BYTES;
 * const unsendable = key === '' || key === '.' || key === '..';
 * ```
 */
export const MAX_KEY_BYTES = 1024;

/** `PUT /keys/{key}` body. */
export interface PutKeyRequest {
  value: string;
}

/** `GET /health/{probe}` answer, in ApexStore's shape. */
export interface ProbeBody {
  status: 'ok' | 'error';
  service: 'apexstore';
  endpoint: HealthProbe | 'check';
  details?: Record<string, unknown>;
  reason?: string;
}

/** `GET /health` answer. */
export interface HealthBody {
  status: 'healthy' | 'unhealthy';
  probes: Record<HealthProbe, 'healthy' | 'unhealthy'>;
  wsConnections: number;
}

/** A stored snapshot, as listed by `GET /admin/snapshots`. */
export interface SnapshotInfo {
  snapshotId: string;
  createdAt: number;
  records: number;
}

/**
 * Response header on the HTTP reads (`GET /keys`, `/keys/{key}`, `/stats`, `/health`,
 * `/admin/snapshots`, `/admin/compact`, `/admin/sync`, `/admin/column-families`): the newest seq the
 * answer reflects. Every event with a higher seq happened after the answer was computed; every event
 * up to it is already in it. On key writes (`PUT`/`DELETE /keys/{key}`) it is a seq at or after the
 * write's own event: the write is in the event stream once the client's lastSeq reaches it.
 * Cross-origin answers expose it with `Access-Control-Expose-Headers`.
 *
 * @example
 * ```ts
 * const seq = parseLastSeqHeader(response.headers.get(LAST_SEQ_HEADER)); // 41, or null without it
 * ```
 */
export const LAST_SEQ_HEADER = 'X-Last-Seq';

/**
 * `GET /admin/compact` answer: the newest retained `compaction_status` event, if any.
 *
 * @example
 * ```ts
 * http.get<CompactionStatusBody>('/admin/compact').subscribe(({ latest }) => show(latest?.status ?? 'idle'));
 * ```
 */
export interface CompactionStatusBody {
  latest: CompactionEvent | null;
}

/**
 * `GET /admin/column-families` answer: the column families that exist (`default` and every one
 * holding a key), sorted. `POST /admin/compact` refuses any other with `404`.
 *
 * @example
 * ```ts
 * http.get<ColumnFamiliesBody>('/admin/column-families').subscribe(({ columnFamilies }) => options.set(columnFamilies));
 * ```
 */
export interface ColumnFamiliesBody {
  columnFamilies: string[];
}

/**
 * `GET /admin/sync` answer: the newest retained `sync_event`, if any (a page opened mid-sync shows it).
 *
 * @example
 * ```ts
 * http.get<SyncStatusBody>('/admin/sync').subscribe(({ latest }) => show(latest?.status ?? 'never synced'));
 * ```
 */
export interface SyncStatusBody {
  latest: SyncEvent | null;
}
