/**
 * The emitter: appends events to a Redis-backed stream from another process (a backend job, a
 * sidecar next to the real ApexStore), so every mock server instance on that Redis delivers them.
 *
 *   bun mock-server/src/emit.ts --redis redis://127.0.0.1:6379 '{"type":"sync_event","status":"started","details":{}}'
 *
 * Each argument is one event without `seq` and `timestamp` (the stream gives them); it is
 * validated against the protocol first. Prints `seq N` (the newest seq given) and exits 0; a bad
 * argument exits 2 with the reason, an unreachable Redis exits 1.
 */
import { RedisClient } from 'bun';
import { isSequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { PROTOCOL_DEFAULTS } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { EventDraft } from './storage/event-log';
import { appendToRedis } from './storage/redis-log';

/** The emitter's usage text. */
export const EMIT_USAGE = `usage: bun mock-server/src/emit.ts --redis redis://HOST:PORT [--retain N] '<event json>' ...`;

/**
 * Reads one event argument: a JSON object that, given a seq and a timestamp, is a valid
 * sequenced event of the protocol. Throws with the reason otherwise.
 *
 * @example
 * ```ts
 * parseDraft('{"type":"health_change","probe":"readiness","status":"unhealthy"}');
 * ```
 */
export function parseDraft(text: string): EventDraft {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${text}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${text}`);
  const { seq: _seq, timestamp: _timestamp, ...draft } = value as Record<string, unknown>;
  if (!isSequencedEvent({ ...draft, seq: 0, timestamp: 0 })) throw new Error(`not a valid event of the protocol: ${text}`);
  return draft as unknown as EventDraft;
}

/**
 * Appends events to the stream at `redisUrl` and returns the newest seq.
 *
 * @example
 * ```ts
 * const seq = await emitEvents('redis://127.0.0.1:6379', [parseDraft(json)]);
 * ```
 */
export async function emitEvents(redisUrl: string, drafts: readonly EventDraft[], retain: number = PROTOCOL_DEFAULTS.retainEvents): Promise<number> {
  const client = new RedisClient(redisUrl, { enableOfflineQueue: false, connectionTimeout: 2000, autoReconnect: false });
  try {
    await client.connect();
    return await appendToRedis(client, drafts, retain, Date.now());
  } finally {
    client.close();
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  let redisUrl: string | null = null;
  let retain: number = PROTOCOL_DEFAULTS.retainEvents;
  const drafts: EventDraft[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--redis' || arg === '--retain') {
        const value = args[++i];
        if (value === undefined) throw new Error(`${arg} needs a value`);
        if (arg === '--redis') redisUrl = value;
        else if (/^\d+$/.test(value) && Number(value) > 0) retain = Number(value);
        else throw new Error(`--retain needs a positive integer, got "${value}"`);
      } else if (arg === '--help') {
        console.log(EMIT_USAGE);
        process.exit(0);
      } else drafts.push(parseDraft(arg));
    }
    if (!redisUrl) throw new Error('--redis is required');
    if (drafts.length === 0) throw new Error('give at least one event');
  } catch (error) {
    console.error(`emit: ${(error as Error).message}\n${EMIT_USAGE}`);
    process.exit(2);
  }
  try {
    console.log(`seq ${await emitEvents(redisUrl, drafts, retain)}`);
  } catch (error) {
    console.error(`emit: Redis at ${redisUrl} did not take the events: ${(error as Error).message}`);
    process.exit(1);
  }
}
