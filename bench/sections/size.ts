/**
 * Size: the SDK's own code, minified and gzipped, in an esbuild bundle of a small app
 * (`bench/size/sdk-app.ts`: `provideRealtime`, `withAuth`, `WebSocketService`), next to the same
 * measure for a minimal app of each of seven realtime clients (`bench/size/<peer>.ts`). Angular and
 * RxJS are external everywhere, so only the client library's code (and the app's few lines) count.
 * The bundle is split at dynamic imports as an app's build splits it: the SDK figure is the code the
 * app loads at start, and the fallbacks chunk it loads only when a session first needs it is shown
 * apart. Variants of the small app (`bench/size/sdk-*.ts`) price each optional feature.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transformAsync } from '@babel/core';
import angularLinker from '@angular/compiler-cli/linker/babel';
import { row, type Section } from '../section';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const entries = join(root, 'bench', 'size');
const libSources = join(root, 'projects', 'ngx-realtime');
/** The library as it ships: ng-packagr's partial-Ivy FESM, not the TypeScript sources. */
const distFile = join(root, 'dist', 'ngx-realtime', 'fesm2022', 'ngx-realtime.mjs');

/** Issue 20's target for the minimal app's initial SDK code, gzipped (phoenix's minimal app is 7.7 KB). */
const TARGET_BYTES = 7_700;

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

/** Minified and gzipped bytes of one entry's bundle: what the page loads at start, and what it loads later. */
interface BundleSize {
  /** The entry chunk and every chunk it imports statically: the app's initial code. */
  minified: number;
  gzipped: number;
  /** Chunks reached only through a dynamic `import()`: loaded when first needed, if ever. */
  lazyMinified: number;
  lazyGzipped: number;
  lazyChunks: number;
}

/**
 * The chunks a page loads at start: the entry's own, and those it imports statically, transitively.
 * (esbuild marks each dynamically imported file as an entry point too, so the app's entry is told
 * apart by its path.)
 *
 * @example
 * const initial = initialChunks(result.metafile!.outputs, join(entries, 'sdk-app.ts'));
 */
function initialChunks(outputs: Metafile['outputs'], entry: string): Set<string> {
  const initial = new Set<string>();
  const visit = (name: string) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const imported of outputs[name]!.imports) if (imported.kind === 'import-statement' && imported.path in outputs) visit(imported.path);
  };
  for (const [name, output] of Object.entries(outputs)) if (output.entryPoint !== undefined && resolve(root, output.entryPoint) === entry) visit(name);
  return initial;
}

/**
 * Bundles an entry as an Angular production build would (dev-mode checks off, Angular and RxJS
 * left to the app's own chunks, code split at each dynamic `import()`) and gzips each chunk, all in
 * memory. Chunks are gzipped one by one, as a browser downloads them.
 *
 * @example
 * const { gzipped } = await bundleSize(join(entries, 'phoenix.ts'));
 */
/**
 * How every bundle here is built: as an Angular production build would (dev-mode checks off,
 * Angular and RxJS left to the app's own chunks), split where the SDK loads code later.
 */
const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  splitting: true,
  outdir: join(root, 'dist', 'size-bundle'),
  write: false,
  metafile: true,
  external: ['@angular/*', 'rxjs', 'rxjs/*'],
  define: { ngDevMode: 'false' },
} satisfies BuildOptions;

async function bundleSize(entry: string, plugins: Plugin[] = []): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    ...BUNDLE_OPTIONS,
    logLevel: 'error',
    plugins,
  });
  const outputs = result.metafile!.outputs;
  const names = Object.keys(outputs);
  const initial = initialChunks(outputs, entry);
  const size: BundleSize = { minified: 0, gzipped: 0, lazyMinified: 0, lazyGzipped: 0, lazyChunks: 0 };
  for (const file of result.outputFiles) {
    const name = names.find((n) => file.path.endsWith(n.slice(n.lastIndexOf('/'))));
    if (name === undefined || name.endsWith('.map')) continue;
    const gzipped = gzipSync(file.contents, { level: 9 }).byteLength;
    if (initial.has(name)) {
      size.minified += file.contents.byteLength;
      size.gzipped += gzipped;
    } else {
      size.lazyMinified += file.contents.byteLength;
      size.lazyGzipped += gzipped;
      size.lazyChunks++;
    }
  }
  return size;
}

/**
 * Points `ngx-realtime` at the dist FESM (without it the repo's tsconfig `paths` would pick the
 * sources) and links it as an app's build does: ng-packagr ships partial-Ivy declarations
 * (`ɵɵngDeclareFactory` and the like) that the Angular linker turns into the definitions a
 * production build keeps, dropping the class metadata only development builds read. Without the
 * linker the figure would count declarations no app ships. The FESM's own chunks
 * (`./ngx-realtime-*.mjs`) resolve next to it as usual and are linked too.
 */
