/**
 * Launches Debian's Chromium headless on one page, with no DevTools connection: Playwright and
 * Puppeteer turn on network reporting (a message to the driver per WebSocket frame), which caps a
 * page near 5,600 frames/s here, so benchmarks measured through them measure the instrumentation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromiumFlags from '../../chromium-flags.cjs';

export interface RunningBrowser {
  readonly child: ChildProcess;
  /** Kills the browser and every process it started, and removes its profile. */
  stop(): void;
}

/**
 * @example
 * const browser = launchChromium('http://127.0.0.1:8080/dispatch.html');
 * browser.stop();
 */
export function launchChromium(url: string, extraFlags: string[] = []): RunningBrowser {
  const profile = mkdtempSync(join(tmpdir(), 'rt-bench-chromium-'));
  const child = spawn(
    process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
    [
      '--headless',
      ...chromiumFlags,
      '--disable-quic',
      '--mute-audio',
      // Benchmarks compare rounds in one page: keep the page's timers and rendering unthrottled.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      // The tab-sharing benchmark opens its follower tab with window.open().
      '--disable-popup-blocking',
      '--js-flags=--expose-gc',
      '--enable-precise-memory-info',
      `--user-data-dir=${profile}`,
      ...extraFlags,
      url,
    ],
    { stdio: 'ignore', detached: true },
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(profile, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // Detached (so the whole process group can be killed), the browser would outlive a runner that
  // is interrupted: take it down on the signals too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  return { child, stop };
}
