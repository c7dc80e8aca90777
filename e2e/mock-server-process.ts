import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
/** Where global setup records the running server, for teardown and for a stale run's clean-up. */
export const STATE_FILE = path.join(root, 'test-results', 'e2e-server.json');

/** The one server of an e2e run. */
export interface RunningServer {
  url: string;
  pid: number;
}

/**
 * Starts the mock server on a free port, serving the built demo, with heartbeat and stats figures
 * short enough that every scenario finishes in seconds. Resolves once it prints its URL.
 */
export function startMockServer(): Promise<{ server: RunningServer; child: ChildProcess }> {
  const staticDir = path.join(root, 'dist', 'demo', 'browser');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}/index.html is missing: run \`npx ng build demo\` before the e2e tests.`);
  }
  const bun = path.join(root, 'node_modules', '.bin', 'bun');
  const child = spawn(
    bun,
    [
      path.join(root, 'mock-server', 'src', 'main.ts'),
      '--port', '0',
      '--chaos',
      '--data', ':memory:',
      '--static', staticDir,
      '--heartbeat-interval', '1000',
      '--heartbeat-timeout', '5000',
      '--stats-interval', '1000',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`mock server did not start within 15 s; it printed: ${out}`)), 15_000);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`mock server exited early with ${code}; it printed: ${out}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      // Keep draining stdout so a chatty server never blocks on a full pipe.
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ server: { url: match[1].replace(/\/$/, ''), pid: child.pid! }, child });
    });
  });
}

/** Records the running server so teardown (and the next run, after a crash) can stop it. */
export function saveServer(server: RunningServer): void {
  writeFileSync(STATE_FILE, JSON.stringify(server));
}

/** Stops the server recorded in the state file, if any, and forgets it. */
export function stopSavedServer(): void {
  if (!existsSync(STATE_FILE)) return;
  try {
    const { pid } = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RunningServer;
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  rmSync(STATE_FILE, { force: true });
}
