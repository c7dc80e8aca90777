/**
 * The controller's side of the client processes of the Server section: N sockets to one server,
 * split over several `fanout-clients.ts` processes (never the server's, never this one), with
 * waits for "all open", "all have T events" and "all closed".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BUN, stopChild } from './server-process';

const CLIENT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fanout-clients.ts');

type Message = Record<string, unknown>;

/** One client process and the JSON lines it printed that nobody has waited for yet. */
class ClientProcess {
  private readonly inbox: Message[] = [];
  private waiter: { test: (m: Message) => boolean; done: (m: Message) => void; fail: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(readonly child: ChildProcess) {
    // A write to a process that already died must surface as its exit, not as an unhandled EPIPE.
    child.stdin!.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: Message;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        return;
      }
      if (typeof message['error'] === 'string') this.fail(new Error(`client process ${child.pid}: ${message['error']}`));
      else this.deliver(message);
    });
    child.once('exit', (code, signal) => this.fail(new Error(`client process ${child.pid} exited (${code ?? signal})`)));
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The first message (queued or future) that passes `test`; earlier ones are dropped. */
  next(test: (m: Message) => boolean, timeoutMs: number, what: string): Promise<Message> {
    while (this.inbox.length > 0) {
      const message = this.inbox.shift()!;
      if (test(message)) return Promise.resolve(message);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`client process ${this.child.pid}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        test,
        done: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        fail: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  private deliver(message: Message): void {
    const waiter = this.waiter;
    if (waiter && waiter.test(message)) {
      this.waiter = null;
      waiter.done(message);
    } else if (!waiter) {
      this.inbox.push(message);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.fail(this.failure);
  }
}

/**
 * @example
 * ```ts
 * const fleet = await ClientFleet.open(server.wsUrl(), 1000, 4, { welcome: true });
 * try {
 *   await fleet.expect(1000);
 *   const done = fleet.done(1000);
 *   await server.burst(1000);
 *   await done;
 * } finally {
 *   await fleet.close();
 * }
 * ```
 */
export class ClientFleet {
  private constructor(private readonly processes: ClientProcess[]) {}

  /** Starts `processes` client processes sharing `sockets` sockets and resolves once all are open. */
  static async open(url: string, sockets: number, processes: number, options: { welcome: boolean; timeoutMs?: number }): Promise<ClientFleet> {
    const shares = Array.from({ length: processes }, (_, i) => Math.floor(sockets / processes) + (i < sockets % processes ? 1 : 0)).filter((n) => n > 0);
    const fleet = new ClientFleet(
      shares.map((n) => {
        const child = spawn(BUN, [CLIENT_SCRIPT, url, String(n), ...(options.welcome ? ['--welcome'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
        const kill = () => child.kill('SIGKILL');
        // Whatever ends the suite, a client process must not outlive it.
        process.once('exit', kill);
        child.once('exit', () => process.off('exit', kill));
        return new ClientProcess(child);
      }),
    );
    try {
      await fleet.all((p) => p.next((m) => 'ready' in m, options.timeoutMs ?? 60_000, 'ready'));
    } catch (error) {
      await fleet.kill();
      throw error;
    }
    return fleet;
  }

  /** Tells every process that each socket will have `total` events in all, and waits for the acks. */
  async expect(total: number): Promise<void> {
    for (const p of this.processes) p.send(`expect ${total}`);
    await this.all((p) => p.next((m) => m['expecting'] === total, 10_000, 'expect ack'));
  }

  /** Resolves when every socket has `total` events (as announced by {@link expect}). */
  async done(total: number, timeoutMs = 60_000): Promise<void> {
    await this.all((p) => p.next((m) => m['done'] === total, timeoutMs, `all ${total} events`));
  }

  /** Closes every socket cleanly and waits for the processes to exit; kills them if that stalls. */
  async close(): Promise<void> {
    try {
      for (const p of this.processes) p.send('close');
      await this.all((p) => p.next((m) => 'closed' in m, 30_000, 'close'));
    } catch {
      // Killed below either way.
    }
    await this.kill();
  }

  async kill(): Promise<void> {
    await Promise.all(this.processes.map((p) => stopChild(p.child)));
  }

  private all<T>(step: (p: ClientProcess) => Promise<T>): Promise<T[]> {
    return Promise.all(this.processes.map(step));
  }
}
