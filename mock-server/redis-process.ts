import { spawn, type Subprocess } from 'bun';

/**
 * A real `redis-server` for one test or benchmark (beside `start-cli.cjs`, for test runners): loopback, a free port, no persistence (no RDB, no AOF), so
 * a restart starts empty unless the test says otherwise. `stop()` kills it; nothing outlives the test.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * const client = new RedisClient(redis.url);
 * await redis.restart(); // the same port, an empty Redis
 * redis.stop();
 * ```
 */
export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** Kills it and starts it again on the same port (empty: persistence is off). */
  restart(): Promise<void>;
  /** Kills it without starting it again. */
  kill(): Promise<void>;
  stop(): void;
}

const running = new Set<Subprocess>();

function freePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function waitForPing(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        Bun.connect({
          hostname: '127.0.0.1',
          port,
          socket: {
            open: (s) => void s.write('PING\r\n'),
            data: (s, data) => {
              resolve(data.toString());
              s.end();
            },
            error: (_s, e) => reject(e),
            connectError: (_s, e) => reject(e),
          },
        }).catch(reject);
      });
      if (answer.startsWith('+PONG')) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(20);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Starts `redis-server`; throws with how to install it when it is missing. */
export async function startRedis(): Promise<RedisProcess> {
  if (!Bun.which('redis-server')) throw new Error('redis-server is missing: apt-get install -y redis-server (scripts/ensure-deps.sh --chromium does)');
  const port = freePort();
  let child: Subprocess | null = null;
  const launch = async () => {
    child = spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdout: 'ignore',
      stderr: 'ignore',
    });
    running.add(child);
    await waitForPing(port);
  };
  const kill = async () => {
    if (!child) return;
    const dying = child;
    child = null;
    dying.kill('SIGKILL');
    await dying.exited;
    running.delete(dying);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await kill();
      await launch();
    },
    kill,
    stop: () => void kill(),
  };
}

/** Kills every redis-server these helpers started (for an `afterAll`). */
export async function stopAllRedis(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([...running].map((c) => c.exited));
  running.clear();
}
