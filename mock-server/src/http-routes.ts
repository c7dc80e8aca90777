import { CLOSE_CODES, HTTP_ERRORS, MAX_KEY_BYTES, type ColumnFamiliesBody, type HealthProbe, type KeyListBody, type LoginResponse, type SyncStatusBody } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { hashToken } from './auth';
import type { ServerContext } from './context';
import { DEFAULT_CF, HEALTH_PROBES } from './domain';
import { HttpError, epochParam, intParam, json, optionalStringField, readJson, readJsonObject, stringField } from './http-util';
import { bearerToken, requireSession, requireUser } from './request-auth';
import { subscriptionFromQuery } from './subscription-query';

const DEFAULT_KEY_LIMIT = 100;
const MAX_KEY_LIMIT = 1000;

type Handler = (ctx: ServerContext, req: Request, url: URL) => Response | Promise<Response>;

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
async function shareToken(ctx: ServerContext, session: LoginResponse): Promise<Response> {
  try {
    await ctx.replica?.saveToken({ hash: hashToken(session.token), userId: session.user.id, expiresAt: session.expiresAt });
  } catch {
    throw new HttpError(503, 'The event store (Redis) is unavailable; try again');
  }
  return json(session);
}

async function login(ctx: ServerContext, req: Request): Promise<Response> {
  const body = await readJsonObject(req);
  const session = ctx.auth.login(stringField(body, 'username'), stringField(body, 'password'));
  return session ? shareToken(ctx, session) : json({ error: 'Invalid username or password' }, 401);
}

function refresh(ctx: ServerContext, req: Request): Promise<Response> {
  return shareToken(ctx, ctx.auth.refresh(requireUser(ctx, req, 'Read')));
}

async function logout(ctx: ServerContext, req: Request): Promise<Response> {
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, HTTP_ERRORS.missingAuth);
  const hash = hashToken(token);
  // An expired token may still log out; only unknown ones are refused.
  if (!ctx.auth.revoke(hash)) throw new HttpError(401, HTTP_ERRORS.invalidToken);
  ctx.hub.closeByToken(hash, CLOSE_CODES.sessionRevoked, 'Session revoked');
  await ctx.replica?.revokeToken(hash).catch(() => undefined);
  return json({ status: 'logged_out' });
}

async function poll(ctx: ServerContext, req: Request, url: URL): Promise<Response> {
  const { expiresAt } = requireSession(ctx, req, 'Read');
  const { topics, filter } = subscriptionFromQuery(url);
  const requestedWaitMs = intParam(url, 'wait') ?? 0;
  const sinceParam = intParam(url, 'since');
  // A stalled server answers nobody until the stall ends, as on a half-open link.
  await ctx.hub.whenThawed();
  const epoch = sinceParam === null ? null : epochParam(url);
  const since = sinceParam ?? ctx.log.lastSeq;
  const waitMs = Math.min(requestedWaitMs, ctx.config.pollMaxWaitMs);
  const answer = await ctx.polls.poll({ since, epoch, waitMs, topics, filter }, req.signal);
  return json({ ...answer, tokenExpiresAt: expiresAt, serverTime: ctx.config.now(), epoch: ctx.log.epoch });
}

function listKeys(ctx: ServerContext, req: Request, url: URL): Response {
  requireUser(ctx, req, 'Read');
  const limit = Math.min(intParam(url, 'limit') ?? DEFAULT_KEY_LIMIT, MAX_KEY_LIMIT);
  const after = url.searchParams.get('after') || null;
  const { keys, total, next } = ctx.domain.listKeys(cfParam(url), url.searchParams.get('prefix') ?? '', limit, after);
  const body: KeyListBody = { keys, count: keys.length, total, next };
  return readJson(body, ctx.log.lastSeq);
}

async function oneKey(ctx: ServerContext, req: Request, url: URL): Promise<Response> {
  const key = keyFromPath(url.pathname);
  const cf = cfParam(url);
  switch (req.method) {
    case 'GET': {
      requireUser(ctx, req, 'Read');
      const found = ctx.domain.getKey(cf, key);
      return found ? readJson(found, ctx.log.lastSeq) : readJson({ error: 'Key not found' }, ctx.log.lastSeq, 404);
    }
    case 'PUT': {
      requireUser(ctx, req, 'Write');
      const value = stringField(await readJsonObject(req), 'value');
      const written = ctx.domain.putKey(cf, key, value);
      // X-Last-Seq at or after the write's own event, so a page can tell when the stream has it.
      return readJson(written, await ctx.settled());
    }
    case 'DELETE': {
      requireUser(ctx, req, 'Write');
      if (!ctx.domain.deleteKey(cf, key)) return json({ error: 'Key not found' }, 404);
      return readJson({ key, cf, deleted: true }, await ctx.settled());
    }
    default:
      return methodNotAllowed();
  }
}

