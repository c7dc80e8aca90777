// Shared Karma set-up for the library and the demo: headless system Chromium with the flags it
// needs as root in a container without outside network. For the library's integration specs it
// also starts the real mock server on a free port and hands its URL to the browser through
// `__karma__.config.args` (`--mock-url=http://127.0.0.1:N`); the server is killed when Karma exits.
const { spawn } = require('node:child_process');
const path = require('node:path');

function startMockServer() {
  const root = __dirname;
  const bun = path.join(root, 'node_modules', '.bin', 'bun');
  const child = spawn(
    bun,
    [path.join(root, 'mock-server', 'src', 'main.ts'), '--port', '0', '--chaos', '--data', ':memory:',
      '--stats-interval', '60000'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { stop(); process.exit(130); });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('mock server did not start within 15 s')), 15000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mock server exited early with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        // Karma's run is over when its own work is; a live child and its pipe must not keep Node
        // (and so `ng test`) running forever. The 'exit' handler above still kills the server.
        child.unref();
        child.stdout.unref();
        resolve(match[1]);
      }
    });
  });
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
  if (process.env.RT_MOCK_SERVER !== '0') args.push(`--mock-url=${await startMockServer()}`);
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
