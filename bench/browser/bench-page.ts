/**
 * Runs one benchmark page in Chromium: bundles `pages/<name>.ts` with esbuild, serves it from the
 * real mock server (`--static`; Chromium refuses `ws://127.0.0.1` from `about:blank`), opens it in a
 * headless Chromium without DevTools, and waits for the figures it posts to a loopback collector.
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium';
import { startCollector } from './collector';
// @ts-expect-error CommonJS helper shared with Karma and Playwright
import { startMockServerCli } from '../../mock-server/start-cli.cjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
/** Where pages are bundled; served as the mock server's static directory. */
export const PAGE_DIR = join(root, 'dist', 'bench-pages');

/** Bundles a page (minified, as an app would ship) next to an HTML file that loads it. */
export async function bundlePage(name: string): Promise<void> {
  mkdirSync(PAGE_DIR, { recursive: true });
  await build({
    entryPoints: [join(here, 'pages', `${name}.ts`)],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(PAGE_DIR, `${name}.js`),
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'error',
    // As an app's production build does: Angular's dev-mode checks off.
    define: { ngDevMode: 'false' },
  });
  writeFileSync(join(PAGE_DIR, `${name}.html`), `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="/${name}.js"></script>`);
}

/**
 * @example
 * const figures = await runPage<DispatchFigures>('dispatch', { frames: 200000 }, 300_000);
 */
export async function runPage<T>(name: string, params: Record<string, string | number>, timeoutMs: number, serverArgs: string[] = []): Promise<T> {
  await bundlePage(name);
  const collector = await startCollector();
  const server = await startMockServerCli(['--static', PAGE_DIR, '--stats-interval', '600000', ...serverArgs]);
  const query = new URLSearchParams({ collector: collector.url, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  const browser = launchChromium(`${server.url}/${name}.html?${query}`);
  try {
    const result = await Promise.race([
      collector.next<T & { error?: string }>(name, timeoutMs),
      new Promise<never>((_, reject) => browser.child.once('exit', (code) => reject(new Error(`Chromium exited early (${code})`)))),
    ]);
    if (result.error) throw new Error(`the ${name} page failed: ${result.error}`);
    return result;
  } finally {
    browser.stop();
    server.stop();
    await collector.close();
  }
}
