/**
 * A server under test in the Server section, in its own process: the mock server's real CLI, the
 * bare `Bun.serve` publish loop or the `ws` package. Each answers the same three questions: where
 * a client connects, how to make it emit a burst, and how much memory it holds (VmRSS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error CommonJS helper shared with Karma and Playwright
import { startMockServerCli } from '../../mock-server/start-cli.cjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
/** The Bun binary itself (not a wrapper), so a child's pid is the server's and its RSS is the server's. */
export const BUN = join(root, 'node_modules', '.bin', 'bun');
const START_TIMEOUT_MS = 15_000;

export type ServerKind = 'mock' | 'bare' | 'ws';

export interface ServerUnderTest {
  kind: ServerKind;
  pid: number;
  /** The WebSocket URL clients open; `batch` asks the mock server for batch frames. */
  wsUrl(batch?: boolean): string;
  /** Makes the server emit `count` key_change events to every client; resolves when it has answered. */
  burst(count: number): Promise<void>;
  /** Resident memory of the server process now, in bytes. */
  rssBytes(): number;
  /** Kills the process and resolves once it is gone. */
  stop(): Promise<void>;
}

// Idle clients must stay untouched for the whole run: no pings, no stats pushes, no rate limit.
const MOCK_ARGS = ['--heartbeat-interval', '600000', '--heartbeat-timeout', '1200000', '--stats-interval', '600000', '--rate-limit', '1000000'];

/**
 * Starts one server on a free loopback port and resolves once it listens (and, for the mock
 * server, once a token has been issued for its clients).
 *
 * @example
 * ```ts
 * const bare = await startServer('bare');
 * try { await bare.burst(1000); } finally { await bare.stop(); }
 * ```
 */
export async function startServer(kind: ServerKind): Promise<ServerUnderTest> {
  if (kind === 'mock') return startMock();
  const args = kind === 'bare' ? [BUN, join(here, 'bare-bun-server.ts')] : ['node', join(here, 'ws-server.mjs')];
  const { child, url } = await spawnListening(args);
  return handle(kind, child, () => `${url.replace(/^http/, 'ws')}/`, `${url}/burst`);
}

async function startMock(): Promise<ServerUnderTest> {
  const { url, child } = (await startMockServerCli(MOCK_ARGS)) as { url: string; child: ChildProcess };
  try {
    const { token } = (await post(`${url}/auth/login`, { username: 'admin', password: 'admin' })) as { token: string };
    const ws = `${url.replace(/^http/, 'ws')}/ws/events?token=${encodeURIComponent(token)}`;
    return handle('mock', child, (batch) => (batch ? `${ws}&batch=1` : ws), `${url}/__chaos/burst`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

function handle(kind: ServerKind, child: ChildProcess, wsUrl: (batch?: boolean) => string, burstUrl: string): ServerUnderTest {
  return {
    kind,
    pid: child.pid!,
    wsUrl,
    burst: async (count) => void (await post(burstUrl, { count })),
    rssBytes: () => rssBytes(child.pid!),
    stop: () => stopChild(child),
  };
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(/\d+/.exec(line)![0]) * 1024;
}

/** Kills a child (SIGKILL: nothing of a benchmark server is worth a graceful stop) and waits for it. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

/** Spawns a baseline server and waits for its `listening on http://127.0.0.1:N` line. */
function spawnListening(command: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const kill = () => child.kill('SIGKILL');
  // Whatever ends the suite, a baseline server must not outlive it.
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return new Promise((resolveStart, reject) => {
    let out = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      kill();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${command.join(' ')} did not start within 15 s; it printed: ${out}`)), START_TIMEOUT_MS);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${command.join(' ')} exited early with ${code}; it printed: ${out}`)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', () => process.off('exit', kill));
      // Keep draining stdout so a chatty server never blocks on a full pipe.
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolveStart({ child, url: match[1]!.replace(/\/$/, '') });
    });
  });
}
