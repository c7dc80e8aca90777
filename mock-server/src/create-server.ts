import type { Server, WebSocketHandler } from 'bun';
import { CLOSE_CODES, type SequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { Chaos } from './chaos/chaos';
import { routeChaos } from './chaos/chaos-routes';
import { CdcHub } from './compat/cdc-hub';
import { createCdcWebsocketHandler } from './compat/cdc-socket';
import { dispatchWebsockets, type AnySocketData } from './compat/websocket-dispatch';
import { withoutPositions } from './compat/without-positions';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config';
import { Auth } from './domain/auth';
import { Domain } from './domain/domain';
import { seedSampleData } from './domain/sample-data';
import { openCdcEventStream, upgradeCdcWebsocket } from './http/cdc-endpoints';
import { createFetchHandler } from './http/fetch-handler';
import { routeHttp, type TokenSharing } from './http/http-routes';
import { json } from './http/http-util';
import { routeIngest } from './http/ingest-route';
import { openEventStream } from './http/sse-endpoint';
import { upgradeWebsocket } from './http/ws-upgrade';
import { ConnectionHub } from './realtime/connection-hub';
import { LongPolls } from './realtime/long-poll';
import type { Socket, SocketData } from './realtime/socket-data';
import { StreamSessions } from './realtime/stream-sessions';
import { createWebsocketHandler } from './realtime/ws-handler';
import { EventLog } from './storage/event-log';
import type { EventWriter } from './storage/event-writer';
import { LocalEventWriter } from './storage/local-event-writer';
import { RedisEventWriter } from './storage/redis-event-writer';
import { RedisReplica } from './storage/redis-replica';
import { Store } from './storage/store';

/**
 * The parts one server is built from, for tests that look inside (event log, hub, store, polls).
 *
 * @example
 * ```ts
 * expect(server.context.log.lastSeq).toBe(3);
 * await server.context.settled(); // every write so far is applied
 * ```
 */
export interface ServerParts {
  readonly config: ServerConfig;
  readonly store: Store;
  readonly log: EventLog;
  readonly auth: Auth;
  readonly hub: ConnectionHub;
  readonly polls: LongPolls;
  readonly domain: Domain;
  readonly events: EventWriter;
  readonly chaos: Chaos;
  /** ApexStore 2.2's change-stream clients (`compat: 'apexstore-2.2'`), or null without compat. */
  readonly cdc: CdcHub | null;
  /** Resolves once every write so far is applied here (see {@link EventWriter.settled}). */
  settled(): Promise<number>;
}

/**
 * A running mock server.
 *
 * @example
 * ```ts
 * const server = await createServer({ port: 0 });
 * const socket = new WebSocket(`${server.wsUrl}?token=${token}`);
 * ```
 */
export interface MockServer {
  /** `http://127.0.0.1:N` */
  readonly url: string;
  /** `ws://127.0.0.1:N/ws/events` */
  readonly wsUrl: string;
  readonly port: number;
  readonly config: ServerConfig;
  /** Internals, for tests that need to look inside (event log, hub, store). */
  readonly context: ServerParts;
  /** Graceful shutdown: sockets close with 1001 (SSE streams get `closing` 1001), parked polls are answered, sqlite is closed. */
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

/** One instance has no one to share tokens with. */
const NO_TOKEN_SHARING: TokenSharing = { saveToken: async () => undefined, revokeToken: async () => undefined };

/**
 * Starts a mock server: the one place that builds its parts and wires them together. Every timing
 * is configurable so tests can use tiny values.
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
  const store = new Store(config.dataPath);
  const log = new EventLog(store, config.retainEvents, config.now);
  const auth = new Auth(store, config.tokenTtlMs, config.now);
  const hub = new ConnectionHub(config.maxBatchBytes);
  const polls = new LongPolls(log, config.pollMaxEvents);
  const cdc = config.compat === 'apexstore-2.2' ? new CdcHub() : null;
  // Events reach the connections and the parked polls only once they are logged here.
  const deliver = (events: readonly SequencedEvent[], texts: readonly string[]): void => {
    hub.broadcastEvents(events, texts);
    cdc?.deliver(events);
    polls.notify(events);
  };
  // Every realtime client here, of either protocol, for /stats, /health and the Redis count.
  const connectionsHere = cdc ? () => hub.size + cdc.size : () => hub.size;

  let replica: RedisReplica | null = null;
  let events: EventWriter;
  if (config.redisUrl) {
    try {
      replica = await RedisReplica.connect(
        {
          store,
          log,
          config,
          localConnections: connectionsHere,
          listener: {
            applied: deliver,
            historyLost: (frame) => hub.sendToAll(frame),
            revoked: (hash) => hub.closeByToken(hash, CLOSE_CODES.sessionRevoked, 'Session revoked'),
          },
        },
        config.redisUrl,
      );
    } catch (error) {
      store.close();
      throw error;
    }
    events = new RedisEventWriter(replica, log);
  } else {
    events = new LocalEventWriter(store, log, deliver);
  }
  const connectionsEverywhere = replica ? () => replica.connectionsTotal() : connectionsHere;
  const domain = new Domain({ store, log, events, config, connections: { here: connectionsHere, everywhere: connectionsEverywhere } });
  if (config.seed) await seedSampleData({ store, domain, events, now: config.now });

  const sessions = new StreamSessions(hub, log, config);
  const ws = createWebsocketHandler({ hub, auth, sessions, config });
  const chaos = new Chaos({ hub, polls, thaw: ws.thaw, cdc });
  const httpParts = {
    config,
    auth,
    domain,
    log,
    polls,
    events,
    tokens: replica ?? NO_TOKEN_SHARING,
    connections: hub,
    stalls: chaos,
  };
  const chaosParts = { chaos, domain, events, maxBurstCount: config.maxBurstCount };
  const ingestParts = config.ingestAuth ? { credentials: config.ingestAuth, domain, events } : null;
  // Bun takes one data type per server; each endpoint only ever upgrades with its own.
  type NativeServer = Server<SocketData>;
  const fetch = createFetchHandler({
    countRequest: (pathname) => chaos.countRequest(pathname),
    // In compat mode /ws/events is ApexStore's path, so it speaks ApexStore's protocol there.
    websocket: cdc
      ? (req, url, server) => upgradeCdcWebsocket({ auth }, { blocked: chaos.blockWebsocket }, req, url, server)
      : (req, url, server) => upgradeWebsocket({ blocked: chaos.blockWebsocket }, req, url, server as NativeServer),
    sse: (req, url, server) => openEventStream({ hub, auth, sessions }, { blocked: chaos.blockSse }, req, url, server as NativeServer),
    cdcEvents: cdc ? (req, url, server) => openCdcEventStream({ auth, hub: cdc }, { blocked: chaos.blockSse }, req, url, server) : null,
    chaos: config.chaos ? (req, url) => routeChaos(chaosParts, req, url) : null,
    ingest: ingestParts ? (req, url) => routeIngest(ingestParts, req, url) : null,
    // ApexStore's answers say nothing about a position in a stream; in compat mode neither do ours.
    http: cdc ? (req, url) => withoutPositions(routeHttp(httpParts, req, url)) : (req, url) => routeHttp(httpParts, req, url),
    staticDir: config.staticDir,
  });
  const websocket = cdc ? dispatchWebsockets(ws.handler, createCdcWebsocketHandler(cdc)) : (ws.handler as WebSocketHandler<AnySocketData>);

  const server = Bun.serve<AnySocketData>({
    port: config.port,
    hostname: config.hostname,
    // Seconds; long polls may be parked for pollMaxWaitMs.
    idleTimeout: Math.min(255, Math.ceil(config.pollMaxWaitMs / 1000) + 10),
    maxRequestBodySize: BUN_BODY_LIMIT,
    fetch,
    error(error) {
      console.error('mock-server: unexpected error', error);
      return json({ error: 'Internal server error' }, 500);
    },
    websocket: { ...websocket, maxPayloadLength: config.maxFrameBytes },
  });
  // Topics are published to native sockets only: only they ever subscribe.
  hub.attachServer(server as NativeServer);

  const statsTimer = setInterval(() => {
    if (hub.size === 0) return;
    hub.broadcast({ type: 'stats_update', timestamp: config.now(), stats: domain.stats() });
  }, config.statsIntervalMs);

  const port = server.port!;
  const url = `http://${config.hostname}:${port}`;
  let stopping: Promise<void> | null = null;

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(statsTimer);
      chaos.endStall();
      hub.closeAll(CLOSE_CODES.goingAway, 'Server shutting down');
      cdc?.closeAll();
      polls.releaseAll();
      events.stop();
      domain.stop();
      // Let the close frames and poll answers flush; force whatever is left after the grace period.
      await Promise.race([server.stop(false), Bun.sleep(SHUTDOWN_GRACE_MS)]);
      await server.stop(true);
      replica?.close();
      store.close();
    })());

  const context: ServerParts = { config, store, log, auth, hub, polls, domain, events, chaos, cdc, settled: () => events.settled() };
  return { url, wsUrl: `ws://${config.hostname}:${port}/ws/events`, port, config, context, stop };
}