const shippedSdk: Plugin = {
  name: 'shipped-ngx-realtime',
  setup(b) {
    b.onResolve({ filter: /^ngx-realtime$/ }, () => ({ path: distFile }));
    b.onLoad({ filter: /[\\/]dist[\\/]ngx-realtime[\\/]fesm2022[\\/][^/\\]+\.mjs$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const linked = await transformAsync(source, { filename: args.path, plugins: [angularLinker], configFile: false, babelrc: false, sourceMaps: false });
      return { contents: linked?.code ?? source, loader: 'js' };
    });
  },
};

/**
 * The parts of the library the size section names, by source file: every file of the minimal app
 * falls in one, so together they say what its initial code is made of, and what loads later.
 */
const PARTS: { label: string; files: RegExp }[] = [
  { label: 'session (attempts, retries, backoff, the connection state)', files: /lib\/(session\/(connection-session|transport-handlers|backoff|session-urls)|stream\/connection-state(-store)?)\.ts$/ },
  { label: 'tokens (withAuth, providers, rotation, expiry)', files: /lib\/session\/(session-token|token-rotation|token-provider|token-refresh)\.ts$/ },
  { label: 'native protocol and frame validation', files: /lib\/protocol\/(native-protocol|frame-validation|server-frame-schema|protocol|realtime-protocol)\.ts$/ },
  { label: 'WebSocket transport (ProtocolLink, liveness, the browser backend)', files: /lib\/transport\/(websocket-transport|protocol-link|liveness-watch|transport|realtime-backend|backend-io|realtime-poll-error)\.ts$/ },
  { label: 'event stream (sequencing, fan-out, batches, resync, errors)', files: /lib\/stream\/(event-stream|event-fanout|event-sequencer|batch-boundary)\.ts$/ },
  { label: 'WebSocketService (and RealtimeConnection, its SessionHost)', files: /lib\/service\/[\w.-]+\.ts$/ },
  { label: 'configuration and platform (provideRealtime, withAuth, clock, network)', files: /lib\/(config|platform)\/[\w-]+\.ts$/ },
  { label: 'rooms (protocolRooms, only with a protocol that has rooms)', files: /lib\/protocol\/protocol-rooms\.ts$/ },
  { label: 'which transport next, and the fallbacks loader', files: /lib\/(session\/transport-ladder|fallbacks\/load-fallbacks)\.ts$/ },
  { label: 'tab sharing hook', files: /lib\/tab-sharing\/[\w-]+\.ts$/ },
  { label: 'Server-Sent Events transport (SseTransport, SseParser)', files: /lib\/transport\/sse-(transport|parser)\.ts$/ },
  { label: 'long polling transport', files: /lib\/transport\/polling-transport\.ts$/ },
  { label: 'switching and probing (TransportSwitch)', files: /lib\/session\/transport-switch\.ts$/ },
  { label: "the browser's HTTP I/O (fetch for streams and polls, the refused-upgrade check)", files: /lib\/transport\/browser-http\.ts$/ },
];

/** The optional features the size section prices: each a variant of the minimal app under `bench/size/`. */
const FEATURES: { label: string; entry: string; note?: string }[] = [
  { label: 'withTabSharing()', entry: 'sdk-tab-sharing.ts' },
  // Its default transport is a Server-Sent Events stream, which comes with the fallbacks chunk.
  { label: 'withProtocol(apexStoreCdc())', entry: 'sdk-apexstore.ts', note: 'and the fallbacks chunk at its first connection: SSE is its transport' },
  { label: 'liveResource() + reduceKeyChanges()', entry: 'sdk-live-resource.ts' },
];

/**
 * Minified bytes per part of the minimal app, in its initial code and in its lazy chunks, from a
 * bundle of the library's sources (the shipped FESM bundles many files into one, so it cannot say
 * which part weighs what). Bytes of the same code differ a little from the FESM's (decorators are
 * not compiled away), so these are shares, not totals.
 */
