import { stopSavedServer } from './mock-server-process';

/** Stops the run's mock server (a no-op when global setup's own teardown already did). */
export default async function globalTeardown(): Promise<void> {
  stopSavedServer();
}
