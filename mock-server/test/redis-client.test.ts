import { afterAll, describe, expect, test } from 'bun:test';
import { RedisClient } from 'bun';
import { startRedis, stopAllRedis } from '../redis-process';

afterAll(stopAllRedis);

/*
 * What the Redis engine will rely on, checked against a real redis-server with Bun's built-in
 * client: one atomic script per append (seq, stream entry, trim, publish), reads of the stream,
 * PUB/SUB between connections, and the client's behaviour when Redis restarts.
 */
const APPEND = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[2], seq .. '-1', 'e', ARGV[1])
redis.call('PUBLISH', KEYS[3], seq .. ' ' .. ARGV[1])
return seq`;

describe("Bun's RedisClient against redis-server", () => {
  test('an append script gives one seq per event, the stream keeps the newest, PUB/SUB fans out', async () => {
    const redis = await startRedis();
    const writer = new RedisClient(redis.url);
    const subscriber = new RedisClient(redis.url);
    const heard: string[] = [];
    await subscriber.subscribe('events', (message) => void heard.push(message));
    const seqs: number[] = [];
    for (const body of ['a', 'b', 'c', 'd']) {
      seqs.push(Number(await writer.send('EVAL', [APPEND, '3', 'seq', 'log', 'events', body, '3'])));
    }
    expect(seqs).toEqual([1, 2, 3, 4]);
    const entries = (await writer.send('XRANGE', ['log', '-', '+'])) as Array<[string, string[]]>;
    expect(entries.map(([id, fields]) => `${id}:${fields[1]}`)).toEqual(['2-1:b', '3-1:c', '4-1:d']);
    const after = (await writer.send('XRANGE', ['log', '(3-1', '+'])) as Array<[string, string[]]>;
    expect(after.map(([id]) => id)).toEqual(['4-1']);
    for (let i = 0; i < 50 && heard.length < 4; i++) await Bun.sleep(10);
    expect(heard).toEqual(['1 a', '2 b', '3 c', '4 d']);
    writer.close();
    subscriber.close();
    redis.stop();
  });

  test('a write while Redis is down fails fast; after a restart the client reconnects and Redis is empty', async () => {
    const redis = await startRedis();
    const client = new RedisClient(redis.url, { autoReconnect: true, connectionTimeout: 500, enableOfflineQueue: false });
    await client.connect();
    await client.set('epoch', 'e1');
    await redis.kill();
    const failed = await client.send('INCR', ['seq']).then(() => null, (error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    await redis.restart();
    let value: string | null | undefined;
    for (let i = 0; i < 100 && value === undefined; i++) {
      value = await client.get('epoch').then((v) => v, () => undefined);
      if (value === undefined) await Bun.sleep(50);
    }
    expect(value).toBeNull(); // persistence is off: the history (and its epoch) is gone
    client.close();
    redis.stop();
  });
});
