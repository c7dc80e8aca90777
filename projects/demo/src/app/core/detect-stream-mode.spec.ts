import { detectStreamMode } from './detect-stream-mode';

/** A fetch that answers `/health` as a given server would, and records what it was asked. */
function server(answer: () => Response): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fake = ((input: RequestInfo | URL) => {
    asked.push(String(input));
    return Promise.resolve(answer());
  }) as typeof fetch;
  return { fetch: fake, asked };
}

const HEALTH = JSON.stringify({ status: 'healthy', probes: { liveness: 'healthy', readiness: 'healthy', startup: 'healthy' } });

describe('detectStreamMode', () => {
  it('a server that numbers its events (X-Last-Seq on GET /health) speaks the native protocol', async () => {
    const native = server(() => new Response(HEALTH, { status: 200, headers: { 'X-Last-Seq': '61' } }));
    expect(await detectStreamMode(native.fetch)).toBe('native');
    expect(native.asked).toEqual(['/health']);
  });

  it('an answer without X-Last-Seq, healthy or not, is ApexStore 2.2: its own change stream', async () => {
    expect(await detectStreamMode(server(() => new Response(HEALTH, { status: 200 })).fetch)).toBe('apexstore-2.2');
    expect(await detectStreamMode(server(() => new Response(HEALTH, { status: 503 })).fetch)).toBe('apexstore-2.2');
    // Unhealthy with the header is still the native server.
    expect(await detectStreamMode(server(() => new Response(HEALTH, { status: 503, headers: { 'X-Last-Seq': '3' } })).fetch)).toBe('native');
  });

  it('no answer, or one that is not the health endpoint, keeps the console on its own protocol', async () => {
    expect(await detectStreamMode(server(() => new Response('Bad gateway', { status: 502 })).fetch)).toBe('native');
    expect(await detectStreamMode(server(() => new Response('{"error":"Not found"}', { status: 404 })).fetch)).toBe('native');
    const down = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    expect(await detectStreamMode(down)).toBe('native');
  });
});
