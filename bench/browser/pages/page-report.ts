/** What every benchmark page shares: its query parameters and how it reports to the collector. */

const query = new URLSearchParams(location.search);
const pageName = location.pathname.replace(/^\/|\.html$/g, '');

// A page that breaks outside its benchmark function still tells the runner why, instead of timing out.
addEventListener('error', (e) => report(pageName, { error: `uncaught: ${e.message} at ${e.filename}:${e.lineno}` }));
addEventListener('unhandledrejection', (e) => report(pageName, { error: `unhandled rejection: ${String(e.reason?.stack ?? e.reason)}` }));

/** A numeric query parameter, or `fallback`. */
export function param(name: string, fallback: number): number {
  const value = Number(query.get(name));
  return Number.isFinite(value) && query.has(name) ? value : fallback;
}

/** Posts the page's figures (or its failure) to the collector that started it. */
export function report(kind: string, body: object): void {
  void fetch(query.get('collector')!, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ kind, ...body }) });
}

/** Runs the page's benchmark and reports its result or its error. */
export function runBenchmark(kind: string, run: () => Promise<object>): void {
  run().then(
    (figures) => report(kind, figures),
    (error: unknown) => report(kind, { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }),
  );
}

/** Lets the event loop breathe between rounds, so GC and pending work do not land inside a measurement. */
export function pause(ms = 50): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
