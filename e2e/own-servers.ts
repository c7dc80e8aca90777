import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from './fixtures';
import { startMockServer } from './mock-server-process';

/** A mock server a scenario started for itself. */
export type OwnServer = Awaited<ReturnType<typeof startMockServer>>;

/**
 * Servers of a spec file's own, for scenarios that break theirs on purpose (kill it, stall it, count
 * its requests) instead of sharing the run's: each started server is stopped after its test, and
 * each test gets an empty data folder, removed after it. Call once at the top of the file.
 *
 * @example
 * const servers = ownServers('rt-e2e-', ['--compat', 'apexstore-2.2']);
 * const first = await servers.start(['--data', path.join(servers.dataDir(), 'a.sqlite')]);
 */
export function ownServers(dirPrefix: string, baseArgs: string[] = []): { start(extraArgs?: string[]): Promise<OwnServer>; dataDir(): string } {
  const running: OwnServer[] = [];
  let dataDir = '';
  test.beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  });
  test.afterEach(() => {
    for (const server of running.splice(0)) server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    async start(extraArgs: string[] = []) {
      const started = await startMockServer([...baseArgs, ...extraArgs]);
      running.push(started);
      return started;
    },
    dataDir: () => dataDir,
  };
}
