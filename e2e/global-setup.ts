import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { saveServer, startMockServer, stopSavedServer } from './mock-server-process';

/**
 * Starts the mock server for the run and publishes its URL as `E2E_BASE_URL` (workers inherit the
 * environment). The returned function is Playwright's teardown; `global-teardown.ts` and the exit
 * hook are backups, so the server never outlives the run, whatever fails.
 */
export default async function globalSetup(): Promise<() => void> {
  mkdirSync(path.resolve(__dirname, '..', 'test-results'), { recursive: true });
  stopSavedServer(); // A previous run that was killed hard may have left one behind.
  const { server, child } = await startMockServer();
  saveServer(server);
  process.env['E2E_BASE_URL'] = server.url;
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  return () => {
    stop();
    stopSavedServer();
  };
}
