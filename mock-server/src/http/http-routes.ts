import { CLOSE_CODES, HTTP_ERRORS, MAX_KEY_BYTES, type ColumnFamiliesBody, type HealthProbe, type KeyListBody, type LoginResponse, type SyncStatusBody } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { ServerConfig } from '../config';
import { hashToken, type Auth } from '../domain/auth';
import { DEFAULT_CF, HEALTH_PROBES, type Domain } from '../domain/domain';
import type { LongPolls } from '../realtime/long-poll';
import type { EventLog } from '../storage/event-log';
import type { EventWriter } from '../storage/event-writer';
import type { TokenRow } from '../storage/store';
import { HttpError, epochParam, intParam, json, optionalStringField, readJson, readJsonObject, stringField } from './http-util';
import { bearerToken, requireSession, requireUser } from './request-auth';
import { subscriptionFromQuery } from './subscription-query';

const DEFAULT_KEY_LIMIT = 100;
const MAX_KEY_LIMIT = 1000;

/**
 * How tokens reach the other instances (the Redis engine); on one instance both do nothing.
 *
 * @example
 * ```ts
 * const tokens: TokenSharing = replica ?? { saveToken: async () => {}, revokeToken: async () => {} };
 * ```
 */
export interface TokenSharing {
  saveToken(row: TokenRow): Promise<void>;
  revokeToken(hash: string): Promise<void>;
}

/**
 * What the REST routes are built from.
 *
 * @example
 * ```ts
 * const answer = routeHttp({ config, auth, domain, log, polls, events, tokens, connections, stalls }, req, url);
 * ```
 */
export interface HttpRouteParts {
  config: Pick<ServerConfig, 'pollMaxWaitMs' | 'now'>;
  auth: Auth;
  domain: Domain;
  log: EventLog;
  polls: LongPolls;
  events: Pick<EventWriter, 'settled'>;
  tokens: TokenSharing;
  /** Closes the realtime connections of a token (logout). */
  connections: { closeByToken(hash: string, code: number, reason: string): void };
  /** A chaos stall: a poll arriving during one waits for its end. */
  stalls: { whenThawed(): Promise<void> };
}

type Handler = (parts: HttpRouteParts, req: Request, url: URL) => Response | Promise<Response>;

const methodNotAllowed = () => json({ error: 'Method not allowed' }, 405);

function keyFromPath(pathname: string): string {
  let key: string;
  try {
    key = decodeURIComponent(pathname.slice('/keys/'.length));
  } catch {
    throw new HttpError(400, 'Key is not valid percent-encoding');
  }
  // Bun, like browsers, resolves "." and ".." segments (also %2E) before the handler sees the path:
  // /keys/. and /keys/%2E arrive as /keys/, /keys/.. as /. The checks name the rule for what arrives.
  if (key === '') {
    throw new HttpError(400, 'Key must not be empty (URLs resolve "." and ".." path segments, so the keys "." and ".." cannot be sent)');
  }
  if (key === '.' || key === '..') throw new HttpError(400, `Key must not be "${key}": a URL path cannot carry it`);
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) throw new HttpError(400, `Key must be at most ${MAX_KEY_BYTES} bytes of UTF-8, got ${bytes}`);
  return key;
}

const cfParam = (url: URL) => url.searchParams.get('cf') || DEFAULT_CF;

/** With Redis, a new token is known to every instance before its owner gets it. */
async function shareToken(parts: HttpRouteParts, session: LoginResponse): Promise<Response> {
  try {
    await parts.tokens.saveToken({ hash: hashToken(session.token), userId: session.user.id, expiresAt: session.expiresAt });
  } catch {
    throw new HttpError(503, 'The event store (Redis) is unavailable; try again');
  }
  return json(session);
}

async function login(parts: HttpRouteParts, req: Request): Promise<Response> {
  const body = await readJsonObject(req);
  const session = parts.auth.login(stringField(body, 'username'), stringField(body, 'password'));
  return session ? shareToken(parts, session) : json({ error: 'Invalid username or password' }, 401);
}

