/**
 * Runtime validation of wire frames, framework-free so the SDK and the mock server share it.
 * Nothing from the network is trusted as typed until it has passed through here.
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

const NOT_TEXT = Object.freeze(new FrameRejection('invalid_frame', 'frames must be JSON text'));
const NOT_JSON = Object.freeze(new FrameRejection('invalid_json', 'frame is not valid JSON'));
const NOT_TYPED = Object.freeze(new FrameRejection('invalid_frame', 'frame must be an object with a string "type"'));

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

const bad = (type: string, detail: string): FrameRejection => new FrameRejection('invalid_frame', `${type}: ${detail}`);
const refuse = (type: string, detail: string): ParseResult<never> => ({ ok: false, code: 'invalid_frame', message: `${type}: ${detail}` });

function hasEventBase(f: Json): boolean {
  return isSeq(f['seq']) && isFiniteNumber(f['timestamp']);
}

/** Checks one durable event's fields; returns a reason when they are wrong. */
function sequencedEventProblem(f: Json): string | null {
  if (!hasEventBase(f)) return 'needs integer "seq" >= 0 and numeric "timestamp"';
  switch (f['type']) {
    case 'key_change': {
      const operation = f['operation'];
      if (!isString(f['key']) || !isString(f['cf'])) return '"key" and "cf" must be strings';
      if (operation === 'put') return isString(f['value']) ? null : 'put needs a string "value"';
      if (operation === 'delete') return f['value'] === undefined ? null : 'delete carries no "value"';
      return '"operation" must be put or delete';
    }
    case 'compaction_status': {
      if (!oneOf(f['status'], ['started', 'progress', 'completed', 'failed'] as const)) return 'bad "status"';
      if (!isString(f['cf'])) return '"cf" must be a string';
      const d = f['details'];
      if (!isObject(d)) return '"details" must be an object';
      if (!optional(d['progress'], (p) => isFiniteNumber(p) && p >= 0 && p <= 1)) return '"progress" must be 0..1';
      for (const n of ['filesMerged', 'bytesRead', 'bytesWritten']) {
        if (!optional(d[n], isFiniteNumber)) return `"${n}" must be a number`;
      }
      if (!optional(d['error'], isString)) return '"error" must be a string';
      return null;
    }
    case 'health_change':
      if (!oneOf(f['probe'], ['liveness', 'readiness', 'startup'] as const)) return 'bad "probe"';
      if (!oneOf(f['status'], ['healthy', 'unhealthy'] as const)) return 'bad "status"';
      if (!optional(f['reason'], isString)) return '"reason" must be a string';
      return null;
    case 'sync_event':
      if (!oneOf(f['status'], ['started', 'completed', 'conflict'] as const)) return 'bad "status"';
      if (!isObject(f['details'])) return '"details" must be an object';
      return null;
    case 'snapshot_event':
      if (!oneOf(f['status'], ['started', 'completed', 'failed'] as const)) return 'bad "status"';
      if (!isString(f['snapshotId'])) return '"snapshotId" must be a string';
      if (!isObject(f['details'])) return '"details" must be an object';
      return null;
    default:
      return 'not a sequenced event';
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
      return problem ? bad(type, problem) : ok;
    }
    case 'stats_update': {
      const s = f['stats'];
      if (!isFiniteNumber(f['timestamp']) || !isObject(s)) return bad(type, 'needs "timestamp" and "stats"');
      const missing = STATS_FIELDS.find((k) => !isFiniteNumber(s[k]));
      if (missing) return bad(type, `"stats.${missing}" must be a number`);
      return optional(s['wsConnectionsTotal'], isFiniteNumber) ? ok : bad(type, '"stats.wsConnectionsTotal" must be a number');
    }
    case 'welcome': {
      const hb = f['heartbeat'];
      if (f['protocol'] !== 1) return bad(type, 'unsupported "protocol"');
      if (!isString(f['connectionId']) || !isString(f['userId'])) return bad(type, 'needs "connectionId" and "userId"');
      if (!isFiniteNumber(f['serverTime']) || !isSeq(f['lastSeq'])) return bad(type, 'needs "serverTime" and "lastSeq"');
      if (!isObject(hb) || !isFiniteNumber(hb['intervalMs']) || !isFiniteNumber(hb['timeoutMs'])) {
        return bad(type, 'needs "heartbeat.intervalMs" and "heartbeat.timeoutMs"');
      }
      if (!isFiniteNumber(f['tokenExpiresAt'])) return bad(type, 'needs "tokenExpiresAt"');
      if (!optional(f['epoch'], isEpoch)) return bad(type, '"epoch" must be a string of 1 to 64 characters');
      return ok;
    }
    case 'pong':
      return isString(f['id']) && isFiniteNumber(f['serverTime']) ? ok : bad(type, 'needs "id" and "serverTime"');
    case 'ping':
      return isString(f['id']) && isFiniteNumber(f['serverTime']) && optional(f['rttMs'], isFiniteNumber)
        ? ok
        : bad(type, 'needs "id", "serverTime" and an optional numeric "rttMs"');
    case 'auth_ok':
      return isFiniteNumber(f['tokenExpiresAt']) && isFiniteNumber(f['serverTime'])
        ? ok
        : bad(type, 'needs "tokenExpiresAt" and "serverTime"');
    case 'subscribed':
      return Array.isArray(f['topics']) && isObject(f['filter']) ? ok : bad(type, 'needs "topics" and "filter"');
    case 'resumed':
      return isSeq(f['fromSeq']) && isSeq(f['toSeq']) && isSeq(f['count']) ? ok : bad(type, 'needs "fromSeq", "toSeq" and "count"');
    case 'resync':
      return oneOf(f['reason'], RESYNC_REASONS) && isSeq(f['lastSeq']) ? ok : bad(type, 'needs "reason" and "lastSeq"');
    case 'error':
      return isString(f['code']) && isString(f['message']) ? ok : bad(type, 'needs "code" and "message"');
    case 'batch':
      // Each element is checked as it is delivered, so one bad event does not cost the others.
      return Array.isArray(f['events']) ? ok : bad(type, 'needs an "events" list');
    case 'closing':
      return isCloseCode(f['code']) && isString(f['reason']) ? ok : bad(type, 'needs an integer "code" (1000..4999) and a string "reason"');
    default:
      return new FrameRejection('unknown_type', `unknown frame type "${type}"`);
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
