import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers, TestClient } from './helpers';

afterEach(stopAllServers);

const seqHeader = (res: { headers: Headers }) => Number(res.headers.get('X-Last-Seq'));

describe('X-Last-Seq on key writes', () => {
  test('PUT and DELETE answer the seq of their own event, and the instance already reads the write', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    const put = await putKey(server, token, 'user:1', 'Ada');
    expect(put.status).toBe(200);
    expect(put.headers.get('Access-Control-Expose-Headers')).toContain('X-Last-Seq');
    const putEvent = await client.next('key_change');
    expect(seqHeader(put)).toBe(putEvent.seq);
    // With --redis the answer waits until this instance applied the write: a read right after has it.
    const read = await api(server, 'GET', '/keys/user%3A1', { token });
    expect(read.body.value).toBe('Ada');
    expect(seqHeader(read)).toBeGreaterThanOrEqual(seqHeader(put));

    const deleted = await api(server, 'DELETE', '/keys/user%3A1', { token });
    expect(deleted.status).toBe(200);
    expect(seqHeader(deleted)).toBe((await client.next('key_change')).seq);
    expect((await api(server, 'GET', '/keys/user%3A1', { token })).status).toBe(404);
    // A delete of a missing key writes nothing and says no seq.
    expect((await api(server, 'DELETE', '/keys/user%3A1', { token })).headers.get('X-Last-Seq')).toBeNull();
  });

  test('concurrent writes each answer a seq at or after their own event', async () => {
    const server = await startServer();
    const token = await login(server);
    const { client } = await TestClient.authed(server, token);
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    const answers = await Promise.all(keys.map((key) => putKey(server, token, key, key)));
    const events = await client.take('key_change', keys.length);
    const seqOf = new Map(events.map((e) => [e.key, e.seq]));
    answers.forEach((answer, i) => {
      expect(seqHeader(answer)).toBeGreaterThanOrEqual(seqOf.get(keys[i]!)!);
      expect(seqHeader(answer)).toBeLessThanOrEqual(server.context.log.lastSeq);
    });
  });
});
