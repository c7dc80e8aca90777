import type { RedisClient } from 'bun';
import type { EventDraft } from './event-log';

/*
 * One atomic append: a seq per event, the stream entry (trimmed to the retained count), the key
 * state for key changes, and one PUBLISH to every instance, naming the epoch (made here when Redis
 * lost it, so a flushed or restarted Redis is a new history). ARGV: retain, timestamp, a candidate
 * epoch, then pairs of (type, the event's other fields as JSON without the opening brace).
 */
const APPEND_SCRIPT = `
local retain, ts = ARGV[1], ARGV[2]
redis.call('SET', KEYS[5], ARGV[3], 'NX')
local epoch = redis.call('GET', KEYS[5])
local out = {}
for i = 4, #ARGV, 2 do
  local seq = redis.call('INCR', KEYS[1])
  local rest = ARGV[i + 1]
  local text = '{"type":"' .. ARGV[i] .. '","seq":' .. seq .. ',"timestamp":' .. ts .. (rest == '}' and '}' or (',' .. rest))
  redis.call('XADD', KEYS[2], 'MAXLEN', '=', retain, seq .. '-1', 'e', text)
  if ARGV[i] == 'key_change' then
    local f = cjson.decode('{' .. rest)
    local field = cjson.encode({ f.cf, f.key })
    if f.operation == 'put' then redis.call('HSET', KEYS[3], field, f.value) else redis.call('HDEL', KEYS[3], field) end
  end
  out[#out + 1] = text
end
redis.call('PUBLISH', KEYS[4], '{"epoch":"' .. epoch .. '","events":[' .. table.concat(out, ',') .. ']}')
return tonumber(redis.call('GET', KEYS[1]))`;

/** A fresh epoch: 16 hex characters. */
export const newEpoch = (): string => crypto.randomUUID().replaceAll('-', '').slice(0, 16);

/** Where the engine keeps each shared thing in Redis. */
export const KEYS = { seq: 'apx:seq', log: 'apx:log', keys: 'apx:keys', tokens: 'apx:tokens', epoch: 'apx:epoch', channel: 'apx:events', connections: 'apx:connections' };

/**
 * Appends drafts to the shared log in one atomic step and returns the newest seq; every instance
 * (and nothing else) then gets them from the PUB/SUB channel.
 *
 * @example
 * ```ts
 * const seq = await appendToRedis(client, [{ type: 'sync_event', status: 'started', details: {} }], 10_000, Date.now());
 * ```
 */
export async function appendToRedis(client: RedisClient, drafts: readonly EventDraft[], retain: number, now: number): Promise<number> {
  const args = [String(retain), String(now), newEpoch()];
  for (const draft of drafts) {
    const { type, ...fields } = draft;
    args.push(type, JSON.stringify(fields).slice(1));
  }
  return Number(await client.send('EVAL', [APPEND_SCRIPT, '5', KEYS.seq, KEYS.log, KEYS.keys, KEYS.channel, KEYS.epoch, ...args]));
}
