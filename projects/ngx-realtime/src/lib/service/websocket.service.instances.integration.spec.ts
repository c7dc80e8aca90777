/**
 * Two real mock server instances on one real redis-server (karma.conf.cjs starts them and passes
 * `--redis-pair=urlA,urlB`): a client whose `url` is a function fails over from one to the other
 * and resumes there with nothing lost or repeated.
 */
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { RANDOM_SOURCE } from '../platform/clock';
import type { KeyChangeEvent, LoginResponse } from '../protocol/protocol';
import { provideRealtime, withNoPollingFallback, withReconnect } from '../config/provide-realtime';
import { WebSocketService } from './websocket.service';
import { httpAt, waitFor } from './integration-test-bed.spec';

declare const __karma__: { config?: { args?: unknown[] } } | undefined;

function instances(): [string, string] {
  const args = (typeof __karma__ !== 'undefined' && __karma__?.config?.args) || [];
  const arg = args.find((a): a is string => typeof a === 'string' && a.startsWith('--redis-pair='));
  if (!arg) {
    throw new Error('instances spec: no --redis-pair= in __karma__.config.args; karma.conf.cjs starts the pair when redis-server is installed (apt-get install -y redis-server).');
  }
  const [a, b] = arg.slice('--redis-pair='.length).split(',');
  return [a!, b!];
}

describe('WebSocketService across two server instances on Redis (integration)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('fails over through a url function and resumes on the other instance with no loss and no repeat', async () => {
    const [a, b] = instances();
    const token = (await httpAt<LoginResponse>(a, 'POST', '/auth/login', { username: 'admin', password: 'admin' })).token;
    const prefix = `inst-${Math.random().toString(36).slice(2, 8)}:`;
    const put = (base: string, key: string) => httpAt(base, 'PUT', `/keys/${encodeURIComponent(prefix + key)}`, { value: key }, token);
    const asked: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRealtime(
          {
            url: () => {
              const base = [a, b][asked.length % 2]!;
              asked.push(base);
              return `${base}/ws/events`;
            },
          },
          withReconnect({ initialDelayMs: 300, maxDelayMs: 300 }),
          withNoPollingFallback(),
        ),
        { provide: RANDOM_SOURCE, useValue: () => 1 },
      ],
    });
    const service = TestBed.inject(WebSocketService);
    const received: KeyChangeEvent[] = [];
    service.onKeyChanges({ keyPrefix: prefix }).subscribe((e) => received.push(e));
    service.connect(token);
    await waitFor('connected to A', () => service.connectionState().status === 'connected');
    await put(a, 'a');
    await put(b, 'b'); // written through the other instance, delivered by this one
    await waitFor('a and b', () => received.length === 2);

    await httpAt(a, 'POST', '/__chaos/drop', {});
    await waitFor('the drop to be noticed', () => service.connectionState().status === 'reconnecting');
    await put(a, 'c');
    await put(b, 'd');
    await waitFor('connected to B', () => service.connectionState().status === 'connected');
    expect(asked).toEqual([a, b]);
    await put(b, 'e');
    await waitFor('e', () => received.some((e) => e.key === `${prefix}e`));
    await new Promise((resolve) => setTimeout(resolve, 100)); // room for a repeat to show up
    expect(received.map((e) => e.key.slice(prefix.length))).toEqual(['a', 'b', 'c', 'd', 'e']);
    const seqs = received.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    service.disconnect();
  }, 20_000);
});
