import type { Subprocess } from 'bun';
import { join } from 'node:path';

/**
 * The repository's bun, so a spawned CLI runs on the same version as the tests.
 *
 * @example
 * ```ts
 * Bun.spawn([BUN, MAIN, '--help']);
 * ```
 */
export const BUN = join(import.meta.dir, '..', '..', 'node_modules', '.bin', 'bun');

/**
 * The mock server's CLI entry point.
 *
 * @example
 * ```ts
 * Bun.spawn([BUN, MAIN, '--bogus'], { stderr: 'pipe' });
 * ```
 */
export const MAIN = join(import.meta.dir, '..', 'src', 'main.ts');

const running = new Set<Subprocess>();

/**
 * Spawns the real CLI (from `cwd`, the tests' own folder by default) with its output piped; every
 * process spawned here is killed by {@link killAllCli}.
 *
 * @example
 * ```ts
 * const proc = startCli(['--bogus']);
 * expect(await proc.exited).toBe(2);
 * ```
 */
export function startCli(args: string[], cwd?: string): Subprocess<'ignore', 'pipe', 'pipe'> {
  const proc = Bun.spawn([BUN, MAIN, ...args], { stdout: 'pipe', stderr: 'pipe', ...(cwd ? { cwd } : {}) });
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

/**
 * Spawns the real CLI and resolves with its URL once it prints the listening line; rejects with
 * what it printed when it exits first or takes longer than 10 s.
 *
 * @example
 * ```ts
 * const { proc, url } = await spawnCli(['--port', '0', '--data', ':memory:']);
 * ```
 */
export async function spawnCli(args: string[], cwd?: string): Promise<{ proc: Subprocess<'ignore', 'pipe', 'pipe'>; url: string }> {
  const proc = startCli(args, cwd);
  const reader = proc.stdout.getReader();
  let out = '';
  const deadline = Date.now() + 10_000;
  while (!/listening on (http:\/\/\S+)\n/.test(out)) {
    if (Date.now() > deadline) throw new Error(`CLI did not start: ${out}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`CLI exited early (${await proc.exited}): ${out}${await new Response(proc.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, url: /listening on (http:\/\/\S+)\n/.exec(out)![1]! };
}

/**
 * Kills every CLI process spawned here that is still running, so no test leaves one behind.
 *
 * @example
 * ```ts
 * afterEach(killAllCli);
 * ```
 */
export async function killAllCli(): Promise<void> {
  const left = [...running];
  for (const proc of left) proc.kill('SIGKILL');
  await Promise.all(left.map((proc) => proc.exited));
  running.clear();
}
