import { defineConfig } from '@playwright/test';
import chromiumFlags from './chromium-flags.cjs';

/**
 * End-to-end tests: the built demo (`npx ng build demo` first) served by the real mock server,
 * driven in the system Chromium. One server for the run, started by `e2e/global-setup.ts` on a
 * free port; tests read its URL from the environment (see `e2e/fixtures.ts`).
 */
export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env['CI'],
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: chromiumFlags,
        },
      },
    },
  ],
});
