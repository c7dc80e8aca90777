/**
 * Runtime validation of wire frames, framework-free so the SDK and the mock server share it.
 * Nothing from the network is trusted as typed until it has passed through here.
 *
 * Why a frame was rejected is spelled out in development builds (and on the server). Each message
 * sits behind `ngDevMode`, written out where it is used: a production build defines it as `false`,
 * and a minifier drops a message only where it sees that (a constant standing for it would not be
 * inlined across the chunks of a split build). Production builds keep the code and the frame's type.
 */
import {
  EVENT_TYPES,
  type ClientFrame,
  type EventFilter,
  type ProtocolErrorCode,
  type ResyncReason,
  type SequencedEvent,
  type ServerFrame,
  type Topic,
} from './protocol';

// Angular declares it for apps; the mock server, which shares this file, does not.
declare const ngDevMode: unknown;

/** Result of parsing a frame: the typed frame, or why it was rejected. */
export type ParseResult<T> =
  | { ok: true; frame: T }
  | { ok: false; code: ProtocolErrorCode; message: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const oneOf = <T extends string>(v: unknown, options: readonly T[]): v is T =>
  typeof v === 'string' && (options as readonly string[]).includes(v);
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
/**
 * An epoch: a short opaque string (1 to 64 characters).
 *
 * @example
 * ```ts
 * isEpoch(url.searchParams.get('epoch')); // false for null or ''
 * ```
 */
export const isEpoch = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
const RESYNC_REASONS: readonly ResyncReason[] = ['history_expired', 'epoch_changed'];
const COMPACTION_STATUSES = ['started', 'progress', 'completed', 'failed'] as const;
const HEALTH_PROBES = ['liveness', 'readiness', 'startup'] as const;
const HEALTH_STATUSES = ['healthy', 'unhealthy'] as const;
const SYNC_STATUSES = ['started', 'completed', 'conflict'] as const;
const SNAPSHOT_STATUSES = ['started', 'completed', 'failed'] as const;
const isProgress = (p: unknown): boolean => isFiniteNumber(p) && p >= 0 && p <= 1;
// The range WebSocket close codes live in, so a `closing` frame can carry any of them, future ones too.
const isCloseCode = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 4999;

/**
 * Why a frame was rejected. A class, so the hot path can tell a rejection from a frame with one
 * `instanceof` and no wrapper object per accepted frame.
 *
 * @example
 * ```ts
 * const frame = readServerFrame(data);
 * if (frame instanceof FrameRejection) report(frame.code, frame.message);
 * ```
 */
export class FrameRejection {
  readonly ok = false;
  constructor(
    readonly code: ProtocolErrorCode,
    readonly message: string,
  ) {}
}

const NOT_TEXT = Object.freeze(
  new FrameRejection('invalid_frame', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'frames must be JSON text' : 'not text'),
);
const NOT_JSON = Object.freeze(
  new FrameRejection('invalid_json', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'frame is not valid JSON' : 'not JSON'),
);
const NOT_TYPED = Object.freeze(
  new FrameRejection('invalid_frame', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'frame must be an object with a string "type"' : 'no type'),
);

function decode(raw: unknown): ParseResult<Json> {
  if (typeof raw !== 'string') return { ok: false, code: NOT_TEXT.code, message: NOT_TEXT.message };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: NOT_JSON.code, message: NOT_JSON.message };
  }
  if (!isObject(value) || !isString(value['type'])) return { ok: false, code: NOT_TYPED.code, message: NOT_TYPED.message };
  return { ok: true, frame: value };
}

/** A frame of `type` with wrong fields; `detail` says which (development builds only: `false` otherwise). */
const bad = (type: string, detail: string | false): FrameRejection =>
  new FrameRejection('invalid_frame', detail === false ? type : `${type}: ${detail}`);
const refuse = (type: string, detail: string): ParseResult<never> => ({ ok: false, code: 'invalid_frame', message: `${type}: ${detail}` });

function hasEventBase(f: Json): boolean {
  return isSeq(f['seq']) && isFiniteNumber(f['timestamp']);
}