function refresh(parts: HttpRouteParts, req: Request): Promise<Response> {
  return shareToken(parts, parts.auth.refresh(requireUser(parts.auth, req, 'Read')));
}

async function logout(parts: HttpRouteParts, req: Request): Promise<Response> {
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, HTTP_ERRORS.missingAuth);
  const hash = hashToken(token);
  // An expired token may still log out; only unknown ones are refused.
  if (!parts.auth.revoke(hash)) throw new HttpError(401, HTTP_ERRORS.invalidToken);
  parts.connections.closeByToken(hash, CLOSE_CODES.sessionRevoked, 'Session revoked');
  await parts.tokens.revokeToken(hash).catch(() => undefined);
  return json({ status: 'logged_out' });
}

async function poll(parts: HttpRouteParts, req: Request, url: URL): Promise<Response> {
  const { expiresAt } = requireSession(parts.auth, req, 'Read');
  const { topics, filter } = subscriptionFromQuery(url);
  const requestedWaitMs = intParam(url, 'wait') ?? 0;
  const sinceParam = intParam(url, 'since');
  // A stalled server answers nobody until the stall ends, as on a half-open link.
  await parts.stalls.whenThawed();
  const epoch = sinceParam === null ? null : epochParam(url);
  const since = sinceParam ?? parts.log.lastSeq;
  const waitMs = Math.min(requestedWaitMs, parts.config.pollMaxWaitMs);
  const answer = await parts.polls.poll({ since, epoch, waitMs, topics, filter }, req.signal);
  return json({ ...answer, tokenExpiresAt: expiresAt, serverTime: parts.config.now(), epoch: parts.log.epoch });
}

function listKeys(parts: HttpRouteParts, req: Request, url: URL): Response {
  requireUser(parts.auth, req, 'Read');
  const limit = Math.min(intParam(url, 'limit') ?? DEFAULT_KEY_LIMIT, MAX_KEY_LIMIT);
  const after = url.searchParams.get('after') || null;
  const { keys, total, next } = parts.domain.listKeys(cfParam(url), url.searchParams.get('prefix') ?? '', limit, after);
  const body: KeyListBody = { keys, count: keys.length, total, next };
  return readJson(body, parts.log.lastSeq);
}

async function oneKey(parts: HttpRouteParts, req: Request, url: URL): Promise<Response> {
  const key = keyFromPath(url.pathname);
  const cf = cfParam(url);
  switch (req.method) {
    case 'GET': {
      requireUser(parts.auth, req, 'Read');
      const found = parts.domain.getKey(cf, key);
      return found ? readJson(found, parts.log.lastSeq) : readJson({ error: 'Key not found' }, parts.log.lastSeq, 404);
    }
    case 'PUT': {
      requireUser(parts.auth, req, 'Write');
      const value = stringField(await readJsonObject(req), 'value');
      const written = parts.domain.putKey(cf, key, value);
      // X-Last-Seq at or after the write's own event, so a page can tell when the stream has it.
      return readJson(written, await parts.events.settled());
    }
    case 'DELETE': {
      requireUser(parts.auth, req, 'Write');
      if (!parts.domain.deleteKey(cf, key)) return json({ error: 'Key not found' }, 404);
      return readJson({ key, cf, deleted: true }, await parts.events.settled());
    }
    default:
      return methodNotAllowed();
  }
}

async function compact(parts: HttpRouteParts, req: Request): Promise<Response> {
  // Anyone may watch a compaction; starting one is for admins.
  requireUser(parts.auth, req, req.method === 'GET' ? 'Read' : 'Admin');
  if (req.method === 'GET') return readJson({ latest: parts.domain.latestCompaction() }, parts.log.lastSeq);
  const cf = optionalStringField(await readJsonObject(req, true), 'cf') ?? DEFAULT_CF;
  if (!parts.domain.startCompaction(cf)) return json({ error: `Column family '${cf}' does not exist` }, 404);
  await parts.events.settled();
  return json({ status: 'started', cf }, 202);
}

