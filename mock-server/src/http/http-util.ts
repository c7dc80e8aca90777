import { isEpoch } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { LAST_SEQ_HEADER, MAX_REQUEST_BODY_BYTES } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';

const MIB = 1024 * 1024;

/** CORS headers on every answer: the SDK's Karma specs and the demo dev server call cross-origin. */
export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE, OPTIONS',
  'Access-Control-Max-Age': '600',
  // Lets a cross-origin client read the seq a read reflects (liveResource does).
  'Access-Control-Expose-Headers': LAST_SEQ_HEADER,
};

/**
 * A JSON response with CORS headers.
 *
 * @example
 * ```ts
 * return json({ error: 'Not found' }, 404);
 * ```
 */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_HEADERS, 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * A JSON answer to a read (or a key write), with the `X-Last-Seq` it reflects. Take `seq` in the same synchronous
 * turn as the body, so no event can fall between them.
 *
 * @example
 * ```ts
 * return readJson(ctx.domain.stats(), ctx.log.lastSeq);
 * ```
 */
export function readJson(body: unknown, seq: number, status = 200): Response {
  return json(body, status, { [LAST_SEQ_HEADER]: String(seq) });
}

/** Thrown by request parsing helpers; turned into `{"error": message, ...fields}` with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More fields of the answer, beside `error` (a 413 names `limitBytes`). */
    readonly fields: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The 413 for any body over the limit, naming the limit (the demo shows it). */
function bodyTooLarge(): HttpError {
  return new HttpError(
    413,
    `Request body is too large: the limit is ${MAX_REQUEST_BODY_BYTES / MIB} MiB (${MAX_REQUEST_BODY_BYTES} bytes)`,
    { limitBytes: MAX_REQUEST_BODY_BYTES },
    // The rest of the body is never read, so the connection cannot carry another request.
    { Connection: 'close' },
  );
}

/**
 * Refuses a request whose declared `Content-Length` is over the limit, before anything reads it.
 *
 * @example
 * ```ts
 * refuseDeclaredOversize(req); // throws HttpError(413) for Content-Length: 2097152
 * ```
 */
export function refuseDeclaredOversize(req: Request): void {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_REQUEST_BODY_BYTES) throw bodyTooLarge();
}

/**
 * Reads the body as UTF-8 text, but never more than the limit: a chunked body (no
 * `Content-Length`) is cut off and refused with 413 once it passes it.
 *
 * @example
 * ```ts
 * const text = await readBodyText(req); // '' without a body
 * ```
 */
export async function readBodyText(req: Request): Promise<string> {
  // A declared oversize was refused before routing (createServer), on every route alike.
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_REQUEST_BODY_BYTES) {
        void reader.cancel().catch(() => undefined);
        throw bodyTooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'Could not read request body');
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Reads a JSON object body. An empty body counts as `{}` when `optional`; anything that is not a
 * JSON object is a 400, a body over the limit a 413.
 *
 * @example
 * ```ts
 * const body = await readJsonObject(req);          // throws HttpError(400) on bad JSON
 * const opts = await readJsonObject(req, true);    // {} for an empty body
 * ```
 */
export async function readJsonObject(req: Request, optional = false): Promise<Record<string, unknown>> {
  const text = await readBodyText(req);
  if (text.trim() === '') {
    if (optional) return {};
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Parses an optional non-negative integer query parameter; a present but invalid one is a 400.
 *
 * @example
 * ```ts
 * const limit = intParam(url, 'limit') ?? 100;
 * ```
 */
export function intParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return null;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new HttpError(400, `Query parameter "${name}" must be a non-negative integer`);
  }
  return Number(raw);
}

/**
 * The optional `?epoch=` parameter (resume and polls): a short opaque string, or a 400.
 *
 * @example
 * ```ts
 * const epoch = epochParam(url); // null when absent
 * ```
 */
export function epochParam(url: URL): string | null {
  const raw = url.searchParams.get('epoch');
  if (raw === null) return null;
  if (!isEpoch(raw)) throw new HttpError(400, 'Query parameter "epoch" must be a string of 1 to 64 characters');
  return raw;
}

/** A required string field of a JSON body, or a 400. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new HttpError(400, `Field "${name}" must be a string`);
  return value;
}

/** An optional string field of a JSON body, or a 400 when present with another type. */
export function optionalStringField(body: Record<string, unknown>, name: string): string | undefined {
  return body[name] === undefined ? undefined : stringField(body, name);
}