async function bytesByPart(): Promise<{ label: string; initial: number; lazy: number }[]> {
  const result = await build({
    entryPoints: [join(entries, 'sdk-app.ts')],
    ...BUNDLE_OPTIONS,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  const outputs = result.metafile!.outputs;
  const initialNames = initialChunks(outputs, join(entries, 'sdk-app.ts'));
  const bytesOf = (files: RegExp, initial: boolean) =>
    Object.entries(outputs)
      .filter(([name]) => initialNames.has(name) === initial)
      .flatMap(([, output]) => Object.entries(output.inputs))
      .filter(([file]) => files.test(file))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return PARTS.map((part) => ({ label: part.label, initial: bytesOf(part.files, true), lazy: bytesOf(part.files, false) }));
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
const bytes = (n: number) => `${n.toLocaleString('en')} B`;

/**
 * The size section: the minimal app's initial SDK code, gzipped, against the 7,700 B target and
 * against each peer; what it loads later (the fallback transports); and what each optional feature
 * adds to the initial code.
 *
 * @example
 * console.log(formatSection(await size({ smoke: false })));
 */
export const size: Section = async () => {
  // A dozen small in-memory builds take about two seconds, so a smoke run measures everything too.
  ensureShippedBuild();
  const [sdk, ...rest] = await Promise.all([
    bundleSize(join(entries, 'sdk-app.ts'), [shippedSdk]),
    ...FEATURES.map((feature) => bundleSize(join(entries, feature.entry), [shippedSdk])),
    ...PEERS.map((peer) => bundleSize(join(entries, peer.entry))),
  ]);
  const features = FEATURES.map((feature, i) => ({ ...feature, size: rest[i]! }));
  const peers = rest.slice(FEATURES.length);
  const measured = PEERS.map((peer, i) => ({ ...peer, version: versionOf(peer.pkg), size: peers[i]! }));
  const parts = await bytesByPart();
  // The app's gzip ratio, applied to each part's minified bytes: an estimate of what it adds gzipped.
  const gzipRatio = sdk!.gzipped / sdk!.minified;
  const added = (variant: BundleSize) => variant.gzipped - sdk!.gzipped;
  return {
    name: '5. Size',
    method:
      'esbuild bundle of a small app per client (minify, ESM, es2022, code split at dynamic imports, ngDevMode false, @angular/* and rxjs external; the SDK from its dist FESM), the SDK\'s partial-Ivy declarations linked by the Angular linker as ng build does; each chunk gzipped at level 9. The SDK figure is the initial code; chunks loaded later are shown apart.',
    rows: [
      row(`ngx-realtime, initial (target ${bytes(TARGET_BYTES)})`, sdk!.gzipped, TARGET_BYTES, 'B gz', `target ${bytes(TARGET_BYTES)}`, { max: 1 }),
      row('ngx-realtime, fallbacks loaded on first need', sdk!.lazyGzipped, sdk!.gzipped, 'B gz', `the initial ${bytes(sdk!.gzipped)}`),
      ...features.map((feature) => row(`ngx-realtime + ${feature.label}`, added(feature.size), sdk!.gzipped, 'B gz', `the initial ${bytes(sdk!.gzipped)}`)),
      ...measured.map((peer) => row(`ngx-realtime vs ${peer.pkg}`, sdk!.gzipped, peer.size.gzipped, 'B gz', `${peer.pkg} ${peer.version}`)),
    ],
    notes: [
      `gzipped: ngx-realtime ${kb(sdk!.gzipped)} initial + ${kb(sdk!.lazyGzipped)} in ${sdk!.lazyChunks} chunk(s) loaded when a fallback is first needed; ${measured.map((peer) => `${peer.pkg} ${kb(peer.size.gzipped)}`).join(', ')}`,
      `minified: ngx-realtime ${kb(sdk!.minified)} initial + ${kb(sdk!.lazyMinified)} later; ${measured.map((peer) => `${peer.pkg} ${kb(peer.size.minified)}`).join(', ')}`,
      `what each feature adds to the initial code, gzipped: ${features
        .map((feature) => `${feature.label} +${bytes(added(feature.size))}${feature.note ? ` (${feature.note})` : ''}`)
        .join('; ')}; the fallbacks (Server-Sent Events, long polling, probing back, token renewal beside a stream) ${bytes(sdk!.lazyGzipped)}, loaded only when first needed`,
      `versions: ${measured.map((peer) => `${peer.pkg} ${peer.version}`).join(', ')}`,
      `what the minimal app's initial code is made of (minified bytes from a source bundle; gzipped at the app's ratio ${gzipRatio.toFixed(2)}): ${parts
        .filter((part) => part.initial > 0)
        .map((part) => `${part.label} ${bytes(part.initial)} (~${bytes(Math.round(part.initial * gzipRatio))} gz)`)
        .join('; ')}`,
      `what it loads later (minified): ${parts
        .filter((part) => part.lazy > 0)
        .map((part) => `${part.label} ${bytes(part.lazy)}`)
        .join('; ')}`,
      'other protocols are not in the minimal app at all: nothing it imports reaches them, so they tree-shake away',
    ],
  };
};