function columnFamilies(parts: HttpRouteParts, req: Request): Response {
  requireUser(parts.auth, req, 'Read');
  const body: ColumnFamiliesBody = { columnFamilies: parts.domain.columnFamilies() };
  return readJson(body, parts.log.lastSeq);
}

async function snapshots(parts: HttpRouteParts, req: Request): Promise<Response> {
  requireUser(parts.auth, req, 'Admin');
  if (req.method === 'GET') return readJson({ snapshots: parts.domain.listSnapshots() }, parts.log.lastSeq);
  if (req.method !== 'POST') return methodNotAllowed();
  await readJsonObject(req, true);
  const snapshotId = parts.domain.createSnapshot();
  await parts.events.settled();
  return json({ status: 'started', snapshotId }, 202);
}

async function sync(parts: HttpRouteParts, req: Request): Promise<Response> {
  // Anyone may watch a sync; starting one is for admins.
  requireUser(parts.auth, req, req.method === 'GET' ? 'Read' : 'Admin');
  if (req.method === 'GET') {
    const body: SyncStatusBody = { latest: parts.domain.latestSync() };
    return readJson(body, parts.log.lastSeq);
  }
  await readJsonObject(req, true);
  parts.domain.startSync();
  await parts.events.settled();
  return json({ status: 'started' }, 202);
}

function probe(parts: HttpRouteParts, name: HealthProbe): Response {
  const { status, reason } = parts.domain.probe(name);
  if (status === 'healthy') return json({ status: 'ok', service: 'apexstore', endpoint: name });
  return json({ status: 'error', service: 'apexstore', endpoint: name, reason: reason ?? `${name} probe failing` }, 503);
}

function healthCheck(parts: HttpRouteParts): Response {
  const health = parts.domain.health();
  const ok = health.status === 'healthy';
  return json(
    { status: ok ? 'ok' : 'error', service: 'apexstore', endpoint: 'check', details: { ...health.probes } },
    ok ? 200 : 503,
  );
}

function healthSummary(parts: HttpRouteParts): Response {
  const health = parts.domain.health();
  return readJson(health, parts.log.lastSeq, health.status === 'healthy' ? 200 : 503);
}

function stats(parts: HttpRouteParts, req: Request): Response {
  requireUser(parts.auth, req, 'Read');
  return readJson(parts.domain.stats(), parts.log.lastSeq);
}

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/auth/login': { POST: login },
  '/auth/refresh': { POST: refresh },
  '/auth/logout': { POST: logout },
  '/events/poll': { GET: poll },
  '/keys': { GET: listKeys },
  '/stats': { GET: stats },
  '/admin/compact': { GET: compact, POST: compact },
  '/admin/column-families': { GET: columnFamilies },
  '/admin/snapshots': { GET: snapshots, POST: snapshots },
  '/admin/sync': { GET: sync, POST: sync },
  '/health': { GET: healthSummary },
  '/health/check': { GET: healthCheck },
  ...Object.fromEntries(HEALTH_PROBES.map((p) => [`/health/${p}`, { GET: (parts: HttpRouteParts) => probe(parts, p) }])),
};

/**
 * Routes one REST request (everything but the WebSocket upgrade, chaos and static files).
 * Returns null when no route matches the path.
 *
 * @example
 * ```ts
 * const response = await routeHttp(parts, req, new URL(req.url)) ?? json({ error: 'Not found' }, 404);
 * ```
 */
export function routeHttp(parts: HttpRouteParts, req: Request, url: URL): Response | Promise<Response> | null {
  if (url.pathname.startsWith('/keys/')) return oneKey(parts, req, url);
  const route = ROUTES[url.pathname];
  if (!route) return null;
  const handler = route[req.method];
  return handler ? handler(parts, req, url) : methodNotAllowed();
}
