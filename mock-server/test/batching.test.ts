import { afterEach, describe, expect, test } from 'bun:test';
import { parseServerFrame, checkServerFrame, FrameRejection } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { batchFrames } from '../src/realtime/batch-frames';
import { api, login, putKey, startServer, stopAllServers, TestClient, until } from './helpers';

afterEach(stopAllServers);

/** Every sequenced event a client got, unpacking batches, in arrival order. */
function seqsOf(frames: any[]): number[] {
  return frames.flatMap((f) => (f.type === 'batch' ? f.events.map((e: any) => e.seq) : typeof f.seq === 'number' ? [f.seq] : []));
}

describe('batch frames', () => {
  test('a burst reaches a batching client in batch frames under the size cap, every event once, in order; others get single frames', async () => {
    const server = await startServer({ chaos: true, maxBatchBytes: 4096 });
    const token = await login(server);
    const { client: batching, welcome } = await TestClient.authed(server, token, 'batch=1');
    const { client: single } = await TestClient.authed(server, token);
    const burst = (await api(server, 'POST', '/__chaos/burst', { body: { count: 2500 } })).body;
    const expected = Array.from({ length: 2500 }, (_, i) => welcome.lastSeq + 1 + i);
    await until(() => seqsOf(batching.frames).length === 2500 && seqsOf(single.frames).length === 2500, 5000);
    expect(burst.lastSeq).toBe(expected.at(-1)!);
    expect(seqsOf(batching.frames)).toEqual(expected);
    expect(seqsOf(single.frames)).toEqual(expected);
    const batches = batching.frames.filter((f) => f.type === 'batch');
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.length).toBeLessThan(2500 / 10);
    for (const batch of batches) {
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(4096);
      expect(parseServerFrame(JSON.stringify(batch)).ok).toBe(true);
      for (const event of batch.events) expect(checkServerFrame(event) instanceof FrameRejection).toBe(false);
    }
    expect(single.frames.some((f) => f.type === 'batch')).toBe(false);
  });

  test('a lone event goes out at once as its own frame, also to a batching client', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token, 'batch=1');
    await putKey(server, token, 'alone', '1');
    const frame = await client.next((f) => f.type === 'key_change' || f.type === 'batch');
    expect(frame).toMatchObject({ type: 'key_change', key: 'alone' });
  });

  test('a paced stream (burst with perSecond) goes out one event per frame at that rate, also to a batching client', async () => {
    const server = await startServer({ chaos: true });
    const { client, welcome } = await TestClient.authed(server, await login(server), 'batch=1');
    const started = performance.now();
    const answer = (await api(server, 'POST', '/__chaos/burst', { body: { count: 20, perSecond: 200 } })).body;
    const elapsed = performance.now() - started;
    expect(answer).toMatchObject({ count: 20, firstSeq: welcome.lastSeq + 1, lastSeq: welcome.lastSeq + 20 });
    expect(elapsed).toBeGreaterThanOrEqual(80);
    await until(() => seqsOf(client.frames).length === 20);
    expect(client.frames.some((f) => f.type === 'batch')).toBe(false);
    expect((await api(server, 'POST', '/__chaos/burst', { body: { count: 5, perSecond: 0 } })).status).toBe(400);
  });

  test('the replay after lastSeq comes in batches, then resumed', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const { client: first, welcome } = await TestClient.authed(server, token);
    first.close();
    await api(server, 'POST', '/__chaos/burst', { body: { count: 300 } });
    const { client } = await TestClient.authed(server, token, `batch=1&lastSeq=${welcome.lastSeq}`);
    const resumed = await client.next('resumed');
    expect(resumed).toMatchObject({ fromSeq: welcome.lastSeq + 1, count: 300 });
    const before = client.frames.slice(0, client.frames.indexOf(resumed));
    expect(before.filter((f) => f.type === 'batch').length).toBeGreaterThanOrEqual(1);
    expect(seqsOf(before)).toEqual(Array.from({ length: 300 }, (_, i) => welcome.lastSeq + 1 + i));
  });

  test('first-frame auth announces batching with batch: true; a filtered batching client gets batches of its matches', async () => {
    const server = await startServer({ chaos: true });
    const token = await login(server);
    const client = TestClient.connect(server, 'keyPrefix=burst:1');
    await client.opened;
    client.send({ type: 'auth', token, batch: true });
    await client.next('welcome');
    await api(server, 'POST', '/__chaos/burst', { body: { count: 200 } });
    // burst:1, burst:10..19, burst:100..199: 111 keys
    await until(() => seqsOf(client.frames).length === 111, 3000);
    expect(client.frames.some((f) => f.type === 'batch')).toBe(true);
    const keys = client.frames.flatMap((f) => (f.type === 'batch' ? f.events : f.type === 'key_change' ? [f] : [])).map((e: any) => e.key);
    expect(keys.every((k: string) => k.startsWith('burst:1'))).toBe(true);
  });

  test('volatile frames are never batched: stats_update and ping arrive on their own', async () => {
    const server = await startServer({ statsIntervalMs: 40, heartbeatIntervalMs: 40 });
    const { client } = await TestClient.authed(server, await login(server), 'batch=1');
    await client.next('stats_update', 1000);
    await client.next('ping', 1000);
    expect(client.frames.some((f) => f.type === 'batch')).toBe(false);
  });

  test('a bad batch parameter is refused before the upgrade; a bad auth batch field gets an error', async () => {
    const server = await startServer();
    const res = await fetch(`${server.url}/ws/events?batch=yes`, { headers: { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain('batch');
    const client = TestClient.connect(server);
    await client.opened;
    client.send({ type: 'auth', token: await login(server), batch: 'please' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_frame' });
  });

  test('batchFrames: caps by bytes, sends an oversized event alone, and a lone event as itself', () => {
    const texts = Array.from({ length: 10 }, (_, i) => JSON.stringify({ type: 'key_change', seq: i + 1, value: 'x'.repeat(40) }));
    const frames = batchFrames(texts, 200);
    expect(frames.every((f) => Buffer.byteLength(f) <= 200 || !f.startsWith('{"type":"batch"'))).toBe(true);
    expect(frames.flatMap((f) => (JSON.parse(f).type === 'batch' ? JSON.parse(f).events : [JSON.parse(f)])).map((e: any) => e.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    const huge = JSON.stringify({ type: 'key_change', seq: 11, value: 'y'.repeat(500) });
    expect(batchFrames([texts[0]!, huge, texts[1]!], 200)).toEqual([texts[0]!, huge, texts[1]!]);
    expect(batchFrames([texts[0]!], 200)).toEqual([texts[0]!]);
    expect(batchFrames([], 200)).toEqual([]);
  });
});
