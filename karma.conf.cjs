// Shared Karma set-up for the library and the demo: headless system Chromium with the flags it
// needs as root in a container without outside network. For the library's integration specs it
// also starts the real mock server on a free port and hands its URL to the browser through
// `__karma__.config.args` (`--mock-url=http://127.0.0.1:N`); the server is killed when Karma exits.
const { startMockServerCli } = require('./mock-server/start-cli.cjs');

async function startMockServer() {
  const { url, child, stop } = await startMockServerCli(['--stats-interval', '60000', '--heartbeat-interval', '200', '--heartbeat-timeout', '2000']);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { stop(); process.exit(130); });
  // Karma's run is over when its own work is; a live child and its pipe must not keep Node
  // (and so `ng test`) running forever. The helper's exit hook still kills the server.
  child.unref();
  child.stdout.unref();
  return url;
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
