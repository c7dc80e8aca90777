import type { HealthProbe } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { HEALTH_PROBES, type Domain } from '../domain/domain';
import { HttpError, json, optionalStringField, readJsonObject } from '../http/http-util';
import type { EventDraft } from '../storage/event-log';
import type { EventWriter } from '../storage/event-writer';
import { BURST_IN_ORDER, burstDraft, seededRandom, type BurstShape } from './burst-drafts';
import type { Chaos, ChaosCounters } from './chaos';

const MAX_STALL_MS = 600_000;

/**
 * What the chaos routes act on: the chaos state, the probes they flip, the writer bursts go
 * through, and the burst cap.
 *
 * @example
 * ```ts
 * routeChaos({ chaos, domain, events, maxBurstCount: 100_000 }, req, url);
 * ```
 */
export interface ChaosRouteParts {
  chaos: Chaos;
  domain: Pick<Domain, 'setHealth'>;
  events: Pick<EventWriter, 'emitAsync'>;
  maxBurstCount: number;
}
// Bursts go out in slices so sockets get to drain between them; each slice is one sqlite transaction.
const BURST_SLICE = 1000;

function positiveInt(body: Record<string, unknown>, name: string, max: number): number {
  const value = body[name];
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new HttpError(400, `Field "${name}" must be a positive integer`);
  }
  return Math.min(value as number, max);
}

async function drop({ chaos }: ChaosRouteParts): Promise<Response> {
  return json({ dropped: chaos.drop() });
}

async function stall({ chaos }: ChaosRouteParts, req: Request): Promise<Response> {
  const ms = positiveInt(await readJsonObject(req), 'ms', MAX_STALL_MS);
  chaos.stall(ms);
  return json({ stalledMs: ms });
}

async function enabledField(req: Request): Promise<boolean> {
  const enabled = (await readJsonObject(req))['enabled'];
  if (typeof enabled !== 'boolean') throw new HttpError(400, 'Field "enabled" must be a boolean');
  return enabled;
}

async function blockWebsocket({ chaos }: ChaosRouteParts, req: Request): Promise<Response> {
  const enabled = await enabledField(req);
  chaos.blockWebsocket = enabled;
  return json({ enabled });
}

async function blockSse({ chaos }: ChaosRouteParts, req: Request): Promise<Response> {
  const enabled = await enabledField(req);
  chaos.blockSse = enabled;
  return json({ enabled });
}

async function health({ domain }: ChaosRouteParts, req: Request): Promise<Response> {
  const body = await readJsonObject(req);
  const probe = body['probe'];
  const status = body['status'];
  if (!HEALTH_PROBES.includes(probe as HealthProbe)) {
    throw new HttpError(400, `Field "probe" must be one of: ${HEALTH_PROBES.join(', ')}`);
  }
  if (status !== 'healthy' && status !== 'unhealthy') throw new HttpError(400, 'Field "status" must be healthy or unhealthy');
  const reason = optionalStringField(body, 'reason');
  domain.setHealth(probe as HealthProbe, status, reason);
  return json({ probe, status });
}

/** The optional fields of a burst that shape it (`prefix`, `keys`, `deletes`, `seed`); absent, puts in order. */
function burstShape(body: Record<string, unknown>): BurstShape {
  if (body['prefix'] === undefined && body['keys'] === undefined && body['deletes'] === undefined) return BURST_IN_ORDER;
  const prefix = optionalStringField(body, 'prefix') ?? BURST_IN_ORDER.prefix;
  const keys = body['keys'] === undefined ? null : positiveInt(body, 'keys', 10_000_000);
  const deletes = body['deletes'] ?? 0;
  if (typeof deletes !== 'number' || !(deletes >= 0 && deletes <= 1)) throw new HttpError(400, 'Field "deletes" must be a number from 0 to 1');
  if (deletes > 0 && keys === null) throw new HttpError(400, 'Field "deletes" needs "keys" (the keys to delete among)');
  const seed = body['seed'] === undefined ? 1 : positiveInt(body, 'seed', 2 ** 31);
  return { prefix, keys, deletes, random: seededRandom(seed) };
}

/** `perSecond`: one event at a time at that rate (each its own write, as live traffic is), not a burst. */
async function paced(events: ChaosRouteParts['events'], count: number, perSecond: number, shape: BurstShape): Promise<Response> {
  let firstSeq = 0;
  let lastSeq = 0;
  const start = performance.now();
  // A null from the writer means the server is stopping: the burst ends where it is.
  emitting: for (let i = 0; i < count; ) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1);
    for (; i < due; i++) {
      const given = await events.emitAsync([burstDraft(i, shape)]);
      if (!given) break emitting;
      firstSeq ||= given.firstSeq;
      lastSeq = given.lastSeq;
    }
    if (i < count) await Bun.sleep(Math.max(0, ((i * 1000) / perSecond) - (performance.now() - start)));
  }
  return json({ count, firstSeq, lastSeq });
}

async function burst({ events, maxBurstCount }: ChaosRouteParts, req: Request): Promise<Response> {
  const body = await readJsonObject(req);
  const count = positiveInt(body, 'count', maxBurstCount);
  const shape = burstShape(body);
  if (body['perSecond'] !== undefined) return paced(events, count, positiveInt(body, 'perSecond', 100_000), shape);
  let firstSeq = 0;
  let lastSeq = 0;
  for (let done = 0; done < count; done += BURST_SLICE) {
    const drafts: EventDraft[] = [];
    for (let i = done; i < Math.min(count, done + BURST_SLICE); i++) {
      drafts.push(burstDraft(i, shape));
    }
    const given = await events.emitAsync(drafts);
    if (!given) break;
    firstSeq ||= given.firstSeq;
    lastSeq = given.lastSeq;
    if (done + BURST_SLICE < count) await Bun.sleep(0);
  }
  return json({ count, firstSeq, lastSeq });
}

async function counters({ chaos }: ChaosRouteParts): Promise<Response> {
  const body: ChaosCounters = { ...chaos.counters };
  return json(body);
}

const CHAOS_ROUTES: Record<string, { method: 'GET' | 'POST'; handler: (parts: ChaosRouteParts, req: Request) => Promise<Response> }> = {
  '/__chaos/drop': { method: 'POST', handler: drop },
  '/__chaos/stall': { method: 'POST', handler: stall },
  '/__chaos/block-websocket': { method: 'POST', handler: blockWebsocket },
  '/__chaos/block-sse': { method: 'POST', handler: blockSse },
  '/__chaos/health': { method: 'POST', handler: health },
  '/__chaos/burst': { method: 'POST', handler: burst },
  '/__chaos/counters': { method: 'GET', handler: counters },
};

/**
 * The `/__chaos/*` controls (POST, but `GET /__chaos/counters`). Returns null when the path is not
 * a chaos route, so the caller answers 404 (also for every chaos path when the server runs without
 * `--chaos`).
 *
 * @example
 * ```ts
 * const answer = routeChaos(parts, req, url) ?? routeHttp(parts, req, url);
 * ```
 */
export function routeChaos(parts: ChaosRouteParts, req: Request, url: URL): Promise<Response> | Response | null {
  const route = CHAOS_ROUTES[url.pathname];
  if (!route) return null;
  if (req.method !== route.method) return json({ error: 'Method not allowed' }, 405);
  return route.handler(parts, req);
}
