import { startRedis, stopAllRedis, type RedisProcess } from '../redis-process';
import { createServer, type MockServer } from '../src/create-server';
import type { ServerOptions } from '../src/config';

const running = new Set<MockServer>();

/**
 * `MOCK_ENGINE=redis bun test` runs the same suites on the Redis engine: each server gets a real
 * redis-server of its own, and servers on one data file share one (a restart keeps what Redis has).
 */
const ENGINE = process.env['MOCK_ENGINE'] === 'redis' ? 'redis' : 'sqlite';
const redisByFile = new Map<string, RedisProcess>();

async function engineOptions(options: ServerOptions): Promise<ServerOptions> {
  if (ENGINE !== 'redis' || options.redisUrl) return options;
  const file = options.dataPath && options.dataPath !== ':memory:' ? options.dataPath : null;
  let redis = file ? redisByFile.get(file) : undefined;
  if (!redis) {
    redis = await startRedis();
    if (file) redisByFile.set(file, redis);
  }
  return { ...options, redisUrl: redis.url };
}

/** Starts a server on a free port with an in-memory db; `stopAllServers` stops it. */
export async function startServer(options: ServerOptions = {}): Promise<MockServer> {
  const server = await createServer(await engineOptions({ port: 0, dataPath: ':memory:', ...options }));
  running.add(server);
  return server;
}

/** Stops a server now (and forgets it, so afterEach does not stop it twice). */
export async function stopServer(server: MockServer): Promise<void> {
  running.delete(server);
  await server.stop();
}

/**
 * Stops every server this file started; each test file registers it with `afterEach` (bun shares the
 * helper module between files, so a hook registered here would only run for the first file).
 */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
  running.clear();
  if (ENGINE === 'redis') {
    await stopAllRedis();
    redisByFile.clear();
  }
}

export interface ApiResult {
  status: number;
  body: any;
  headers: Headers;
}

/** One HTTP call; `body` objects are sent as JSON, strings as they are. */
export async function api(
  server: MockServer,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['Authorization'] = `Bearer ${init.token}`;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON (static files): keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function login(server: MockServer, user: 'admin' | 'viewer' | 'nobody' = 'admin'): Promise<string> {
  const res = await api(server, 'POST', '/auth/login', { body: { username: user, password: user } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body.token as string;
}

export async function putKey(server: MockServer, token: string, key: string, value: string, cf?: string): Promise<ApiResult> {
  const query = cf ? `?cf=${encodeURIComponent(cf)}` : '';
  return api(server, 'PUT', `/keys/${encodeURIComponent(key)}${query}`, { token, body: { value } });
}

/** Resolves when `check` returns true, polling briefly; for state with no event to await. */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await Bun.sleep(5);
  }
}

/**
 * A WebSocket test client that queues every frame so tests can await the next one of a kind.
 */
export class TestClient {
  readonly frames: any[] = [];
  private readonly queue: any[] = [];
  private waiters: Array<{ match: (f: any) => boolean; resolve: (f: any) => void }> = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | null = null;

  constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => reject(new Error('socket error before open')));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      socket.addEventListener('close', (e) => {
        this.closeInfo = { code: e.code, reason: e.reason };
        resolve(this.closeInfo);
      });
    });
    socket.addEventListener('message', (e) => {
      const frame = typeof e.data === 'string' ? JSON.parse(e.data) : e.data;
      this.frames.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      } else {
        this.queue.push(frame);
      }
    });
  }

  static connect(server: MockServer, query = '', headers?: Record<string, string>): TestClient {
    const url = `${server.wsUrl}${query ? `?${query}` : ''}`;
    return new TestClient(headers ? new WebSocket(url, { headers } as any) : new WebSocket(url));
  }

  /** Connects with `?token=` and waits for `welcome`. */
  static async authed(server: MockServer, token: string, query = ''): Promise<{ client: TestClient; welcome: any }> {
    const client = TestClient.connect(server, `token=${encodeURIComponent(token)}${query ? `&${query}` : ''}`);
    const welcome = await client.next('welcome');
    return { client, welcome };
  }

  /** The next queued or future frame of a type (or matching a predicate). */
  next(match: string | ((f: any) => boolean), timeoutMs = 3000): Promise<any> {
    const test = typeof match === 'string' ? (f: any) => f.type === match : match;
    const index = this.queue.findIndex(test);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = { match: test, resolve: (f: any) => { clearTimeout(timer); resolve(f); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${typeof match === 'string' ? match : 'matching'} frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Collects `count` frames of a type, in order. */
  async take(type: string, count: number, timeoutMs = 3000): Promise<any[]> {
    const out: any[] = [];
    for (let i = 0; i < count; i++) out.push(await this.next(type, timeoutMs));
    return out;
  }

  /** Frames received so far that are still queued (not yet taken by `next`). */
  pending(type?: string): any[] {
    return type ? this.queue.filter((f) => f.type === type) : [...this.queue];
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || frame instanceof Uint8Array ? (frame as any) : JSON.stringify(frame));
  }

  async closeCode(timeoutMs = 3000): Promise<number> {
    const info = await Promise.race([
      this.closed,
      Bun.sleep(timeoutMs).then(() => {
        throw new Error(`socket not closed within ${timeoutMs} ms`);
      }),
    ]);
    return info.code;
  }

  close(): void {
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close();
  }
}
