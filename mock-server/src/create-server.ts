import type { Server } from 'bun';
import { CLOSE_CODES } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { routeChaos } from './chaos';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config';
import { RedisReplica } from './redis-replica';
import { seedSampleData } from './sample-data';
import { ServerContext } from './context';
import { CORS_HEADERS, HttpError, epochParam, intParam, json, refuseDeclaredOversize } from './http-util';
import { routeHttp } from './http-routes';
import { bearerToken } from './request-auth';
import { newSocketData, type SocketData } from './socket-data';
import { isDocumentRequest, serveStatic } from './static-files';
import { subscriptionFromQuery } from './subscription-query';
import { processMessage, thawSocket, websocketHandler } from './ws-handler';

/** A running mock server. */
export interface MockServer {
  /** `http://127.0.0.1:N` */
  readonly url: string;
  /** `ws://127.0.0.1:N/ws/events` */
  readonly wsUrl: string;
  readonly port: number;
  readonly config: ServerConfig;
  /** Internals, for tests that need to look inside (event log, hub, store). */
  readonly context: ServerContext;
  /** Graceful shutdown: sockets close with 1001, parked polls are answered, sqlite is closed. */
  stop(): Promise<void>;
}

/*
 * Bun answers a declared Content-Length above its own limit with a bare text 413 before the handler
 * runs, so its limit is set out of reach: the handler refuses declared sizes over
 * MAX_REQUEST_BODY_BYTES itself (JSON, naming the limit) and every body read stops there
 * (http-util.ts), which bounds chunked bodies too. A body nobody reads is never buffered.
 */
const BUN_BODY_LIMIT = Number.MAX_SAFE_INTEGER;
const SHUTDOWN_GRACE_MS = 1000;

function upgrade(ctx: ServerContext, req: Request, url: URL, server: Server<SocketData>): Response | undefined {
  if (ctx.blockWebsocket) return json({ error: 'WebSocket upgrades are blocked' }, 503);
  const { topics, filter } = subscriptionFromQuery(url);
  const lastSeq = intParam(url, 'lastSeq');
  const token = url.searchParams.get('token') ?? bearerToken(req);
  const batch = url.searchParams.get('batch');
  if (batch !== null && batch !== '0' && batch !== '1') throw new HttpError(400, 'Query parameter "batch" must be 0 or 1');
  const epoch = epochParam(url);
  const data = newSocketData(ctx, { token, lastSeq, epoch, topics, filter, batch: batch === '1' });
  if (server.upgrade(req, { data })) return undefined;
  return json({ error: 'Expected a WebSocket upgrade' }, 400);
}

async function handle(ctx: ServerContext, req: Request, server: Server<SocketData>): Promise<Response | undefined> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return json({ error: 'Bad request URL' }, 400);
  }
  try {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });
    // Counted before anything can refuse them, so a test sees every attempt a client made.
    if (url.pathname === '/ws/events') {
      ctx.counters.upgradeAttempts++;
      return upgrade(ctx, req, url, server);
    }
    if (url.pathname === '/events/poll') ctx.counters.polls++;
    refuseDeclaredOversize(req);
    // A reload of an app route that is also an API path (/keys, /health) must get the app, not JSON.
    if (ctx.config.staticDir && isDocumentRequest(req)) {
      const page = serveStatic(ctx.config.staticDir, req.method, url.pathname, true);
      if (page) return page;
    }
    const response =
      (ctx.config.chaos ? routeChaos(ctx, req, url) : null) ??
      routeHttp(ctx, req, url) ??
      (ctx.config.staticDir ? serveStatic(ctx.config.staticDir, req.method, url.pathname) : null);
    return (await response) ?? json({ error: 'Not found' }, 404);
  } catch (error) {
    if (error instanceof HttpError) return json({ error: error.message, ...error.fields }, error.status, error.headers);
    console.error('mock-server: unexpected error', error);
    return json({ error: 'Internal server error' }, 500);
  }
}

/**
 * Starts a mock server. Every timing is configurable so tests can use tiny values.
 *
 * @example
 * ```ts
 * const server = await createServer({ port: 0, chaos: true, heartbeatTimeoutMs: 300 });
 * const socket = new WebSocket(`${server.wsUrl}?token=${token}`);
 * await server.stop();
 * ```
 */
export async function createServer(options: ServerOptions = {}): Promise<MockServer> {
  const config = resolveConfig(options);
  const ctx = new ServerContext(config);
  if (config.redisUrl) ctx.replica = await RedisReplica.connect(ctx, config.redisUrl);
  if (config.seed) await seedSampleData(ctx);
  ctx.hub.onHeldFrame = processMessage;
  ctx.hub.onThaw = thawSocket;

  const server = Bun.serve<SocketData>({
    port: config.port,
    hostname: config.hostname,
    // Seconds; long polls may be parked for pollMaxWaitMs.
    idleTimeout: Math.min(255, Math.ceil(config.pollMaxWaitMs / 1000) + 10),
    maxRequestBodySize: BUN_BODY_LIMIT,
    fetch: (req, srv) => handle(ctx, req, srv),
    error(error) {
      console.error('mock-server: unexpected error', error);
      return json({ error: 'Internal server error' }, 500);
    },
    websocket: { ...websocketHandler, maxPayloadLength: config.maxFrameBytes },
  });
  ctx.hub.attachServer(server);

  const statsTimer = setInterval(() => {
    if (ctx.hub.size === 0) return;
    ctx.hub.broadcast({ type: 'stats_update', timestamp: config.now(), stats: ctx.domain.stats() });
  }, config.statsIntervalMs);

  const port = server.port!;
  const url = `http://${config.hostname}:${port}`;
  let stopping: Promise<void> | null = null;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(statsTimer);
      ctx.hub.endStall();
      ctx.hub.closeAll(CLOSE_CODES.goingAway, 'Server shutting down');
      ctx.polls.releaseAll();
      ctx.stopping = true;
      // Let the close frames and poll answers flush; force whatever is left after the grace period.
      await Promise.race([server.stop(false), Bun.sleep(SHUTDOWN_GRACE_MS)]);
      await server.stop(true);
      ctx.dispose();
    })());

  return { url, wsUrl: `ws://${config.hostname}:${port}/ws/events`, port, config, context: ctx, stop };
}
