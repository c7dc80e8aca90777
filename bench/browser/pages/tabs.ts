/**
 * Tab sharing: the same page opened twice in one browser. The first tab leads the shared
 * connection, the second (opened with window.open) follows over the BroadcastChannel. Each round
 * the leader asks for a burst; both tabs time it to their last event, and the follower's rate is
 * held against the leader's.
 */
import '@angular/compiler';
import { filter, firstValueFrom } from 'rxjs';
import { withTabSharing } from 'ngx-realtime';
import { login, sdkClient } from './live-clients';
import { param, pause, report, runBenchmark } from './page-report';

const COUNT = param('count', 50_000);
const ROUNDS = param('rounds', 5);
const role = new URLSearchParams(location.search).get('tab') ?? 'leader';
// The bench's own channel between the two pages, apart from the SDK's.
const control = new BroadcastChannel('ngx-realtime-bench-tabs');

async function start(): Promise<{ received: () => number; role: () => string }> {
  const token = await login();
  let received = 0;
  const client = await sdkClient(token, (e) => e.key.startsWith('burst:') && received++, { batching: true, features: [withTabSharing({ name: 'bench' })] });
  return { received: () => received, role: () => client.service.connectionState().role };
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 1));
    poll();
  });
}

if (role === 'follower') {
  void start().then(async (tab) => {
    control.postMessage({ kind: 'follower-ready', role: tab.role() });
    for (let r = 1; r <= ROUNDS; r++) {
      await until(() => tab.received() >= r * COUNT);
      control.postMessage({ kind: 'follower-done', round: r, at: performance.timeOrigin + performance.now() });
    }
  }, (error: unknown) => report('tabs', { error: String(error) }));
} else {
  runBenchmark('tabs', async () => {
    const tab = await start();
    await until(() => tab.role() === 'leader');
    const followerDone: Array<(at: number) => void> = [];
    let followerRole = '';
    const followerReady = new Promise<void>((resolve) => {
      control.onmessage = (e: MessageEvent) => {
        if (e.data.kind === 'follower-ready') {
          followerRole = e.data.role;
          resolve();
        } else if (e.data.kind === 'follower-done') followerDone[e.data.round - 1]?.(e.data.at);
      };
    });
    window.open(`${location.pathname}${location.search}&tab=follower`, '_blank');
    await followerReady;
    const leaderMs: number[] = [];
    const followerMs: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      await pause(200);
      const followerAt = new Promise<number>((resolve) => (followerDone[r - 1] = resolve));
      const startedAt = performance.timeOrigin + performance.now();
      await fetch('/__chaos/burst', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ count: COUNT }) });
      await until(() => tab.received() >= r * COUNT);
      leaderMs.push(performance.timeOrigin + performance.now() - startedAt);
      followerMs.push((await followerAt) - startedAt);
    }
    return { count: COUNT, roles: [tab.role(), followerRole], rounds: { leader: leaderMs, follower: followerMs } };
  });
}
