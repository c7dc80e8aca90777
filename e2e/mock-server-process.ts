import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startMockServerCli } from '../mock-server/start-cli.cjs';

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
 * short enough that every scenario finishes in seconds (plus `extraArgs`, for a scenario that needs
 * a server of its own). Resolves once it prints its URL.
 */
export async function startMockServer(extraArgs: string[] = []): Promise<{ server: RunningServer; child: ChildProcess; stop(): void }> {
  const staticDir = path.join(root, 'dist', 'demo', 'browser');
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}/index.html is missing: run \`npx ng build demo\` before the e2e tests.`);
  }
  const { url, child, stop } = await startMockServerCli([
    '--static', staticDir,
    '--heartbeat-interval', '1000',
    '--heartbeat-timeout', '5000',
    '--stats-interval', '1000',
    ...extraArgs,
  ]);
  return { server: { url, pid: child.pid! }, child, stop };
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
