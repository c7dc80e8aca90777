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
        resolve(match[1]);
      }
    });
  });
}

module.exports = async function (config) {
  process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';
  const args = [];
  if (process.env.RT_MOCK_SERVER !== '0') args.push(`--mock-url=${await startMockServer()}`);
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [require('karma-jasmine'), require('karma-chrome-launcher')],
    client: { args, jasmine: { random: true }, clearContext: false },
    reporters: ['progress'],
    browsers: ['ChromeHeadlessCI'],
    customLaunchers: {
      ChromeHeadlessCI: {
        base: 'ChromeHeadless',
        flags: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    },
    browserNoActivityTimeout: 120000,
    singleRun: true,
    restartOnFileChange: false,
  });
};
