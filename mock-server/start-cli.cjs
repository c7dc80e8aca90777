// Starts the mock server's real CLI on a free port for a test runner (Karma, Playwright, node --test)
// and resolves once it prints `listening on http://127.0.0.1:N`. The child is killed when the
// calling process exits, whatever ends it; callers stop it earlier with `stop()`.
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const START_TIMEOUT_MS = 15_000;

/**
 * @param {string[]} extraArgs flags after `--port 0 --chaos --data :memory:`
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess, stop(): void }>}
 * @example
 * const { url, stop } = await startMockServerCli(['--heartbeat-timeout', '2000']);
 */
function startMockServerCli(extraArgs = []) {
  const child = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'bun'),
    [path.join(ROOT, 'mock-server', 'src', 'main.ts'), '--port', '0', '--chaos', '--data', ':memory:', ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (error) => {
      clearTimeout(timer);
      stop();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`mock server did not start within 15 s; it printed: ${out}`)), START_TIMEOUT_MS);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`mock server exited early with ${code}; it printed: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      // A child that is gone needs no killing: a runner that starts many servers keeps no listener per dead one.
      child.once('exit', () => process.off('exit', stop));
      // Keep draining stdout so a chatty server never blocks on a full pipe.
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ url: match[1].replace(/\/$/, ''), child, stop });
    });
  });
}

module.exports = { startMockServerCli };
