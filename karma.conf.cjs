// Shared Karma set-up for the library and the demo: headless system Chromium with the flags it
// needs as root in a container without outside network. For the library's integration specs it
// also starts the real mock server on a free port and hands its URL to the browser through
// `__karma__.config.args` (`--mock-url=http://127.0.0.1:N`), and one with 3 s tokens
// (`--short-token-url=`); the servers are killed when Karma exits. It also starts the integration
// harness (`integration/harness.cjs`, `--harness-url=`), which starts the real Ignis server helper on a
// real redis-server, Ignis's emitter, and servers shaped like AuroraBot's and Fluxora's when a spec
// asks for them, and kills every one of them when Karma exits.
const { startMockServerCli } = require('./mock-server/start-cli.cjs');
const { startHarness } = require('./integration/harness.cjs');

async function startMockServer() {
  const { url, child, stop } = await startMockServerCli(['--stats-interval', '60000', '--heartbeat-interval', '200', '--heartbeat-timeout', '2000']);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { stop(); process.exit(130); });
  // Karma's run is over when its own work is; a live child and its pipe must not keep Node
  // (and so `ng test`) running forever. The helper's exit hook still kills the server.
  child.unref();
  child.stdout.unref();
  return url;
}

// One more with 3 s tokens and the default 15 s heartbeat, for the spec that rotates short tokens
// on the open socket: with pings that rare, each rotation has to come from the SDK's own timer.
async function startShortTokenServer() {
  const { url, child } = await startMockServerCli(['--stats-interval', '60000', '--token-ttl', '3']);
  child.unref();
  child.stdout.unref();
  return url;
}

// Two more instances on one real redis-server, for the spec that fails over between instances.
// Resolves to null (that spec then says why it cannot run) when redis-server is not installed.
async function startRedisPair() {
  const { spawn, spawnSync } = require('node:child_process');
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) return null;
  const port = await new Promise((resolve) => {
    const probe = require('node:net').createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redis.unref();
  process.once('exit', () => redis.kill('SIGKILL'));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = require('node:net').connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const flags = ['--stats-interval', '60000', '--redis', `redis://127.0.0.1:${port}`];
  const urls = [];
  for (let i = 0; i < 2; i++) {
    const { url, child } = await startMockServerCli(flags);
    child.unref();
    child.stdout.unref();
    urls.push(url);
  }
  return urls;
}

// Writes {passed, failed, skipped, error} to $RT_KARMA_SUMMARY so the test script can add every
// suite's counts into one line without scraping the progress reporter's output.
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  this.onSpecComplete = (_browser, result) => {
    if (result.skipped || result.pending) counts.skipped++;
    else if (result.success) counts.passed++;
    else counts.failed++;
  };
  this.onRunComplete = (_browsers, results) => {
    const file = process.env.RT_KARMA_SUMMARY;
    if (!file) return;
    require('node:fs').writeFileSync(file, JSON.stringify({ ...counts, error: !!results.error || results.disconnected }));
  };
}
SummaryReporter.$inject = ['baseReporterDecorator'];

module.exports = async function (config) {
  process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';
  const args = [];
  if (process.env.RT_MOCK_SERVER !== '0') {
    args.push(`--mock-url=${await startMockServer()}`);
    args.push(`--short-token-url=${await startShortTokenServer()}`);
    const pair = await startRedisPair();
    if (pair) args.push(`--redis-pair=${pair.join(',')}`);
    args.push(`--harness-url=${(await startHarness()).url}`);
  }
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [require('karma-jasmine'), require('karma-chrome-launcher'), { 'reporter:summary': ['type', SummaryReporter] }],
    client: { args, jasmine: { random: true }, clearContext: false },
    reporters: [process.env.CI ? 'dots' : 'progress', ...(process.env.RT_KARMA_SUMMARY ? ['summary'] : [])],
    browsers: ['ChromeHeadlessCI'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: require('./chromium-flags.cjs'),
      },
    },
    browserNoActivityTimeout: 120000,
    singleRun: true,
    restartOnFileChange: false,
  });
};
