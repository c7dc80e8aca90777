/**
 * CLI entry point: `bun mock-server/src/main.ts --port 0 --chaos --data :memory:`.
 * Prints `listening on http://127.0.0.1:N` once ready (test runners wait for that exact line).
 */
import { parseArgs, USAGE } from './args';
import { createServer } from './create-server';
import { DataFileInUseError } from './storage/data-file-in-use-error';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}

let options;
try {
  options = parseArgs(argv);
} catch (error) {
  console.error(`mock-server: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

let server;
try {
  server = await createServer(options);
} catch (error) {
  // A file held by another instance is a usage error like a bad flag: one line with the fix, exit 2.
  if (!(error instanceof DataFileInUseError)) throw error;
  const fix = options.redisUrl
    ? 'with --redis, leave out --data (each instance then keeps its replica in memory) or give each instance a file of its own'
    : 'give this instance a file of its own (--data PATH, or --data :memory:), or stop the other one';
  console.error(`mock-server: ${error.message}; ${fix}`);
  process.exit(2);
}
// Before the listening line: a runner may send SIGTERM as soon as it has read it.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
console.log(`listening on ${server.url}`);
