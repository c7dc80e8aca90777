import { afterEach, describe, expect, test } from 'bun:test';
import { api, login, putKey, startServer, stopAllServers } from './helpers';

afterEach(stopAllServers);

/** Writes `count` keys `${prefix}000`, `${prefix}001`, ... in one burst of concurrent PUTs. */
async function putMany(server: Parameters<typeof putKey>[0], token: string, prefix: string, count: number, cf?: string): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, i) => putKey(server, token, `${prefix}${String(i).padStart(3, '0')}`, String(i), cf)));
}

describe('GET /keys paging', () => {
  test('pages with after/next walk every key of a prefix exactly once; total counts them all', async () => {
    const server = await startServer();
    const token = await login(server);
    await putMany(server, token, 'user:', 267);
    await putMany(server, token, 'order:', 5);
    await putMany(server, token, 'user:', 3, 'archive');

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = `/keys?prefix=user:&limit=100${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const page = await api(server, 'GET', query, { token });
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(267);
      expect(page.body.count).toBe(page.body.keys.length);
      seen.push(...page.body.keys.map((k: any) => k.key));
      after = page.body.next;
      if (after !== null) expect(after).toBe(seen[seen.length - 1]!);
      pages++;
    } while (after !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 267 }, (_, i) => `user:${String(i).padStart(3, '0')}`));
  });

  test('next is null when the page ends exactly at the last key; after is exclusive and need not exist', async () => {
    const server = await startServer();
    const token = await login(server);
    await putMany(server, token, 'k', 4);
    const full = await api(server, 'GET', '/keys?limit=4', { token });
    expect(full.body).toMatchObject({ count: 4, total: 4, next: null });
    const first = await api(server, 'GET', '/keys?limit=2', { token });
    expect(first.body).toMatchObject({ count: 2, total: 4, next: 'k001' });
    expect(first.headers.get('X-Last-Seq')).toBe('4');
    const rest = await api(server, 'GET', '/keys?limit=2&after=k001', { token });
    expect(rest.body).toMatchObject({ keys: [{ key: 'k002' }, { key: 'k003' }], count: 2, total: 4, next: null });
    // A cursor between keys (the key was deleted meanwhile) still continues after it.
    expect((await api(server, 'GET', '/keys?after=k0015', { token })).body.keys.map((k: any) => k.key)).toEqual(['k002', 'k003']);
    expect((await api(server, 'GET', '/keys?after=zzz', { token })).body).toEqual({ keys: [], count: 0, total: 4, next: null });
    // An empty after is no cursor; limit=0 answers only the total.
    expect((await api(server, 'GET', '/keys?after=', { token })).body.count).toBe(4);
    expect((await api(server, 'GET', '/keys?limit=0', { token })).body).toEqual({ keys: [], count: 0, total: 4, next: null });
  });

  test('limit defaults to 100 and is capped at 1000', async () => {
    const server = await startServer();
    const token = await login(server);
    for (let i = 0; i < 1200; i++) server.context.domain.putKey('default', `n${String(i).padStart(4, '0')}`, 'v');
    await server.context.settled();
    const byDefault = await api(server, 'GET', '/keys', { token });
    expect(byDefault.body).toMatchObject({ count: 100, total: 1200 });
    expect(byDefault.body.next).toBe(byDefault.body.keys[99].key);
    const capped = await api(server, 'GET', '/keys?limit=5000', { token });
    expect(capped.body).toMatchObject({ count: 1000, total: 1200 });
  });
});