/**
 * Checks one durable event's fields; returns why they are wrong (`false` in production builds,
 * which do not say), or `null` when they are right.
 */
function sequencedEventProblem(f: Json): string | false | null {
  if (!hasEventBase(f)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs integer "seq" >= 0 and numeric "timestamp"';
  switch (f['type']) {
    case 'key_change': {
      const operation = f['operation'];
      if (!isString(f['key']) || !isString(f['cf'])) {
        return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"key" and "cf" must be strings';
      }
      if (operation === 'put') {
        return isString(f['value']) ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'put needs a string "value"';
      }
      if (operation === 'delete') {
        return f['value'] === undefined ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'delete carries no "value"';
      }
      return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"operation" must be put or delete';
    }
    case 'compaction_status': {
      if (!oneOf(f['status'], COMPACTION_STATUSES)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'bad "status"';
      if (!isString(f['cf'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"cf" must be a string';
      const d = f['details'];
      if (!isObject(d)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"details" must be an object';
      if (!optional(d['progress'], isProgress)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"progress" must be 0..1';
      for (const n of ['filesMerged', 'bytesRead', 'bytesWritten']) {
        if (!optional(d[n], isFiniteNumber)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${n}" must be a number`;
      }
      if (!optional(d['error'], isString)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"error" must be a string';
      return null;
    }
    case 'health_change':
      if (!oneOf(f['probe'], HEALTH_PROBES)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'bad "probe"';
      if (!oneOf(f['status'], HEALTH_STATUSES)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'bad "status"';
      if (!optional(f['reason'], isString)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"reason" must be a string';
      return null;
    case 'sync_event':
      if (!oneOf(f['status'], SYNC_STATUSES)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'bad "status"';
      if (!isObject(f['details'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"details" must be an object';
      return null;
    case 'snapshot_event':
      if (!oneOf(f['status'], SNAPSHOT_STATUSES)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'bad "status"';
      if (!isString(f['snapshotId'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"snapshotId" must be a string';
      if (!isObject(f['details'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"details" must be an object';
      return null;
    default:
      return (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'not a sequenced event';
  }
}

/**
 * Validates a durable event that arrived as a parsed value (for example inside a poll response).
 *
 * @example
 * ```ts
 * const events = body.events.filter(isSequencedEvent);
 * ```
 */
export function isSequencedEvent(value: unknown): value is SequencedEvent {
  return isObject(value) && sequencedEventProblem(value) === null;
}

/**
 * Reads an `X-Last-Seq` header value: a non-negative safe integer, or null when it is absent or
 * malformed (a server that does not send it, or a proxy that mangled it).
 *
 * @example
 * ```ts
 * parseLastSeqHeader(response.headers.get(LAST_SEQ_HEADER)); // 41
 * parseLastSeqHeader('4x'); // null
 * ```
 */
export function parseLastSeqHeader(value: string | null | undefined): number | null {
  if (value == null || !/^\d{1,16}$/.test(value.trim())) return null;
  const seq = Number(value.trim());
  return Number.isSafeInteger(seq) ? seq : null;
}

const STATS_FIELDS = ['sst_files', 'sst_kb', 'mem_records', 'mem_kb', 'wal_kb', 'total_records', 'wsConnections', 'uptimeMs'];

/**
 * Parses and validates one text frame from the server. Unknown types and wrong fields are
 * rejected with a reason, never thrown.
 *
 * @example
 * ```ts
 * const result = parseServerFrame(messageEvent.data);
 * if (result.ok) handle(result.frame); else report(result.code, result.message);
 * ```
 */
export function parseServerFrame(raw: unknown): ParseResult<ServerFrame> {
  const frame = readServerFrame(raw);
  return frame instanceof FrameRejection ? { ok: false, code: frame.code, message: frame.message } : { ok: true, frame };
}

/**
 * The SDK's hot path: {@link parseServerFrame} without a result object per accepted frame. Returns
 * the frame itself, or a {@link FrameRejection}.
 *
 * @example
 * ```ts
 * const frame = readServerFrame(data);
 * if (!(frame instanceof FrameRejection)) deliver(frame);
 * ```
 */
export function readServerFrame(raw: unknown): ServerFrame | FrameRejection {
  if (typeof raw !== 'string') return NOT_TEXT;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return NOT_JSON;
  }
  return checkServerFrame(value);
}

/**
 * Validates a server frame that is already parsed (an element of a batch, say).
 *
 * @example
 * ```ts
 * const frame = checkServerFrame(JSON.parse(text));
 * ```
 */
export function checkServerFrame(value: unknown): ServerFrame | FrameRejection {
  if (!isObject(value)) return NOT_TYPED;
  const f = value;
  const type = f['type'];
  if (!isString(type)) return NOT_TYPED;
  const ok = f as unknown as ServerFrame;
  switch (type) {
    case 'key_change':
    case 'compaction_status':
    case 'health_change':
    case 'sync_event':
    case 'snapshot_event': {
      const problem = sequencedEventProblem(f);
      return problem === null ? ok : bad(type, problem);
    }
    case 'stats_update': {
      const s = f['stats'];
      if (!isFiniteNumber(f['timestamp']) || !isObject(s)) {
        return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "timestamp" and "stats"');
      }
      const missing = STATS_FIELDS.find((k) => !isFiniteNumber(s[k]));
      if (missing) return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"stats.${missing}" must be a number`);
      if (optional(s['wsConnectionsTotal'], isFiniteNumber)) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"stats.wsConnectionsTotal" must be a number');
    }
    case 'welcome': {
      const hb = f['heartbeat'];
      if (f['protocol'] !== 1) return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'unsupported "protocol"');
      if (!isString(f['connectionId']) || !isString(f['userId'])) {
        return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "connectionId" and "userId"');
      }
      if (!isFiniteNumber(f['serverTime']) || !isSeq(f['lastSeq'])) {
        return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "serverTime" and "lastSeq"');
      }
      if (!isObject(hb) || !isFiniteNumber(hb['intervalMs']) || !isFiniteNumber(hb['timeoutMs'])) {
        return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "heartbeat.intervalMs" and "heartbeat.timeoutMs"');
      }
      if (!isFiniteNumber(f['tokenExpiresAt'])) return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "tokenExpiresAt"');
      if (optional(f['epoch'], isEpoch)) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"epoch" must be a string of 1 to 64 characters');
    }
    case 'pong':
      if (isString(f['id']) && isFiniteNumber(f['serverTime'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "id" and "serverTime"');
    case 'ping':
      if (isString(f['id']) && isFiniteNumber(f['serverTime']) && optional(f['rttMs'], isFiniteNumber)) {
        return ok;
      }
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "id", "serverTime" and an optional numeric "rttMs"');
    case 'auth_ok':
      if (isFiniteNumber(f['tokenExpiresAt']) && isFiniteNumber(f['serverTime'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "tokenExpiresAt" and "serverTime"');
    case 'subscribed':
      if (Array.isArray(f['topics']) && isObject(f['filter'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "topics" and "filter"');
    case 'resumed':
      if (isSeq(f['fromSeq']) && isSeq(f['toSeq']) && isSeq(f['count'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "fromSeq", "toSeq" and "count"');
    case 'resync':
      if (oneOf(f['reason'], RESYNC_REASONS) && isSeq(f['lastSeq'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "reason" and "lastSeq"');
    case 'error':
      if (isString(f['code']) && isString(f['message'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs "code" and "message"');
    case 'batch':
      // Each element is checked as it is delivered, so one bad event does not cost the others.
      if (Array.isArray(f['events'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs an "events" list');
    case 'closing':
      if (isCloseCode(f['code']) && isString(f['reason'])) return ok;
      return bad(type, (typeof ngDevMode === 'undefined' || !!ngDevMode) && 'needs an integer "code" (1000..4999) and a string "reason"');
    default:
      return new FrameRejection('unknown_type', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `unknown frame type "${type}"` : type);
  }
}

/** Validates a topic list; returns the list or null. */
export function parseTopics(value: unknown): Topic[] | null {
  if (!Array.isArray(value)) return null;
  return value.every((t) => oneOf(t, EVENT_TYPES)) ? (value as Topic[]) : null;
}

/** Validates a filter object; returns it (only known fields) or null. */
export function parseFilter(value: unknown): EventFilter | null {
  if (!isObject(value)) return null;
  if (!optional(value['cf'], isString) || !optional(value['keyPrefix'], isString)) return null;
  const filter: EventFilter = {};
  if (value['cf'] !== undefined) filter.cf = value['cf'] as string;
  if (value['keyPrefix'] !== undefined) filter.keyPrefix = value['keyPrefix'] as string;
  return filter;
}

/**
 * Parses and validates one text frame from a client (used by servers).
 *
 * @example
 * ```ts
 * const result = parseClientFrame(text);
 * if (!result.ok) ws.send(JSON.stringify({ type: 'error', code: result.code, message: result.message }));
 * ```
 */
export function parseClientFrame(raw: unknown): ParseResult<ClientFrame> {
  const decoded = decode(raw);
  if (!decoded.ok) return decoded;
  const f = decoded.frame;
  const type = f['type'] as string;
  switch (type) {
    case 'auth': {
      if (!isString(f['token']) || f['token'].length === 0) return refuse(type, 'needs a non-empty string "token"');
      if (!optional(f['batch'], (b) => typeof b === 'boolean')) return refuse(type, '"batch" must be true or false');
      const frame: ClientFrame = { type: 'auth', token: f['token'] };
      if (f['batch'] === true) frame.batch = true;
      return { ok: true, frame };
    }
    case 'ping':
    case 'pong':
      return isString(f['id']) && f['id'].length <= 128
        ? { ok: true, frame: { type, id: f['id'] } }
        : refuse(type, 'needs a string "id" (at most 128 characters)');
    case 'resume': {
      if (!isSeq(f['lastSeq'])) return refuse(type, 'needs an integer "lastSeq" >= 0');
      if (!optional(f['epoch'], isEpoch)) return refuse(type, '"epoch" must be a string of 1 to 64 characters');
      const frame: ClientFrame = { type: 'resume', lastSeq: f['lastSeq'] };
      if (f['epoch'] !== undefined) frame.epoch = f['epoch'] as string;
      return { ok: true, frame };
    }
    case 'subscribe': {
      const topics = f['topics'] === undefined ? undefined : parseTopics(f['topics']);
      if (topics === null) return refuse(type, `"topics" must be a list of: ${EVENT_TYPES.join(', ')}`);
      const filter = f['filter'] === undefined ? undefined : parseFilter(f['filter']);
      if (filter === null) return refuse(type, '"filter" may only hold string "cf" and "keyPrefix"');
      const frame: ClientFrame = { type: 'subscribe' };
      if (topics) frame.topics = topics;
      if (filter) frame.filter = filter;
      return { ok: true, frame };
    }
    default:
      return { ok: false, code: 'unknown_type', message: `unknown frame type "${type}"` };
  }
}

/**
 * Whether an event passes a connection's topics and filter. `cf` filters every event that has a
 * `cf`; `keyPrefix` filters `key_change` only. Stats pushes pass any filter.
 *
 * @example
 * ```ts
 * if (matchesSubscription(event, ['key_change'], { keyPrefix: 'user:' })) ws.send(json);
 * ```
 */
export function matchesSubscription(
  event: { type: string; cf?: string; key?: string },
  topics: readonly Topic[] | null,
  filter: EventFilter,
): boolean {
  if (topics && !topics.includes(event.type as Topic)) return false;
  if (event.type === 'stats_update') return true;
  if (filter.cf !== undefined && event.cf !== undefined && event.cf !== filter.cf) return false;
  if (filter.keyPrefix !== undefined && event.type === 'key_change' && !(event.key ?? '').startsWith(filter.keyPrefix)) {
    return false;
  }
  return true;
}
