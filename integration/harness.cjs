// The servers the integration specs of ngx-realtime run against, other than the mock server: the real
// Ignis WebSocket helper (@venizia/ignis-helpers, installed in integration/ignis/ by
// scripts/ensure-deps.sh) on a real redis-server, Ignis's WebSocketEmitter in a process of its own,
// a Bun server shaped like AuroraBot's dashboard socket and a `ws` server shaped like Fluxora's stream
// channel. karma.conf.cjs starts this harness (a small HTTP API on a free port) and hands its URL to
// the browser as `--harness-url=`; the specs then ask it to start, kill and restart servers and to
// send messages from the server side. Servers start only when a spec asks for them.
//
//   POST /start {kind, name, options}  -> {url}   kind: 'ignis' | 'ignis-emitter' | 'aurora' | 'fluxora'
//                                                 (a stopped instance starts again on the same port)
//   POST /kill  {name}                 -> {}      SIGKILL, as a crash; resolves once it is gone
//   POST /stop  {name}                 -> {}      SIGTERM: a graceful shutdown (Ignis closes with 1001)
//   POST /call  {name, path, body}     -> the instance's own answer to POST path (emit, broadcast...)
//
// Nothing outlives the process that started the harness: every child is killed when it exits, and
// every child also exits by itself when its standard input (a pipe from this process) closes, so
// even a Karma killed with SIGKILL leaves no server behind. Ignis's log files go to a temporary
// folder that is removed on exit.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BUN = path.join(ROOT, 'node_modules', '.bin', 'bun');
const START_TIMEOUT_MS = 30_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

function answersTcp(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts the integration harness on a free port.
 * @returns {Promise<{ url: string, close(): void }>}
 * @example
 * const { url } = await startHarness(); // http://127.0.0.1:N, for --harness-url=
 */
async function startHarness() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ngx-realtime-harness-'));
  /** name -> { kind, port, options, child, url } */
  const instances = new Map();
  const children = new Set();
  let redis = null; // { port, pid, child }

  const cleanup = () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    if (redis?.pid) {
      try {
        process.kill(redis.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('exit', cleanup);

  /** A redis-server with persistence off, on a free port; wrapped in sh so it dies with our stdin pipe. */
  async function ensureRedis() {
    if (redis) return redis.port;
    if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
      throw new Error('redis-server is not installed (apt-get install -y redis-server; scripts/ensure-deps.sh --chromium does it)');
    }
    const port = await freePort();
    const child = spawn(
      'sh',
      ['-c', `redis-server --port ${port} --bind 127.0.0.1 --save '' --appendonly no >/dev/null & r=$!; echo "pid $r"; cat >/dev/null; kill -9 $r`],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    children.add(child);
    detach(child);
    const pid = await new Promise((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /pid (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
    });
    child.stdout.resume();
    redis = { port, pid, child };
    for (let i = 0; i < 200 && !(await answersTcp(port)); i++) await new Promise((r) => setTimeout(r, 25));
    return port;
  }

  async function command(kind, port, options) {
    switch (kind) {
      case 'ignis': {
        if (!fs.existsSync(path.join(__dirname, 'ignis', 'node_modules', '@venizia', 'ignis-helpers'))) {
          throw new Error('integration/ignis has no node_modules: run bash scripts/ensure-deps.sh (it installs @venizia/ignis-helpers there)');
        }
        const args = [path.join(__dirname, 'ignis', 'server.ts'), '--port', String(port), '--redis-port', String(await ensureRedis())];
        if (options.encryption) args.push('--encryption');
        if (options.encryptConnected) args.push('--encrypt-connected');
        if (options.heartbeatIntervalMs) args.push('--heartbeat-interval', String(options.heartbeatIntervalMs));
        if (options.heartbeatTimeoutMs) args.push('--heartbeat-timeout', String(options.heartbeatTimeoutMs));
        return { bin: BUN, args, path: '/ws' };
      }
      case 'ignis-emitter':
        return { bin: BUN, args: [path.join(__dirname, 'ignis', 'emitter.ts'), '--port', String(port), '--redis-port', String(await ensureRedis())], path: '' };
      case 'aurora': {
        const args = [path.join(__dirname, 'json-socket', 'aurora-server.ts'), '--port', String(port)];
        if (options.heartbeatMs) args.push('--heartbeat-ms', String(options.heartbeatMs));
        if (options.statsMs) args.push('--stats-ms', String(options.statsMs));
        return { bin: BUN, args, path: '/ws' };
      }
      case 'fluxora':
        return { bin: process.execPath, args: [path.join(__dirname, 'json-socket', 'fluxora-server.mjs'), '--port', String(port)], path: '/ws/streams' };
      default:
        throw new Error(`unknown kind '${kind}'`);
    }
  }

  async function start(kind, name, options = {}) {
    const known = instances.get(name);
    if (known && known.child) return known.url;
    const port = known ? known.port : await freePort();
    const { bin, args, path: wsPath } = await command(kind, port, options);
    const child = spawn(bin, args, {
      cwd: tmp,
      env: { ...process.env, APP_ENV_LOGGER_FOLDER_PATH: tmp },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    detach(child);
    const log = fs.createWriteStream(path.join(tmp, `${name}.log`), { flags: 'a' });
    child.stderr.pipe(log);
    await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`${kind} '${name}' did not start within ${START_TIMEOUT_MS} ms: ${out.slice(-2000)}`)), START_TIMEOUT_MS);
      function fail(error) {
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
        reject(error);
      }
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`${kind} '${name}' exited with ${code}: ${out.slice(-2000)}`)));
      child.stdout.on('data', (chunk) => {
        out += chunk;
        log.write(chunk);
        if (!/listening on http:\/\/\S+/.test(out)) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout.removeAllListeners('data');
        child.stdout.pipe(log);
        resolve();
      });
    });
    const instance = { kind, port, options, child, url: `${kind === 'ignis-emitter' ? 'http' : 'ws'}://127.0.0.1:${port}${wsPath}` };
    child.once('exit', () => {
      children.delete(child);
      if (instance.child === child) instance.child = null;
    });
    instances.set(name, instance);
    return instance.url;
  }

  async function end(name, signal) {
    const instance = instances.get(name);
    const child = instance?.child;
    if (!child) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await gone;
  }

  async function call(name, route, body) {
    const instance = instances.get(name);
    if (!instance?.child) throw new Error(`'${name}' is not running`);
    const response = await fetch(`http://127.0.0.1:${instance.port}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${route} on '${name}': HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  const server = http.createServer(async (request, response) => {
    const headers = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Content-Type': 'application/json',
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, headers).end();
      return;
    }
    let raw = '';
    for await (const chunk of request) raw += chunk;
    try {
      const body = raw ? JSON.parse(raw) : {};
      let result = {};
      if (request.url === '/start') result = { url: await start(body.kind, body.name ?? body.kind, body.options ?? {}) };
      else if (request.url === '/kill') await end(body.name, 'SIGKILL');
      else if (request.url === '/stop') await end(body.name, 'SIGTERM');
      else if (request.url === '/call') result = await call(body.name, body.path, body.body);
      else {
        response.writeHead(404, headers).end(JSON.stringify({ error: `no route ${request.url}` }));
        return;
      }
      response.writeHead(200, headers).end(JSON.stringify(result));
    } catch (error) {
      response.writeHead(500, headers).end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The harness must not keep Karma (and so `ng test`) running once its work is done.
  server.unref();
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.close();
      cleanup();
    },
  };
}

/** A child and its pipes must not keep Karma (and so `ng test`) running once its work is done. */
function detach(child) {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.unref?.();
}

module.exports = { startHarness };
