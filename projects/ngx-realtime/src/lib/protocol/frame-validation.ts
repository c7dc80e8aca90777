/**
 * Runtime validation of wire frames, framework-free so the SDK and the mock server share it.
 * Nothing from the network is trusted as typed until it has passed through here. Which fields each
 * server frame has is a table, in `server-frame-schema.ts`; key changes are checked here by hand.
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
  type SequencedEvent,
  type ServerFrame,
  type Topic,
} from './protocol';
import { SERVER_FRAME_SCHEMAS, schemaProblem, isEpoch, isFiniteNumber, isObject, isSeq, isString } from './server-frame-schema';

export { isEpoch } from './server-frame-schema';

// Angular declares it for apps; the mock server, which shares this file, does not.
declare const ngDevMode: unknown;

/** Result of parsing a frame: the typed frame, or why it was rejected. */
export type ParseResult<T> =
  | { ok: true; frame: T }
  | { ok: false; code: ProtocolErrorCode; message: string };

type Json = Record<string, unknown>;

const oneOf = <T extends string>(v: unknown, options: readonly T[]): v is T =>
  typeof v === 'string' && (options as readonly string[]).includes(v);
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);

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

const refuse = (type: string, detail: string): ParseResult<never> => ({ ok: false, code: 'invalid_frame', message: `${type}: ${detail}` });

/**
 * What is wrong with a `key_change`'s fields: a message in the table's words (`false` in production
 * builds, which do not say), or null when they are right. Nearly every frame under load is a key
 * change, so it is checked here and not from the table: reads of named fields, which a JIT caches
 * per frame shape, where the table's computed reads cost several times as much (with key changes
 * in the table, the dispatch benchmark fell from about 0.82x of a bare JSON.parse loop to 0.65x).
 */
function keyChangeProblem(f: Json): string | false | null {
  const operation = f['operation'];
  if (!isSeq(f['seq'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"seq" must be an integer >= 0';
  if (!isFiniteNumber(f['timestamp'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"timestamp" must be a number';
  if (!isString(f['key'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"key" must be a string';
  if (!isString(f['cf'])) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"cf" must be a string';
  if (operation === 'put') return isString(f['value']) ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"value" must be a string for a put';
  if (operation === 'delete') return f['value'] === undefined ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"value" must be absent for a delete';
  return (typeof ngDevMode === 'undefined' || !!ngDevMode) && '"operation" must be one of put, delete';
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
  // Every event type but the stats push is durable. A frame that passes is an object, so reading
  // its type cannot throw.
  return (
    checkServerFrame(value) === value &&
    (value as Json)['type'] !== 'stats_update' &&
    (EVENT_TYPES as readonly unknown[]).includes((value as Json)['type'])
  );
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
  const type = isObject(value) && value['type'];
  if (!isString(type)) return NOT_TYPED;
  let problem: string | false | null = null;
  if (type === 'key_change') {
    problem = keyChangeProblem(value as Json);
  } else {
    const schema = SERVER_FRAME_SCHEMAS.get(type);
    if (!schema) return new FrameRejection('unknown_type', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `unknown frame type "${type}"` : type);
    problem = schemaProblem(schema, value as Json);
  }
  return problem === null
    ? (value as unknown as ServerFrame)
    : new FrameRejection('invalid_frame', (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `${type}: ${problem}` : type);
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
