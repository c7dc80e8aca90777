/**
 * Size: the SDK's own code, minified and gzipped, in an esbuild bundle of a small app
 * (`bench/size/sdk-app.ts`: `provideRealtime`, `withAuth`, `WebSocketService`), next to the same
 * measure for a minimal app of each of seven realtime clients (`bench/size/<peer>.ts`). Angular and
 * RxJS are external everywhere, so only the client library's code (and the app's few lines) count.
 */
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { row, type Section } from '../section';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const entries = join(root, 'bench', 'size');
const libSources = join(root, 'projects', 'ngx-realtime');
/** The library as it ships: ng-packagr's partial-Ivy FESM, not the TypeScript sources. */
const distFile = join(root, 'dist', 'ngx-realtime', 'fesm2022', 'ngx-realtime.mjs');

/** The issue's target for the SDK's gzipped bytes. */
const TARGET_BYTES = 6 * 1024;

/** Each peer's npm package and its app entry under `bench/size/`. */
const PEERS = [
  { pkg: 'socket.io-client', entry: 'socket-io.ts' },
  { pkg: '@microsoft/signalr', entry: 'signalr.ts' },
  { pkg: 'centrifuge', entry: 'centrifuge.ts' },
  { pkg: 'phoenix', entry: 'phoenix.ts' },
  { pkg: '@stomp/rx-stomp', entry: 'rx-stomp.ts' },
  { pkg: 'graphql-ws', entry: 'graphql-ws.ts' },
  { pkg: 'reconnecting-websocket', entry: 'reconnecting-websocket.ts' },
] as const;

/** Minified and gzipped bytes of one entry's bundle. */
interface BundleSize {
  minified: number;
  gzipped: number;
}

/**
 * Bundles an entry as an Angular production build would (dev-mode checks off, Angular and RxJS
 * left to the app's own chunks) and gzips it, all in memory.
 *
 * @example
 * const { gzipped } = await bundleSize(join(entries, 'phoenix.ts'));
 */
async function bundleSize(entry: string, plugins: Plugin[] = []): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    external: ['@angular/*', 'rxjs', 'rxjs/*'],
    define: { ngDevMode: 'false' },
    logLevel: 'error',
    plugins,
  });
  const output = result.outputFiles[0]!.contents;
  return { minified: output.byteLength, gzipped: gzipSync(output, { level: 9 }).byteLength };
}

/** Points `ngx-realtime` at the dist FESM; without it the repo's tsconfig `paths` would pick the sources. */
const shippedSdk: Plugin = {
  name: 'shipped-ngx-realtime',
  setup(b) {
    b.onResolve({ filter: /^ngx-realtime$/ }, () => ({ path: distFile }));
  },
};

/**
 * The parts of the library the size section names, by source file: what the protocol seam and
 * each transport add to the minimal app.
 */
const PARTS: { label: string; files: RegExp }[] = [
  { label: 'protocol seam (RealtimeProtocol, native protocol, ProtocolLink, LivenessWatch, EventStream)', files: /lib\/(protocol\/(realtime-protocol|native-protocol)|transport\/(protocol-link|liveness-watch|transport)|stream\/event-stream)\.ts$/ },
  { label: 'Server-Sent Events transport (SseTransport, SseParser)', files: /lib\/transport\/sse-(transport|parser)\.ts$/ },
  { label: 'long polling transport', files: /lib\/transport\/polling-transport\.ts$/ },
  { label: 'WebSocket transport', files: /lib\/transport\/websocket-transport\.ts$/ },
];

/**
 * Minified bytes per source file of the minimal app, from a bundle of the library's sources (the
 * shipped FESM is one file, so it cannot say which part weighs what). Bytes of the same code differ
 * a little from the FESM's (decorators are not compiled away), so these are shares, not totals.
 */
async function bytesByPart(): Promise<{ label: string; minified: number }[]> {
  const result = await build({
    entryPoints: [join(entries, 'sdk-app.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    external: ['@angular/*', 'rxjs', 'rxjs/*'],
    define: { ngDevMode: 'false' },
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  const inputs = Object.values(result.metafile!.outputs)[0]!.inputs;
  return PARTS.map((part) => ({
    label: part.label,
    minified: Object.entries(inputs)
      .filter(([file]) => part.files.test(file))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0),
  }));
}

/** Newest modification time of the library's non-spec sources and packaging files. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (!name.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the library when the dist FESM is missing or older than a source, so the figure is never stale. */
function ensureShippedBuild(): void {
  if (existsSync(distFile) && statSync(distFile).mtimeMs >= newestSourceMs(libSources)) return;
  execFileSync(join(root, 'node_modules', '.bin', 'ng'), ['build', 'ngx-realtime'], { cwd: root, stdio: 'pipe' });
}

const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * The size section: the SDK's gzipped bytes against the 6 KB target and against each peer.
 *
 * @example
 * console.log(formatSection(await size({ smoke: false })));
 */
export const size: Section = async () => {
  // Eight small in-memory builds take about a second, so a smoke run measures everything too.
  ensureShippedBuild();
  const [sdk, ...peers] = await Promise.all([
    bundleSize(join(entries, 'sdk-app.ts'), [shippedSdk]),
    ...PEERS.map((peer) => bundleSize(join(entries, peer.entry))),
  ]);
  const measured = PEERS.map((peer, i) => ({ ...peer, version: versionOf(peer.pkg), size: peers[i]! }));
  const parts = await bytesByPart();
  // The app's gzip ratio, applied to each part's minified bytes: an estimate of what it adds gzipped.
  const gzipRatio = sdk!.gzipped / sdk!.minified;
  return {
    name: '5. Size',
    method: 'esbuild bundle of a small app per client (minify, ESM, es2022, ngDevMode false, @angular/* and rxjs external; the SDK from its dist FESM), gzipped at level 9.',
    rows: [
      row(`ngx-realtime (target ${TARGET_BYTES / 1024} KB)`, sdk!.gzipped, TARGET_BYTES, 'B gz', `target ${TARGET_BYTES / 1024} KB`, { max: 1 }),
      ...measured.map((peer) => row(`ngx-realtime vs ${peer.pkg}`, sdk!.gzipped, peer.size.gzipped, 'B gz', `${peer.pkg} ${peer.version}`)),
    ],
    notes: [
      `gzipped: ngx-realtime ${kb(sdk!.gzipped)}, ${measured.map((peer) => `${peer.pkg} ${kb(peer.size.gzipped)}`).join(', ')}`,
      `minified: ngx-realtime ${kb(sdk!.minified)}, ${measured.map((peer) => `${peer.pkg} ${kb(peer.size.minified)}`).join(', ')}`,
      `versions: ${measured.map((peer) => `${peer.pkg} ${peer.version}`).join(', ')}`,
      `what each part weighs in the minimal app (minified bytes from a source bundle; gzipped at the app's ratio ${gzipRatio.toFixed(2)}): ${parts
        .map((part) => `${part.label} ${part.minified.toLocaleString('en')} B (~${Math.round(part.minified * gzipRatio).toLocaleString('en')} B gz)`)
        .join('; ')}`,
      'other protocols are not in the minimal app at all: nothing it imports reaches them, so they tree-shake away',
    ],
  };
};