async function compact(ctx: ServerContext, req: Request): Promise<Response> {
  // Anyone may watch a compaction; starting one is for admins.
  requireUser(ctx, req, req.method === 'GET' ? 'Read' : 'Admin');
  if (req.method === 'GET') return readJson({ latest: ctx.domain.latestCompaction() }, ctx.log.lastSeq);
  const cf = optionalStringField(await readJsonObject(req, true), 'cf') ?? DEFAULT_CF;
  if (!ctx.domain.startCompaction(cf)) return json({ error: `Column family '${cf}' does not exist` }, 404);
  await ctx.settled();
  return json({ status: 'started', cf }, 202);
}

function columnFamilies(ctx: ServerContext, req: Request): Response {
  requireUser(ctx, req, 'Read');
  const body: ColumnFamiliesBody = { columnFamilies: ctx.domain.columnFamilies() };
  return readJson(body, ctx.log.lastSeq);
}

async function snapshots(ctx: ServerContext, req: Request): Promise<Response> {
  requireUser(ctx, req, 'Admin');
  if (req.method === 'GET') return readJson({ snapshots: ctx.domain.listSnapshots() }, ctx.log.lastSeq);
  if (req.method !== 'POST') return methodNotAllowed();
  await readJsonObject(req, true);
  const snapshotId = ctx.domain.createSnapshot();
  await ctx.settled();
  return json({ status: 'started', snapshotId }, 202);
}

async function sync(ctx: ServerContext, req: Request): Promise<Response> {
  // Anyone may watch a sync; starting one is for admins.
  requireUser(ctx, req, req.method === 'GET' ? 'Read' : 'Admin');
  if (req.method === 'GET') {
    const body: SyncStatusBody = { latest: ctx.domain.latestSync() };
    return readJson(body, ctx.log.lastSeq);
  }
  await readJsonObject(req, true);
  ctx.domain.startSync();
  await ctx.settled();
  return json({ status: 'started' }, 202);
}

function probe(ctx: ServerContext, name: HealthProbe): Response {
  const { status, reason } = ctx.domain.probe(name);
  if (status === 'healthy') return json({ status: 'ok', service: 'apexstore', endpoint: name });
  return json({ status: 'error', service: 'apexstore', endpoint: name, reason: reason ?? `${name} probe failing` }, 503);
}

function healthCheck(ctx: ServerContext): Response {
  const health = ctx.domain.health();
  const ok = health.status === 'healthy';
  return json(
    { status: ok ? 'ok' : 'error', service: 'apexstore', endpoint: 'check', details: { ...health.probes } },
    ok ? 200 : 503,
  );
}

function healthSummary(ctx: ServerContext): Response {
  const health = ctx.domain.health();
  return readJson(health, ctx.log.lastSeq, health.status === 'healthy' ? 200 : 503);
}

function stats(ctx: ServerContext, req: Request): Response {
  requireUser(ctx, req, 'Read');
  return readJson(ctx.domain.stats(), ctx.log.lastSeq);
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
  ...Object.fromEntries(HEALTH_PROBES.map((p) => [`/health/${p}`, { GET: (ctx: ServerContext) => probe(ctx, p) }])),
};

/**
 * Routes one REST request (everything but the WebSocket upgrade, chaos and static files).
 * Returns null when no route matches the path.
 *
 * @example
 * ```ts
 * const response = await routeHttp(ctx, req, new URL(req.url)) ?? json({ error: 'Not found' }, 404);
 * ```
 */
export function routeHttp(ctx: ServerContext, req: Request, url: URL): Response | Promise<Response> | null {
  if (url.pathname.startsWith('/keys/')) return oneKey(ctx, req, url);
  const route = ROUTES[url.pathname];
  if (!route) return null;
  const handler = route[req.method];
  return handler ? handler(ctx, req, url) : methodNotAllowed();
}
