/**
 * CLI entry point: `bun mock-server/src/main.ts --port 0 --chaos --data :memory:`.
 * Prints `listening on http://127.0.0.1:N` once ready (test runners wait for that exact line).
 */
import { parseArgs, USAGE } from './args';
import { createServer } from './create-server';

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

const server = await createServer(options);
console.log(`listening on ${server.url}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
